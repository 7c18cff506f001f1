package io.chatsdk.jakarta;

import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.audit.AuditLog;
import io.chatsdk.engine.delivery.Push;
import io.chatsdk.engine.delivery.Webhooks;
import io.chatsdk.engine.search.SearchIndex;
import io.chatsdk.engine.spi.JobQueue;
import io.chatsdk.engine.types.AppId;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator API's {@code /stats}, for the console's dashboard: messages and active users per day, this node's
 * open connections, the job queues' depth and dead letters, and where each audit chain stands. Counts only, never
 * content. Operators, compliance officers and auditors may read it.
 */
@Path("stats")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class StatsResource {
    private static final System.Logger LOG = System.getLogger(StatsResource.class.getName());

    @Inject
    ChatApiContext ctx;

    /** {@code ?days=} 1-90 (default 14), {@code ?app=} one app's messages (default: all apps). */
    @GET
    @ComplianceAccess
    public Response stats(@QueryParam("days") String daysText, @QueryParam("app") String app) {
        Integer days = QueryParams.integer("days", daysText);
        ChatEngine engine = ctx.engine();
        AppId appId = app == null || app.isEmpty() ? null : engine.apps().get(AppId.parse(app)).id();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("days", engine.dailyUsage(appId, days == null ? 14 : days).stream().map(d -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("day", d.day().toString());
            m.put("messages", d.messages());
            m.put("active_users", d.activeUsers());
            return m;
        }).toList());
        out.put("connections", Map.of("this_node", ctx.openConnections()));
        List<Map<String, Object>> queues = new ArrayList<>();
        for (String kind : List.of(Webhooks.KIND, Push.KIND, SearchIndex.KIND)) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("kind", kind);
            try {
                JobQueue.Depth d = engine.jobs().depth(kind);
                q.put("pending", d.pending() < 0 ? null : d.pending());
                q.put("dead", d.dead());
            } catch (RuntimeException e) {
                // a broker that cannot answer shows as unknown, not as a broken dashboard
                LOG.log(Level.WARNING, "could not count the " + kind + " jobs: " + e.getClass().getName());
                q.put("pending", null);
                q.put("dead", null);
            }
            queues.add(q);
        }
        out.put("queues", queues);
        out.put("audit_chains", engine.audit().status().stream().map(StatsResource::chain).toList());
        return ApiJson.ok(out);
    }

    static Map<String, Object> chain(AuditLog.ChainStatus c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("chain", c.chain());
        m.put("last_seq", c.lastSeq());
        m.put("last_at", c.lastAt() == null ? null : c.lastAt().toString());
        m.put("checkpoint_seq", c.checkpointSeq());
        m.put("checkpoint_at", c.checkpointAt() == null ? null : c.checkpointAt().toString());
        return m;
    }
}
