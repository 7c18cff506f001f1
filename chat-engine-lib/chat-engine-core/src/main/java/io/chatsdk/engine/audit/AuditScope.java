package io.chatsdk.engine.audit;

import java.util.Objects;

/**
 * The audit record of the change a request is about to make, held on the request's thread. The engine writes it in
 * the transaction that makes the change (the first one on this thread that writes), so the change and its record
 * commit together, atomically and with one commit; the audit writer then chains it ({@link AuditLog}). After the
 * work, {@link #written()} says whether that happened; if not (the request changed nothing, or failed), the caller
 * records the outcome itself.
 *
 * <pre>{@code
 * try (AuditScope scope = AuditScope.open(entry)) {
 *     app.as(user).messages().send(cid, message);
 *     if (!scope.written()) { engine.audit().record(entry); }
 * }
 * }</pre>
 *
 * One scope per thread; opening one replaces any left open. Not for use across threads, except through {@link #adopt}.
 */
public final class AuditScope implements AutoCloseable {
    private static final ThreadLocal<AuditScope> CURRENT = new ThreadLocal<>();

    private final AuditEntry entry;
    private volatile boolean written;

    private AuditScope(AuditEntry entry) {
        this.entry = Objects.requireNonNull(entry, "entry");
    }

    /** Opens a scope on this thread for {@code entry}, which should record success. */
    public static AuditScope open(AuditEntry entry) {
        AuditScope scope = new AuditScope(entry);
        CURRENT.set(scope);
        return scope;
    }

    /** Ends whatever scope this thread has open (a thread pool's thread starting a new request calls it). */
    public static void clear() {
        CURRENT.remove();
    }

    /** The scope open on this thread, written or not, or null. */
    public static AuditScope current() {
        return CURRENT.get();
    }

    /**
     * Makes {@code scope} (null for none) the open scope of this thread and returns the one it replaces, for work one
     * thread does on behalf of another: the engine's group commit runs other requests' sends in its transaction, each
     * under its own request's scope, and then hands its own scope back.
     */
    public static AuditScope adopt(AuditScope scope) {
        AuditScope replaced = CURRENT.get();
        if (scope == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(scope);
        }
        return replaced;
    }

    /** The open scope of this thread whose record is not written yet, or null. */
    static AuditScope pending() {
        AuditScope s = CURRENT.get();
        return s == null || s.written ? null : s;
    }

    AuditEntry entry() {
        return entry;
    }

    void markWritten() {
        written = true;
    }

    /** Whether the record was committed with a change made on this thread. */
    public boolean written() {
        return written;
    }

    /** Ends the scope on this thread. */
    @Override
    public void close() {
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
    }
}
