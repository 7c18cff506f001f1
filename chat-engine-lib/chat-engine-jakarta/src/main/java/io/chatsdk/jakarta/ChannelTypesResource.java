package io.chatsdk.jakarta;

import io.chatsdk.engine.wire.Grants;
import io.chatsdk.engine.model.ChannelConfig;
import io.chatsdk.engine.model.ChannelType;
import io.chatsdk.engine.model.Permission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code /channeltypes}, server only. Config flags sit at the top level, as in GetStream; grants map roles to permissions. */
@Path("channeltypes")
@ApplicationScoped
@ServerOnly
@Produces(MediaType.APPLICATION_JSON)
public class ChannelTypesResource extends ApiResource {
    private static final Set<String> CONFIG_FIELDS = ChannelConfig.defaults().toMap().keySet();

    @POST
    @Limited("channel_types")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(InputStream in) {
        JsonBody body = body(in).strict(allowed(true));
        ChannelType t = caller().app().channelTypes().create(body.requireString("name"), config(body), grants(body));
        return ApiJson.status(201, wire(t));
    }

    @GET
    @Limited("channel_types")
    public Response list() {
        Map<String, Object> types = new LinkedHashMap<>();
        for (ChannelType t : caller().app().channelTypes().list()) {
            types.put(t.name(), wire(t));
        }
        return ApiJson.ok(Map.of("channel_types", types));
    }

    @GET
    @Path("{name}")
    @Limited("channel_types")
    public Response get(@PathParam("name") String name) {
        return ApiJson.ok(wire(caller().app().channelTypes().get(name)));
    }

    @PUT
    @Path("{name}")
    @Limited("channel_types")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("name") String name, InputStream in) {
        JsonBody body = body(in).strict(allowed(false));
        ChannelConfig config = null;
        Map<String, Object> flags = body.rest(Set.of("grants"));
        if (!flags.isEmpty()) {
            config = caller().app().channelTypes().get(name).config().with(flags);
        }
        return ApiJson.ok(wire(caller().app().channelTypes().update(name, config, grants(body))));
    }

    @DELETE
    @Path("{name}")
    @Limited("channel_types")
    public Response delete(@PathParam("name") String name) {
        caller().app().channelTypes().delete(name);
        return ApiJson.ok(Map.of());
    }

    private static Set<String> allowed(boolean withName) {
        Set<String> s = new HashSet<>(CONFIG_FIELDS);
        s.add("grants");
        if (withName) {
            s.add("name");
        }
        return s;
    }

    private static ChannelConfig config(JsonBody body) {
        return ChannelConfig.defaults().with(body.rest(Set.of("name", "grants")));
    }

    private static Map<String, Set<Permission>> grants(JsonBody body) {
        return body.has("grants") ? Grants.parse("grants", body.object("grants").asMap()) : null;
    }

    static Map<String, Object> wire(ChannelType t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("built_in", t.builtIn());
        m.putAll(t.config().toMap());
        Map<String, Object> grants = new LinkedHashMap<>();
        t.grants().forEach((role, perms) -> grants.put(role, perms.stream().map(Permission::wireName).sorted().toList()));
        m.put("grants", grants);
        m.put("created_at", t.createdAt().toString());
        m.put("updated_at", t.updatedAt().toString());
        return m;
    }
}
