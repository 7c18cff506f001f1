package io.chatsdk.jakarta;

import io.chatsdk.engine.audit.AuditQuery;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;


/**
 * The operator API's {@code /audit}: the {@code operator} chain of the audit log, which holds the actions not tied to
 * one app (creating apps, refused logins whose API key names no app). Query and signed export, like an app's chain.
 */
@Path("audit")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class OperatorAuditResource {
    @Inject
    ChatApiContext ctx;

    @GET
    @ComplianceAccess
    public Response query(@QueryParam("actor_id") String actorId, @QueryParam("action") String action, @QueryParam("from") String from,
                          @QueryParam("to") String to, @QueryParam("after_seq") Long afterSeq, @QueryParam("limit") Integer limit) {
        return ComplianceResource.auditPage(ctx, null, actorId, action, null, null, from, to, afterSeq, limit);
    }

    @GET
    @Path("export")
    @ComplianceAccess
    @Produces("application/x-ndjson")
    @RecentSignIn
    public Response export(@QueryParam("from") String from, @QueryParam("to") String to) {
        AuditQuery scope = new AuditQuery(null, null, null, null, null, ComplianceResource.instant("from", from), ComplianceResource.instant("to", to), 0, 1000);
        ctx.engine().audit().publicKey();   // fail before streaming when no signing key is configured
        StreamingOutput body = out -> ctx.engine().audit().export(scope, out);
        return Response.ok(body, "application/x-ndjson").header("Content-Disposition", "attachment; filename=\"audit-operator.jsonl\"").build();
    }
}
