package io.chatsdk.jakarta;

import io.chatsdk.engine.files.Files;
import io.chatsdk.engine.files.UploadPolicy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code /app} (server only), GetStream's app settings, of which ChatSDK keeps these here: {@code file_upload_config}
 * and {@code image_upload_config}. The rest of an app's settings have endpoints of their own ({@code /app/webhooks},
 * {@code /app/push_settings}, {@code /app/before_send_hook}); a key this endpoint does not keep is {@code unknown_field}.
 */
@Path("app")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
@ServerOnly
public class AppSettingsResource extends ApiResource {

    @GET
    public Response get() {
        return ApiJson.ok(Map.of("app", settings()));
    }

    /** {@code {"file_upload_config": {...}, "image_upload_config": {...}}}; a config left out keeps its value. */
    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(InputStream in) {
        JsonBody b = body(in).strict(Set.of("file_upload_config", "image_upload_config"));
        Files files = caller().app().files();
        for (Files.Kind kind : Files.Kind.values()) {
            if (b.has(kind.settingKey())) {
                files.setPolicy(kind, UploadPolicy.fromMap(kind.settingKey(), b.object(kind.settingKey()).asMap()));
            }
        }
        return ApiJson.ok(Map.of("app", settings()));
    }

    private Map<String, Object> settings() {
        Files files = caller().app().files();
        Map<String, Object> m = new LinkedHashMap<>();
        for (Files.Kind kind : Files.Kind.values()) {
            m.put(kind.settingKey(), files.policy(kind).toMap());
        }
        return m;
    }
}
