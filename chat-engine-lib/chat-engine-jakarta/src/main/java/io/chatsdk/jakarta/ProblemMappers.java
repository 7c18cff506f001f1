package io.chatsdk.jakarta;

import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.lang.System.Logger.Level;
import java.util.UUID;

/** Maps every failure to problem+json. A stack trace never reaches a client. */
public final class ProblemMappers {
    private static final System.Logger LOG = System.getLogger(ProblemMappers.class.getName());

    private ProblemMappers() {
    }

    /** Engine errors: the category decides the status. */
    @Provider
    public static class Engine implements ExceptionMapper<ChatException> {
        @Override
        public Response toResponse(ChatException e) {
            if (e.code() == ErrorCode.INTERNAL) {
                return Unexpected.incident(e);
            }
            if (e.code() == ErrorCode.UNAVAILABLE) {
                Unavailable.noted(e);
                Response r = Problems.of(503, e.code().code(), e.getMessage(), null);
                return Response.fromResponse(r).header("Retry-After", "5").build();
            }
            if (e instanceof io.chatsdk.engine.types.SlowModeException slow) {
                Response r = Problems.of(429, e.code().code(), e.getMessage(), null);
                return Response.fromResponse(r).header("Retry-After", Integer.toString(slow.retryAfterSeconds())).build();
            }
            return Problems.of(e.code().category().httpStatus(), e.code().code(), e.getMessage(), e.field());
        }
    }

    /**
     * A 503 says only "retry later"; the node's log says why: the chain of causes' classes, SQL states, and the
     * connection pool's own account of a timeout (its counts of busy, idle and waiting connections). Nothing of a
     * statement or its values. At most one line every 10 s, with the number of 503s since the last line.
     */
    static final class Unavailable {
        private static final java.util.concurrent.atomic.AtomicLong LAST = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
        private static final java.util.concurrent.atomic.AtomicLong SINCE = new java.util.concurrent.atomic.AtomicLong();
        private static final long EVERY = 10_000_000_000L;

        private Unavailable() {
        }

        static void noted(ChatException e) {
            long count = SINCE.incrementAndGet();
            long now = System.nanoTime();
            long last = LAST.get();
            if (last != Long.MIN_VALUE && now - last < EVERY || !LAST.compareAndSet(last, now)) {
                return;
            }
            SINCE.addAndGet(-count);
            LOG.log(Level.WARNING, "answered 503 unavailable (" + count + " since the last such line): " + causes(e));
        }

        static String causes(Throwable e) {
            StringBuilder out = new StringBuilder(e.getClass().getSimpleName());
            int depth = 0;
            for (Throwable t = e.getCause(); t != null && depth++ < 8; t = t.getCause()) {
                out.append(" <- ").append(t.getClass().getName());
                if (t instanceof java.sql.SQLTransientConnectionException) {
                    String pool = String.valueOf(t.getMessage());
                    out.append(": ").append(pool, 0, Math.min(300, pool.length()));
                } else if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                    out.append(" (SQL state ").append(sql.getSQLState()).append(')');
                }
            }
            return out.toString();
        }
    }

    /** HTTP-layer errors (authentication, bodies, rate limits). */
    @Provider
    public static class Api implements ExceptionMapper<ApiException> {
        @Override
        public Response toResponse(ApiException e) {
            Response r = Problems.of(e.status(), e.code(), e.getMessage(), e.field());
            if (e instanceof RateLimitedException rl) {
                return Response.fromResponse(r)
                        .header("X-RateLimit-Limit", rl.limit())
                        .header("X-RateLimit-Remaining", 0)
                        .header("X-RateLimit-Reset", rl.resetEpochSeconds())
                        .header("Retry-After", rl.retryAfterSeconds())
                        .build();
            }
            if (e.status() == 401) {
                return Response.fromResponse(r).header("WWW-Authenticate", "Bearer").build();
            }
            if (e.status() == 429) {
                return Response.fromResponse(r).header("Retry-After", "60").build();
            }
            return r;
        }
    }

    /** Errors raised by JAX-RS itself: unknown path, wrong method, wrong content type. */
    @Provider
    public static class Web implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (e instanceof NotFoundException) {
                return Problems.of(404, "not_found", "no such endpoint", null);
            }
            if (e instanceof NotAllowedException) {
                return Response.fromResponse(Problems.of(405, "method_not_allowed", "this endpoint does not take that HTTP method", null))
                        .allow(e.getResponse().getAllowedMethods()).build();
            }
            if (e instanceof NotSupportedException) {
                return Problems.of(415, "unsupported_media_type", "send the body as application/json", null);
            }
            if (status >= 500) {
                return Unexpected.incident(e);
            }
            return Problems.of(status, "http_" + status, e.getResponse().getStatusInfo().getReasonPhrase(), null);
        }
    }

    /** Anything else is a bug: logged with an incident id, answered without details. */
    @Provider
    public static class Unexpected implements ExceptionMapper<Throwable> {
        @Override
        public Response toResponse(Throwable e) {
            return incident(e);
        }

        static Response incident(Throwable e) {
            String incident = UUID.randomUUID().toString();
            LOG.log(Level.ERROR, "unexpected failure, incident " + incident, e);
            return Problems.of(500, "internal_error", "an unexpected error occurred; incident " + incident, null);
        }
    }
}
