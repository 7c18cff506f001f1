package io.chatsdk.jakarta;

import io.chatsdk.engine.users.Devices;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code /devices}: a user's push devices (GetStream's shape); server tokens name the user with {@code user_id}. */
@Path("devices")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class DevicesResource extends ApiResource {

    /** {@code {"id": "<push token>", "push_provider": "firebase", "user_id"?}}. */
    @POST
    @Limited("users")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response add(InputStream in) {
        JsonBody b = body(in).strict(Set.of("id", "push_provider", "user_id"));
        Devices.Device d = caller().app().devices().add(b.requireString("id"), b.requireString("push_provider"), serverSide(b.string("user_id")));
        return ApiJson.status(201, Map.of("device", wire(d)));
    }

    @GET
    @Limited("users")
    public Response list(@QueryParam("user_id") String userId) {
        return ApiJson.ok(Map.of("devices", caller().app().devices().list(serverSide(userId)).stream().map(DevicesResource::wire).toList()));
    }

    @DELETE
    @Limited("users")
    public Response remove(@QueryParam("id") String id, @QueryParam("user_id") String userId) {
        caller().app().devices().remove(id, serverSide(userId));
        return ApiJson.ok(Map.of());
    }

    static Map<String, Object> wire(Devices.Device d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("push_provider", d.provider());
        m.put("user_id", d.userId());
        m.put("created_at", d.createdAt().toString());
        return m;
    }
}
