package io.chatsdk.jakarta;

import io.chatsdk.engine.types.AppId;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * One open WebSocket of one user. Outgoing events go through a bounded queue drained by asynchronous sends, one at a
 * time, so a slow client never blocks the sender; a client that lets the queue fill up is disconnected with
 * {@link #TOO_SLOW} and told to resync, rather than the server's memory growing. Thread-safe.
 */
final class Connection {
    static final int UNAUTHENTICATED = 4401;
    static final int FORBIDDEN = 4403;
    static final int IDLE = 4408;
    static final int TOO_SLOW = 4409;
    static final int TOO_MANY_CONNECTIONS = 4429;
    /** Client events (typing, reads, watches, custom events) a connection may send: bursts of 100, 20 a second after. */
    static final int CLIENT_EVENT_BURST = 100;
    static final int CLIENT_EVENTS_PER_SECOND = 20;

    private final io.github.bucket4j.Bucket clientEvents = io.github.bucket4j.Bucket.builder()
            .addLimit(io.github.bucket4j.Bandwidth.builder().capacity(CLIENT_EVENT_BURST)
                    .refillGreedy(CLIENT_EVENTS_PER_SECOND, java.time.Duration.ofSeconds(1)).build())
            .build();

    final String id;
    final AppId appId;
    final String userId;
    final Caller caller;
    /** Whether the client asked for {@code user.presence.changed} events ({@code presence=true} when connecting). */
    final boolean presence;
    private final Session session;
    /** How frames reach the socket, found at the first send (one send runs at a time, see {@link #sending}). */
    private volatile FrameSender frames;
    private final int maxQueue;
    private final long maxQueuedChars;
    private final ArrayDeque<FrameSender.Text> queue = new ArrayDeque<>();
    /** The characters of the texts in {@link #queue}. */
    private long queuedChars;
    private boolean sending;
    private boolean closed;
    /** Channels this connection watches; empty means "all of the user's channels" until the first watch. */
    private final java.util.Set<String> watching = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Instant lastReceived;
    private volatile Instant lastHealthCheck;

    /** The API key and token the connection opened with, to re-check it while it lives; never logged. */
    final String credential;

    Connection(String id, Caller caller, String credential, boolean presence, Session session, int maxQueue, long maxQueuedChars, Instant now) {
        this.id = id;
        this.credential = credential;
        this.presence = presence;
        this.appId = caller.appId();
        this.userId = caller.userId();
        this.caller = caller;
        this.session = session;
        this.maxQueue = maxQueue;
        this.maxQueuedChars = maxQueuedChars;
        this.lastReceived = now;
        this.lastHealthCheck = now;
    }

    /** Takes one client event from this connection's allowance; false when it is used up (the event is refused). */
    boolean tryClientEvent() {
        return clientEvents.tryConsume(1);
    }

    /**
     * Queues one JSON text; returns false (and closes the connection) when the queue is full: it holds as many events as
     * allowed, or as many characters (a few large custom events fill it as surely as many small ones).
     */
    boolean send(String json) {
        return send(new FrameSender.Text(json));
    }

    /** As {@link #send(String)}, for a text that may go to other connections too (its frame is built once for all). */
    boolean send(FrameSender.Text json) {
        int length = json.text().length();
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (queue.size() >= maxQueue || queuedChars + length > maxQueuedChars) {
                closed = true;
                queue.clear();
                queuedChars = 0;
            } else {
                queue.addLast(json);
                queuedChars += length;
                if (!sending) {
                    sending = true;
                    sendNext();
                }
                return true;
            }
        }
        // closing may block on a socket whose buffers are full: never on the fan-out thread
        Thread closer = new Thread(() -> close(TOO_SLOW, "too_slow: the client did not keep up; reconnect and resync from your last seq"),
                "chatsdk-ws-close");
        closer.setDaemon(true);
        closer.start();
        return false;
    }

    private void sendNext() {
        FrameSender.Text next;
        synchronized (this) {
            next = closed ? null : queue.pollFirst();
            if (next == null) {
                sending = false;
                return;
            }
            queuedChars -= next.text().length();
        }
        ClassLoader caller = Thread.currentThread().getContextClassLoader();
        try {
            FrameSender f = frames;
            if (f == null) {
                // not in the constructor: the session may close meanwhile, and a closed one refuses (caught below)
                f = FrameSender.of(session);
                frames = f;
            }
            f.send(next, result -> SendContext.restoring(caller, () -> {
                if (result.isOK()) {
                    sendNext();
                } else {
                    close(CloseReason.CloseCodes.UNEXPECTED_CONDITION.getCode(), "send failed");
                }
            }));
        } catch (RuntimeException e) {
            close(CloseReason.CloseCodes.UNEXPECTED_CONDITION.getCode(), "send failed");
        }
    }

    void watch(String cid, boolean on) {
        if (on) {
            watching.add(cid);
        } else {
            watching.remove(cid);
        }
    }

    /** True when the connection chose to watch {@code cid}. */
    boolean watchesExplicitly(String cid) {
        return watching.contains(cid);
    }

    java.util.Set<String> watched() {
        return watching;
    }

    /** True when the connection watches {@code cid}: explicitly, or implicitly because it never chose channels. */
    boolean watches(String cid) {
        return watching.isEmpty() || watching.contains(cid);
    }

    void received(Instant now) {
        lastReceived = now;
    }

    Instant lastReceived() {
        return lastReceived;
    }

    Instant lastHealthCheck() {
        return lastHealthCheck;
    }

    void healthCheckSent(Instant now) {
        lastHealthCheck = now;
    }

    /** Whether the socket is still open (false once it closed, whoever closed it). */
    boolean isOpen() {
        return session.isOpen();
    }

    void close(int code, String reason) {
        synchronized (this) {
            closed = true;
            queue.clear();
            queuedChars = 0;
        }
        closeSession(session, code, reason);
    }

    static void closeSession(Session session, int code, String reason) {
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), truncate(reason)));
            }
        } catch (IOException | IllegalStateException ignored) {
            // already closing
        }
    }

    /** Close reasons may hold at most 123 bytes of UTF-8. */
    static String truncate(String reason) {
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        if (b.length <= 123) {
            return reason;
        }
        String s = reason;
        while (s.getBytes(StandardCharsets.UTF_8).length > 120) {
            s = s.substring(0, s.length() - 1);
        }
        return s + "...";
    }
}
