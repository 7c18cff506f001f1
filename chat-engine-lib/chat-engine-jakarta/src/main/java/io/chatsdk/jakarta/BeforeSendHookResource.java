package io.chatsdk.jakarta;

import io.chatsdk.engine.messaging.BeforeSendHook;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** {@code /app/before_send_hook} (server only): the app's synchronous before-message-send hook. */
@Path("app/before_send_hook")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@ServerOnly
public class BeforeSendHookResource extends ApiResource {

    /** {@code {"url": "https://...", "timeout_ms": 1000, "fail_open": false}}. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Response set(InputStream in) {
        JsonBody b = body(in).strict(Set.of("url", "timeout_ms", "fail_open"));
        URI url;
        try {
            url = new URI(b.requireString("url"));
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("validation_error", "url: is not a URL", "url");
        }
        Long timeout = b.longValue("timeout_ms");
        BeforeSendHook.Config config = new BeforeSendHook.Config(url, timeout == null ? null : Duration.ofMillis(timeout), b.bool("fail_open", false));
        caller().app().setBeforeSendHook(config);
        return ApiJson.ok(Map.of("url", url.toString(), "timeout_ms", config.timeout().toMillis(), "fail_open", config.failOpen()));
    }

    @DELETE
    public Response remove() {
        caller().app().setBeforeSendHook(null);
        return ApiJson.ok(Map.of());
    }
}
