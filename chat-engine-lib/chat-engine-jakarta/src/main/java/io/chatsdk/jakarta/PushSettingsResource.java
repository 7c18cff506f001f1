package io.chatsdk.jakarta;

import io.chatsdk.engine.delivery.PushSettings;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.Set;

/** {@code /app/push_settings} (server only): what the app's push notifications show, and their collapse window. */
@Path("app/push_settings")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@ServerOnly
public class PushSettingsResource extends ApiResource {

    @GET
    public Response get() {
        return ApiJson.ok(caller().app().pushSettings().toMap());
    }

    /** {@code {"preview": "full"|"none", "collapse_seconds": 0..3600}}; a field left out keeps its current value. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Response set(InputStream in) {
        JsonBody b = body(in).strict(Set.of("preview", "collapse_seconds"));
        Boolean preview = null;
        if (b.has("preview")) {
            String p = b.requireString("preview");
            if (!p.equals("full") && !p.equals("none")) {
                throw ApiException.badRequest("validation_error", "preview: must be \"full\" or \"none\"", "preview");
            }
            preview = p.equals("full");
        }
        // the window's bounds are PushSettings' own (validation_error naming collapse_seconds); an int holds any valid one
        Integer collapse = b.integer("collapse_seconds");
        Boolean p = preview;
        return ApiJson.ok(caller().app().updatePushSettings(current -> new PushSettings(p == null ? current.preview() : p,
                collapse == null ? current.collapseSeconds() : collapse)).toMap());
    }
}
