package io.chatsdk.jakarta;

import io.chatsdk.engine.audit.AuditQuery;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
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

    /** The public half of the key that signs every chain's checkpoints and exports (PEM). */
    @GET
    @Path("public-key")
    @ComplianceAccess
    @Produces("application/x-pem-file")
    public Response publicKey() {
        return Response.ok(ctx.engine().audit().publicKey().toPem(), "application/x-pem-file").build();
    }

    /** One verification at a time per node: each writes a whole chain to a temporary file. */
    private static final java.util.concurrent.Semaphore VERIFYING = new java.util.concurrent.Semaphore(1);

    /**
     * Verifies one whole chain now, as {@code chatsdk audit verify} does offline: {@code operator} or an app's id.
     * Answers {@code status} {@code intact}, {@code broken} (the first problem found) or {@code unknown_signer} (a
     * checkpoint signed by a key this node does not hold, such as a replaced key or another node's: verify the export
     * offline with every public key), with the records and checkpoints checked. One at a time per node, else 429.
     */
    @GET
    @Path("chains/{chain}/verification")
    @ComplianceAccess
    public Response verify(@PathParam("chain") String chain) throws java.io.IOException {
        io.chatsdk.engine.types.AppId app = io.chatsdk.engine.audit.AuditRecord.OPERATOR_CHAIN.equals(chain) ? null
                : ctx.engine().apps().get(io.chatsdk.engine.types.AppId.parse(chain)).id();
        if (!VERIFYING.tryAcquire()) {
            throw new io.chatsdk.engine.types.ChatException(io.chatsdk.engine.types.ErrorCode.RATE_LIMITED,
                    "a verification is running on this node; try again when it has finished");
        }
        io.chatsdk.engine.audit.AuditVerification v;
        try {
            v = ctx.engine().audit().verify(app);
        } finally {
            VERIFYING.release();
        }
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("chain", chain);
        out.put("ok", v.ok());
        out.put("status", v.ok() ? "intact" : v.problem().kind() == io.chatsdk.engine.audit.AuditProblem.Kind.WRONG_KEY ? "unknown_signer" : "broken");
        out.put("records", v.records());
        out.put("checkpoints", v.checkpoints());
        out.put("problem", v.problem() == null ? null : v.problem().toString());
        out.put("verified_at", java.time.Instant.now().toString());
        return ApiJson.ok(out);
    }
}
