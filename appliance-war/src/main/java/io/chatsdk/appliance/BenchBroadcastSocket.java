package io.chatsdk.appliance;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transport's ceiling for the realtime benchmark: a plain Jakarta WebSocket broadcast on the same Payara Micro,
 * with no authentication, no database and no event bus. Every text a client sends goes to every other client.
 * Registered only when {@code CHATSDK_BENCH_ENDPOINTS=true} (see {@link WebSocketConfig}).
 */
@ServerEndpoint("/bench/broadcast")
public class BenchBroadcastSocket {
    private static final Set<Session> SESSIONS = ConcurrentHashMap.newKeySet();

    @OnOpen
    public void open(Session s) {
        SESSIONS.add(s);
    }

    @OnClose
    public void close(Session s) {
        SESSIONS.remove(s);
    }

    @OnMessage
    public void message(Session from, String text) {
        for (Session s : SESSIONS) {
            if (s != from && s.isOpen()) {
                // as the chat endpoint sends (io.chatsdk.jakarta.SendContext): without Payara's class path search per frame
                io.chatsdk.jakarta.SendContext.run(() -> s.getAsyncRemote().sendText(text));
            }
        }
    }
}
