package io.chatsdk.jakarta;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FrameSender}'s choices. Away from Tyrus a session gets the standard API, with the container's context providers
 * hidden during the send; in Payara's Tyrus jar (a test dependency) the field, method, writer info and version it looks
 * up are found; a direct sender calls the socket's send with the shared writer info, and turns to the standard API once
 * the session has an idle timeout. That a session on the appliance goes direct is tested there
 * ({@code WebSocketIT.framesGoStraightToTyrussSocket}).
 */
class FrameSenderTest {
    /** A remote endpoint that records its texts and completes each at once. */
    static final class Remote {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<Boolean> hidden = new CopyOnWriteArrayList<>();
        final RemoteEndpoint.Async async = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sendText") && args.length == 2 && args[1] instanceof SendHandler done) {
                        sent.add((String) args[0]);
                        hidden.add(Thread.currentThread().getContextClassLoader() instanceof SendContext.Hiding);
                        done.onResult(new SendResult());
                    }
                    return null;
                });
    }

    static Session session(RemoteEndpoint.Async async, AtomicLong idleTimeout) {
        return (Session) Proxy.newProxyInstance(FrameSenderTest.class.getClassLoader(), new Class<?>[]{Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAsyncRemote" -> async;
                    case "getMaxIdleTimeout" -> idleTimeout.get();
                    default -> null;
                });
    }

    /** Stands in for Tyrus's socket: its public send as the direct sender calls it. */
    public static final class Socket {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<Object> infos = new CopyOnWriteArrayList<>();

        public void sendText(String text, SendHandler done, Object info) {
            sent.add(text);
            infos.add(info);
            done.onResult(new SendResult());
        }
    }

    @Test
    void anotherContainersSessionSendsThroughTheStandardApi() {
        Remote remote = new Remote();
        FrameSender frames = FrameSender.of(session(remote.async, new AtomicLong()));
        assertThat(frames.direct()).isFalse();
        List<Boolean> results = new CopyOnWriteArrayList<>();
        frames.send("{\"type\":\"health.check\"}", r -> results.add(r.isOK()));
        frames.send("{\"type\":\"message.new\"}", r -> results.add(r.isOK()));
        assertThat(remote.sent).containsExactly("{\"type\":\"health.check\"}", "{\"type\":\"message.new\"}");
        assertThat(results).containsExactly(true, true);
        assertThat(remote.hidden).as("the context providers are hidden during the send").containsExactly(true, true);
        assertThat(FrameSender.Tyrus.forClass(remote.async.getClass())).as("no Tyrus class in the proxy's hierarchy").isEmpty();
    }

    @Test
    void tyrusOfPayarasVersionIsFoundInItsOwnClasses() throws Exception {
        // the Tyrus jar of Payara Micro 7.2025.1 (test scope): the field, the method, the writer info and the version
        // FrameSender looks up on the appliance, so a wrong name fails here and not only in WebSocketIT
        Class<?> socket = Class.forName("org.glassfish.tyrus.core.TyrusWebSocket");
        assertThat(FrameSender.Tyrus.version(socket)).startsWith(FrameSender.CHECKED_TYRUS);
        assertThat(FrameSender.Tyrus.version(FrameSenderTest.class)).as("read from Tyrus's jar, not found for any class").isNotNull();
        FrameSender.Tyrus tyrus = FrameSender.Tyrus.forClass(Class.forName("org.glassfish.tyrus.core.TyrusRemoteEndpoint$Async")).orElseThrow();
        assertThat(tyrus.socket().type().parameterType(0)).isEqualTo(Object.class);
        Object info = tyrus.asyncText();
        assertThat(info.getClass().getName()).isEqualTo("org.glassfish.tyrus.spi.WriterInfo");
        assertThat(info.getClass().getMethod("getMessageType").invoke(info)).hasToString("TEXT");
        assertThat(info.getClass().getMethod("getRemoteEndpointType").invoke(info)).hasToString("ASYNC");
        // the send handle is Tyrus's public method with the socket, the text, the handler and the writer info
        assertThat(socket.getMethod("sendText", String.class, SendHandler.class, info.getClass())).isNotNull();
        assertThat(tyrus.sendText().type().parameterCount()).isEqualTo(4);
    }

    @Test
    void aDirectSenderUsesTheSocketUntilTheSessionHasAnIdleTimeout() throws Exception {
        Remote remote = new Remote();
        AtomicLong idleTimeout = new AtomicLong(0);
        Socket socket = new Socket();
        Object info = new Object();
        FrameSender.Tyrus tyrus = new FrameSender.Tyrus(null,
                MethodHandles.lookup().findVirtual(Socket.class, "sendText", MethodType.methodType(void.class, String.class, SendHandler.class, Object.class))
                        .asType(MethodType.methodType(void.class, Object.class, String.class, SendHandler.class, Object.class)),
                info);
        FrameSender frames = new FrameSender.Direct(session(remote.async, idleTimeout), remote.async, tyrus, socket);
        assertThat(frames.direct()).isTrue();
        List<Boolean> results = new CopyOnWriteArrayList<>();
        frames.send("one", r -> results.add(r.isOK()));
        frames.send("two", r -> results.add(r.isOK()));
        assertThat(socket.sent).containsExactly("one", "two");
        assertThat(socket.infos).containsExactly(info, info);
        assertThat(remote.sent).as("nothing through the standard API").isEmpty();

        idleTimeout.set(30_000);   // the timer must now restart with each frame: only the standard API does that
        frames.send("three", r -> results.add(r.isOK()));
        assertThat(socket.sent).containsExactly("one", "two");
        assertThat(remote.sent).containsExactly("three");
        assertThat(results).containsExactly(true, true, true);
    }
}
