package io.chatsdk.jakarta;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FrameSender}'s choices. Away from Tyrus a session gets the standard API, with the container's context providers
 * hidden during the send; in Payara's Tyrus jar (a test dependency) the field, method, writer info and version it looks
 * up are found; a direct sender hands the socket one frame built once per text, or, for a session with extensions, calls
 * its text send with the shared writer info; it turns to the standard API once the session has an idle timeout; and the
 * frames built are byte for byte those Tyrus builds. That a session on the appliance goes direct is tested there
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

    /** Stands in for Tyrus's socket: its public sends as the direct sender calls them. */
    public static final class Socket {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<Object> infos = new CopyOnWriteArrayList<>();
        final List<byte[]> raw = new CopyOnWriteArrayList<>();
        final List<ByteBuffer> buffers = new CopyOnWriteArrayList<>();
        /** Thrown by the next send, as Tyrus throws for a socket that is no longer connected. */
        volatile RuntimeException refuse;
        /** Raw frames' futures, completed by the test. */
        final List<CompletableFuture<Object>> written = new CopyOnWriteArrayList<>();

        public void sendText(String text, SendHandler done, Object info) {
            sent.add(text);
            infos.add(info);
            done.onResult(new SendResult());
        }

        public Future<Object> sendRawFrame(ByteBuffer frame) {
            if (refuse != null) {
                throw refuse;
            }
            raw.add(frame.array());
            buffers.add(frame);
            CompletableFuture<Object> f = new CompletableFuture<>();
            written.add(f);
            return f;
        }

        static FrameSender.Tyrus handles(Object info) throws ReflectiveOperationException {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            return new FrameSender.Tyrus(null,
                    lookup.findVirtual(Socket.class, "sendText", MethodType.methodType(void.class, String.class, SendHandler.class, Object.class))
                            .asType(MethodType.methodType(void.class, Object.class, String.class, SendHandler.class, Object.class)),
                    info,
                    lookup.findVirtual(Socket.class, "sendRawFrame", MethodType.methodType(Future.class, ByteBuffer.class))
                            .asType(MethodType.methodType(Future.class, Object.class, ByteBuffer.class)));
        }
    }

    /** A direct sender for a session on {@code remote} with {@code socket}: raw frames, or Tyrus's text send. */
    static FrameSender direct(Remote remote, AtomicLong idleTimeout, FrameSender.Tyrus tyrus, Socket socket, boolean raw) {
        return new FrameSender.Direct(session(remote.async, idleTimeout), remote.async, tyrus, socket, raw);
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
        assertThat(socket.getMethod("sendRawFrame", ByteBuffer.class).getReturnType()).isEqualTo(Future.class);
        assertThat(tyrus.sendRawFrame().type().parameterCount()).isEqualTo(2);
    }

    @Test
    void aDirectSenderUsesTheSocketUntilTheSessionHasAnIdleTimeout() throws Exception {
        Remote remote = new Remote();
        AtomicLong idleTimeout = new AtomicLong(0);
        Socket socket = new Socket();
        Object info = new Object();
        // a session that negotiated an extension: Tyrus frames each text itself
        FrameSender frames = direct(remote, idleTimeout, Socket.handles(info), socket, false);
        assertThat(frames.direct()).isTrue();
        List<Boolean> results = new CopyOnWriteArrayList<>();
        frames.send("one", r -> results.add(r.isOK()));
        frames.send("two", r -> results.add(r.isOK()));
        assertThat(socket.sent).containsExactly("one", "two");
        assertThat(socket.infos).containsExactly(info, info);
        assertThat(socket.raw).as("no raw frames for a session with extensions").isEmpty();
        assertThat(remote.sent).as("nothing through the standard API").isEmpty();

        idleTimeout.set(30_000);   // the timer must now restart with each frame: only the standard API does that
        frames.send("three", r -> results.add(r.isOK()));
        assertThat(socket.sent).containsExactly("one", "two");
        assertThat(remote.sent).containsExactly("three");
        assertThat(results).containsExactly(true, true, true);
    }

    @Test
    void oneTextsFrameIsBuiltOnceAndHandedRawToEverySocket() throws Exception {
        Remote remote = new Remote();
        AtomicLong idleTimeout = new AtomicLong(0);
        Socket first = new Socket();
        Socket second = new Socket();
        FrameSender.Tyrus tyrus = Socket.handles(new Object());
        FrameSender a = direct(remote, idleTimeout, tyrus, first, true);
        FrameSender b = direct(remote, idleTimeout, tyrus, second, true);
        FrameSender.Text text = new FrameSender.Text("{\"type\":\"message.new\",\"text\":\"h\u00e9 \ud83d\ude00\"}");
        List<String> results = new CopyOnWriteArrayList<>();
        a.send(text, r -> results.add("a " + r.isOK()));
        b.send(text, r -> results.add("b " + r.isOK()));
        assertThat(first.raw).hasSize(1);
        assertThat(second.raw.get(0)).as("the same bytes, not a copy per socket").isSameAs(first.raw.get(0));
        // each socket gets its own buffer over them, whole: a writer that consumes its buffer leaves the others' alone
        assertThat(second.buffers.get(0)).isNotSameAs(first.buffers.get(0));
        assertThat(first.buffers.get(0).position()).isZero();
        assertThat(first.buffers.get(0).remaining()).isEqualTo(first.raw.get(0).length);
        assertThat(first.raw.get(0)).isEqualTo(FrameSender.Text.frame(text.text()));
        assertThat(first.sent).as("not framed again by Tyrus").isEmpty();
        assertThat(results).as("done only once the write completes").isEmpty();

        first.written.get(0).complete(null);
        second.written.get(0).completeExceptionally(new java.io.IOException("broken pipe"));
        assertThat(results).containsExactly("a true", "b false");

        // a socket that refuses the frame (closed meanwhile) fails the send itself, and its handler is not called
        second.refuse = new IllegalStateException("the connection is not open");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.send(text, r -> results.add("b again " + r.isOK())))
                .isSameAs(second.refuse);
        assertThat(results).containsExactly("a true", "b false");
    }

    @Test
    void framesAreTheBytesTyrusWouldWrite() throws Exception {
        // Tyrus's own server-side framing of a text (ProtocolHandler.frame of a TextFrame), read through reflection from
        // its jar: every length encoding (7-bit, 16-bit, 64-bit) and multi-byte characters
        Class<?> handlerClass = Class.forName("org.glassfish.tyrus.core.ProtocolHandler");
        Class<?> maskingClass = Class.forName("org.glassfish.tyrus.core.MaskingKeyGenerator");
        Class<?> frameClass = Class.forName("org.glassfish.tyrus.core.frame.Frame");
        var constructor = handlerClass.getDeclaredConstructor(boolean.class, maskingClass);
        constructor.setAccessible(true);
        Object serverHandler = constructor.newInstance(false, null);
        var frameMethod = handlerClass.getDeclaredMethod("frame", frameClass);
        frameMethod.setAccessible(true);
        var textFrame = Class.forName("org.glassfish.tyrus.core.frame.TextFrame").getConstructor(String.class, boolean.class, boolean.class);
        for (String text : List.of("", "Hello", "x".repeat(125), "x".repeat(126), "\u00e9".repeat(63), "\u00e9".repeat(64),
                "y".repeat(0xFFFF), "y".repeat(0x10000), "\ud83d\ude00".repeat(40_000))) {
            ByteBuffer tyrus = (ByteBuffer) frameMethod.invoke(serverHandler, textFrame.newInstance(text, false, true));
            byte[] expected = new byte[tyrus.remaining()];
            tyrus.get(expected);
            assertThat(FrameSender.Text.frame(text)).as("a text of %d chars", text.length()).isEqualTo(expected);
        }
        // RFC 6455 section 5.7's own example: a single-frame unmasked text message "Hello"
        assertThat(FrameSender.Text.frame("Hello")).containsExactly(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f);
        FrameSender.Text text = new FrameSender.Text("{}");
        assertThat(text.frame()).as("built once").isSameAs(text.frame());
    }
}
