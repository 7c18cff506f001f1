package io.chatsdk.jakarta;

import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The realtime endpoint, {@code /api/v1/connect?api_key=...&authorization=<user token>[&presence=true]} (browsers cannot
 * set headers on a WebSocket; {@code presence=true} subscribes to {@code user.presence.changed}, as GetStream's
 * {@code presence} option does). A bad key or token closes the socket with code 4401 (4403 for a disabled app or user) and a reason
 * naming the problem.
 *
 * <p>Server to client: {@code health.check} (first with {@code connection_id} and the user's unread counts, then every
 * 30 s) and the events of the user's channels ({@code notification.message_new} instead of {@code message.new} for
 * channels the connection does not watch, once it watches some). Client to server: {@code health.check},
 * {@code channel.watch}, {@code channel.stop_watching}, {@code typing.start},
 * {@code typing.stop}, {@code message.read} ({@code cid}, optional {@code message_id}) and {@code custom} events
 * ({@code cid} and an {@code event} object). A connection that sends nothing for 60 s is closed (4408).
 */
@ServerEndpoint(value = "/api/v1/connect", configurator = ChatSocket.OneInstance.class)
public class ChatSocket {
    private static final System.Logger LOG = System.getLogger(ChatSocket.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CONNECTION = "io.chatsdk.jakarta.connection";
    private static final String ADDRESS = "io.chatsdk.jakarta.address";

    /**
     * Every connection is served by one shared endpoint instance, which holds no state of its own (what a connection
     * needs travels in its {@link Session}'s properties). Without this, the container would create a CDI-managed
     * instance per connection and keep its injection bookkeeping for as long as the connection lives (about 0.7 KiB
     * of heap per idle connection, measured for issue #15).
     */
    public static final class OneInstance extends ServerEndpointConfig.Configurator {
        private static final ChatSocket SHARED = new ChatSocket();

        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
            if (!endpointClass.isInstance(SHARED)) {
                return super.getEndpointInstance(endpointClass);
            }
            return endpointClass.cast(SHARED);
        }
    }

    private ChatApiContext ctx() {
        return CDI.current().select(ChatApiContext.class).get();
    }

    /** How long a connection that did not put its token in the URL has to send it in its first frame. */
    static final java.time.Duration FIRST_FRAME_TIMEOUT = java.time.Duration.ofSeconds(5);
    static final String PENDING = "io.chatsdk.jakarta.pending";
    private static final java.util.concurrent.ScheduledExecutorService PENDING_TIMERS =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "chatsdk-ws-first-frame");
                t.setDaemon(true);
                return t;
            });

    /**
     * A connection authenticates with {@code authorization} in the URL, or, to keep the token out of URLs and access
     * logs, with its first frame: {@code {"type": "authorization", "token": "..."}} within 5 s.
     */
    @OnOpen
    public void open(Session session) {
        String address = remoteAddress(session);
        session.getUserProperties().put(ADDRESS, address);
        ChatApiContext ctx = ctx();
        if (!ctx.authFailures().allowed(address)) {
            ctx.authFailures().failed(address, null, "auth.connect", "too_many_auth_failures", null, java.util.Map.of());
            Connection.closeSession(session, 4429, "too_many_auth_failures: too many failed authentications from this address; retry in a minute");
            return;
        }
        if (param(session, "authorization") == null) {
            session.setMaxTextMessageBufferSize(8 * 1024);
            session.getUserProperties().put(PENDING, Boolean.TRUE);
            PENDING_TIMERS.schedule(() -> {
                if (session.getUserProperties().remove(PENDING) != null && session.isOpen()) {
                    Connection.closeSession(session, Connection.UNAUTHENTICATED, "token_missing: send the token as the authorization "
                            + "query parameter or in the first frame, {\"type\": \"authorization\", \"token\": ...}");
                }
            }, FIRST_FRAME_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return;
        }
        admit(session, param(session, "api_key"), param(session, "authorization"));
    }

    /** Authenticates a connection and hands it to the hub; closes it with a clear code when it may not connect. */
    private void admit(Session session, String apiKey, String authorization) {
        ChatApiContext ctx = ctx();
        Caller caller;
        try {
            caller = ctx.authenticator().authenticate(apiKey, authorization);
            if (caller.server()) {
                throw new ApiException(403, "server_token", "connect with a user token; server tokens cannot open a connection");
            }
        } catch (ApiException e) {
            LOG.log(Level.INFO, "WebSocket authentication failed: " + e.code());
            // counted, and written once a window per address, app and reason (issue #14)
            ctx.authFailures().failed((String) session.getUserProperties().get(ADDRESS), ctx.apps().cachedAppId(apiKey), "auth.connect", e.code(), null,
                    apiKey == null ? java.util.Map.of() : java.util.Map.of("api_key", AuditFilter.truncate(apiKey, 64)));
            Connection.closeSession(session, e.status() == 401 ? Connection.UNAUTHENTICATED : Connection.FORBIDDEN, e.code() + ": " + e.getMessage());
            return;
        }
        try {
            ctx.engine().audit().record(new AuditEntry(caller.appId(), "user", caller.userId(), "user", "auth.connect", "connection", null,
                    (String) session.getUserProperties().get(ADDRESS),
                    null, true, null, java.util.Map.of()));
        } catch (ChatException e) {
            // a login that cannot be audited is not let in
            Connection.closeSession(session, 1013, "unavailable: retry later");
            return;
        }
        session.setMaxTextMessageBufferSize(64 * 1024);
        Connection c = new Connection(UUID.randomUUID().toString(), caller, authorization, "true".equalsIgnoreCase(param(session, "presence")), session,
                ctx.hub().maxQueue(), ctx.settings().maxQueuedBytes(), ctx.clock().instant());
        session.getUserProperties().put(CONNECTION, c);
        ctx.hub().open(c);
    }

    /** The first frame of a connection that did not authenticate in its URL: it must carry the token. */
    private void firstFrame(Session session, String text) {
        String token = null;
        String apiKey = param(session, "api_key");
        try {
            JsonBody frame = ApiJson.read(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 8 * 1024);
            if ("authorization".equals(frame.string("type"))) {
                frame.strict(java.util.Set.of("type", "token", "api_key"));
                token = frame.string("token");
                if (frame.has("api_key")) {
                    apiKey = frame.string("api_key");
                }
            }
        } catch (ApiException e) {
            token = null;
        }
        if (token == null || token.isBlank()) {
            Connection.closeSession(session, Connection.UNAUTHENTICATED,
                    "token_missing: the first frame must be {\"type\": \"authorization\", \"token\": ...}");
            return;
        }
        admit(session, apiKey, token);
    }

    @OnMessage
    public void message(Session session, String text) {
        if (!(session.getUserProperties().get(CONNECTION) instanceof Connection c)) {
            if (session.getUserProperties().remove(PENDING) != null) {
                firstFrame(session, text);
            }
            return;
        }
        ChatApiContext ctx = ctx();
        c.received(ctx.clock().instant());
        String type = null;
        try {
            JsonBody msg = ApiJson.read(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 64 * 1024);
            type = msg.requireString("type");
            if (!type.equals("health.check") && !c.tryClientEvent()) {
                throw new ApiException(429, "rate_limited", "too many client events: at most " + Connection.CLIENT_EVENT_BURST
                        + " at once and " + Connection.CLIENT_EVENTS_PER_SECOND + " a second; this one was dropped");
            }
            switch (type) {
                case "health.check" -> c.send(ApiJson.write(ctx.hub().healthCheck(c, null)));
                case "channel.watch", "channel.stop_watching" ->
                        ctx.hub().watch(c, Cid.parse(msg.requireString("cid")), type.equals("channel.watch"));
                case "typing.start", "typing.stop" -> ctx.hub().typing(c, Cid.parse(msg.requireString("cid")), type.equals("typing.start"));
                case "message.read" -> c.caller.app().reads().markRead(Cid.parse(msg.requireString("cid")), msg.string("message_id"), null);
                case "custom" -> ctx.hub().custom(c, Cid.parse(msg.requireString("cid")), msg.object("event").asMap());
                default -> throw ApiException.badRequest("validation_error", "type: unknown client event '" + type + "'", "type");
            }
        } catch (ApiException e) {
            error(c, type, e.status(), e.code(), e.getMessage(), e.field());
        } catch (ChatException e) {
            error(c, type, e.code().category().httpStatus(), e.code().code(), e.getMessage(), e.field());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "WebSocket message handling failed", e);
            error(c, type, 500, "internal_error", "the event could not be handled", null);
        }
    }

    /** Errors about one client event are reported on the socket; the connection stays open. */
    private static void error(Connection c, String type, int status, String code, String detail, String field) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("code", code);
        err.put("status", status);
        err.put("detail", detail);
        if (field != null) {
            err.put("field", field);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "error");
        if (type != null) {
            m.put("in_reply_to", type);
        }
        m.put("error", err);
        c.send(ApiJson.write(m));
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        if (session.getUserProperties().get(CONNECTION) instanceof Connection c) {
            ctx().hub().closed(c);
        }
    }

    @OnError
    public void error(Session session, Throwable t) {
        LOG.log(Level.DEBUG, "WebSocket error: " + t.getClass().getName());
    }

    /**
     * The peer's address. Jakarta WebSocket has no API for it; Tyrus (Payara's implementation) has
     * {@code TyrusSession.getRemoteAddr()}. Elsewhere the address is unknown and failures share one budget.
     */
    private static String remoteAddress(Session session) {
        try {
            Object addr = session.getClass().getMethod("getRemoteAddr").invoke(session);
            return addr instanceof String a ? a : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static String param(Session session, String name) {
        List<String> values = session.getRequestParameterMap().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
