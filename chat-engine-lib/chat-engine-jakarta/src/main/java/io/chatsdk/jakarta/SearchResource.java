package io.chatsdk.jakarta;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.SearchPage;
import io.chatsdk.engine.model.SearchQuery;
import io.chatsdk.engine.wire.Wire;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GetStream's message search: {@code GET /search?payload={"filter_conditions": {...}, "query": "..." | "message_filter_conditions": {...},
 * "sort": [...], "limit": 20, "offset": 0 | "next": "..."}}. A user searches the channels they can read; the server may
 * take a user's view with {@code user_id}. See docs/search.md.
 */
@Path("search")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class SearchResource extends ApiResource {

    @GET
    @Limited("search")
    public Response search(@QueryParam("payload") String payload) {
        JsonBody body = payload(payload).strict(Set.of("filter_conditions", "query", "message_filter_conditions", "sort", "limit", "offset", "next", "user_id"));
        Caller caller = caller();
        String next = body.string("next");
        SearchQuery q = new SearchQuery(body.has("filter_conditions") ? body.object("filter_conditions").asMap() : null, body.string("query"),
                body.has("message_filter_conditions") ? body.object("message_filter_conditions").asMap() : null, sort(body),
                body.integer("limit", 20), body.integer("offset", 0), next == null || next.isEmpty() ? null : next, caller.userOr(body.string("user_id")));
        AppHandle app = caller.app();
        SearchPage page = app.search().search(q);
        List<Object> results = new ArrayList<>();
        for (Message m : page.results()) {
            results.add(Map.of("message", Wire.message(m)));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("results", results);
        if (page.next() != null) {
            out.put("next", page.next());
        }
        return ApiJson.ok(out);
    }
}
