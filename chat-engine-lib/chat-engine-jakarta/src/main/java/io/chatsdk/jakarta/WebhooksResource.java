package io.chatsdk.jakarta;

import io.chatsdk.engine.delivery.Webhooks;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /app/webhooks} (server only): the app's webhook endpoints, each with its event filter. */
@Path("app/webhooks")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@ServerOnly
public class WebhooksResource extends ApiResource {

    @GET
    public Response list() {
        return ApiJson.ok(Map.of("webhooks", caller().app().webhooks().list().stream().map(WebhooksResource::wire).toList()));
    }

    /** {@code {"webhooks": [{"url": "https://...", "events": ["message.new", ...]}]}} (events default to all). */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Response set(InputStream in) {
        JsonBody body = body(in).strict(Set.of("webhooks"));
        List<JsonBody> items = body.objects("webhooks");
        if (items == null) {
            throw ApiException.badRequest("validation_error", "webhooks: is required (an empty list removes every endpoint)", "webhooks");
        }
        List<Webhooks.Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonBody w = items.get(i).strict(Set.of("url", "events"));
            String field = "webhooks[" + i + "].url";
            URI url;
            try {
                url = new URI(w.requireString("url"));
            } catch (URISyntaxException e) {
                throw ApiException.badRequest("validation_error", field + ": is not a URL", field);
            }
            List<String> events = w.has("events") ? w.strings("events") : List.of();
            try {
                endpoints.add(new Webhooks.Endpoint(url, new LinkedHashSet<>(events)));
            } catch (io.chatsdk.engine.types.ChatException e) {
                throw ApiException.badRequest("validation_error", "webhooks[" + i + "]." + e.getMessage(), "webhooks[" + i + "]." + e.field());
            }
        }
        return ApiJson.ok(Map.of("webhooks", caller().app().webhooks().set(endpoints).stream().map(WebhooksResource::wire).toList()));
    }

    static Map<String, Object> wire(Webhooks.Endpoint e) {
        return Map.of("url", e.url().toString(), "events", List.copyOf(e.events()));
    }
}
