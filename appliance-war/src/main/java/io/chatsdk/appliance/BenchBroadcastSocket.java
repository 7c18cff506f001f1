package io.chatsdk.appliance;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import io.chatsdk.jakarta.FrameSender;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transport's ceiling for the realtime benchmark: a plain Jakarta WebSocket broadcast on the same Payara Micro,
 * with no authentication, no database and no event bus. Every text a client sends goes to every other client.
 * Registered only when {@code CHATSDK_BENCH_ENDPOINTS=true} (see {@link WebSocketConfig}). It writes frames as the chat
 * endpoint does ({@link FrameSender}, one frame built per text for every client), so that the baseline is the transport
 * and not a container cost the chat path avoids.
 */
@ServerEndpoint("/bench/broadcast")
public class BenchBroadcastSocket {
    private static final Map<Session, FrameSender> SESSIONS = new ConcurrentHashMap<>();

    @OnOpen
    public void open(Session s) {
        SESSIONS.put(s, FrameSender.of(s));
    }

    @OnClose
    public void close(Session s) {
        SESSIONS.remove(s);
    }

    @OnMessage
    public void message(Session from, String text) {
        FrameSender.Text once = new FrameSender.Text(text);   // one frame for all, as the hub's fan-out builds it
        SESSIONS.forEach((s, frames) -> {
            if (s != from && s.isOpen()) {
                try {
                    frames.send(once, result -> { });
                } catch (RuntimeException closing) {
                    // it closed since isOpen (Tyrus throws a plain RuntimeException then): the others still get the text
                }
            }
        });
    }
}
