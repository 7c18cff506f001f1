package io.chatsdk.jakarta;

import io.chatsdk.engine.officers.Officers;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The admin console's officers, for operators (the operator token, or an operator officer's session): list, invite
 * (answers a one-time setup link, shown once), disable (ends their sessions) and unlock. {@code ./chatsdk console-invite}
 * calls the invitation with the operator token: that is how the first officer is made.
 */
@Path("officers")
@Produces(MediaType.APPLICATION_JSON)
public class OfficersAdminResource {
    @Inject
    ChatApiContext ctx;

    @Context
    ContainerRequestContext request;

    private String ip() {
        return (String) request.getProperty(AuditFilter.REMOTE);
    }

    @GET
    public Response list() {
        return ApiJson.ok(Map.of("officers", ctx.engine().officers().list().stream().map(ConsoleResource::wire).toList()));
    }

    /** {"name", "role"}: a new officer (or a new link for one who has not finished setup). */
    @POST
    @RecentSignIn
    @Consumes(MediaType.APPLICATION_JSON)
    public Response invite(@HeaderParam("X-Actor") String actor, InputStream in) {
        JsonBody body = ApiJson.read(in, 16 * 1024).strict(Set.of("name", "role"));
        Officers.Invitation inv = ctx.engine().officers().invite(body.requireString("name"), Officers.Role.parse("role", body.asMap().get("role")),
                ComplianceResource.actor(actor), ip());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("officer", ConsoleResource.wire(inv.officer()));
        out.put("setup_token", inv.setupToken());
        out.put("setup_path", "/console/#/setup/" + inv.setupToken());
        out.put("expires_at", inv.expiresAt().toString());
        return Response.fromResponse(ApiJson.status(201, out)).header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("{name}/disable")
    @RecentSignIn
    public Response disable(@PathParam("name") String name, @HeaderParam("X-Actor") String actor) {
        return ApiJson.ok(Map.of("officer", ConsoleResource.wire(ctx.engine().officers().disable(name, ComplianceResource.actor(actor),
                request.getProperty(OperatorFilter.OFFICER) != null, ip()))));
    }

    @POST
    @Path("{name}/unlock")
    public Response unlock(@PathParam("name") String name, @HeaderParam("X-Actor") String actor) {
        return ApiJson.ok(Map.of("officer", ConsoleResource.wire(ctx.engine().officers().unlock(name, ComplianceResource.actor(actor), ip()))));
    }
}
