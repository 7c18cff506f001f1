package io.chatsdk.engine.spi;

/**
 * Sends one mobile push notification to one device through a push provider (Firebase Cloud Messaging, APNs
 * ...). The engine decides who gets a push and what it says; the gateway only delivers it and reports what the
 * provider answered, so the caller can forget dead devices and retry what failed for a transient reason.
 *
 * <pre>{@code
 * PushResult result = gateway.send(PushMessage.dataOnly(token, Map.of("cid", cid, "message_id", id)));
 * if (result instanceof PushResult.InvalidToken) {
 *     devices.remove(token);
 * } else if (result instanceof PushResult.Retry retry) {
 *     retries.schedule(message, retry.after());
 * }   // Delivered: done; Rejected: retrying will not help, drop it
 * }</pre>
 *
 * <p><b>Semantics.</b> {@link #send} reports a provider's refusal as a {@link PushResult} rather than an
 * exception: {@link PushResult.Delivered} means the provider accepted the message (not that the device showed
 * it); {@link PushResult.InvalidToken} means the token is unregistered or malformed and should be removed;
 * {@link PushResult.Retry} means a transient failure (quota, provider unavailable or failing, network) and says
 * how long to wait; {@link PushResult.Rejected} means a request the provider will never accept as it is
 * (bad payload, credentials or configuration). Exceptions are left for programming errors (a {@code null}
 * message, a gateway already closed).
 *
 * <p><b>Threads.</b> Implementations are thread-safe: one instance serves concurrent senders. {@code send}
 * blocks the calling thread for a network round trip, and possibly for the provider client's own retries, so
 * call it from a worker pool, never from an event loop or inside a database transaction.
 *
 * <p>A tenant app may have its own provider project: hold one gateway per app and close it with the app.
 */
public interface PushGateway {

    /**
     * Sends {@code message} and reports the provider's answer. Blocks; see the class comment for the meaning of
     * each outcome.
     */
    PushResult send(PushMessage message);
}
