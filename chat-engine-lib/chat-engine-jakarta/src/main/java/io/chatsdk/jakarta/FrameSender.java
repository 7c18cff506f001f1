package io.chatsdk.jakarta;

import jakarta.websocket.Extension;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * Sends a server endpoint's text frames. On Tyrus 2.2 (Payara 7's WebSocket implementation) it hands each frame
 * straight to the session's Tyrus socket, built once per text (see below), without the idle-timer task that Tyrus
 * schedules for every frame sent through {@code RemoteEndpoint.Async.sendText}.
 *
 * <p>Tyrus's asynchronous remote restarts the session's idle timer before each send, whether or not an idle timeout is
 * set: it cancels the last timer task and schedules a new one on the container's managed scheduled executor, which with
 * no timeout runs at once, on another thread, and does nothing. Payara's executor captures the thread's context for
 * every such task. A profile of the fan-out to 1,000 subscribers (issue #15) put about a fifth of the fan-out thread's
 * CPU in that scheduling, and the executor's thread ran the empty tasks beside it. The remote then calls
 * {@code TyrusWebSocket.sendText(String, SendHandler, WriterInfo)}, a public method, and does nothing else; that is the
 * call made here. The hub closes silent sockets itself ({@link Connection#IDLE}) and sets no Tyrus idle timeout, so
 * nothing is lost by skipping the timer; a session that has an idle timeout, when it sends, uses the standard API.
 *
 * <p>Only reaching the socket needs Tyrus's internals: it is read from the remote endpoint's package-private field. The
 * direct path is taken only for the Tyrus version whose remote was checked to do nothing else (2.2); for any other
 * version, another container, or a socket that cannot be read, frames go through the standard API as before, inside
 * {@link SendContext}. The path taken is logged once per kind.
 *
 * <p>An event going to many connections is one {@link Text}: on the direct path its frame (header and UTF-8 payload)
 * is built once, at the first connection, and every other connection is handed the same bytes through Tyrus's public
 * {@code sendRawFrame}, whose future completes the send's handler. Tyrus would otherwise encode and frame the text again
 * for each connection. Raw frames skip the session's extensions, so a session that negotiated any gets Tyrus's own
 * framing ({@code sendText}); the chat endpoint offers none. Tyrus writes a raw frame with the writer info
 * {@code (BINARY, BROADCAST)} whatever it holds; Payara's servlet writer ignores writer info.
 */
public abstract class FrameSender {
    private static final System.Logger LOG = System.getLogger(FrameSender.class.getName());
    private static final String REMOTE = "org.glassfish.tyrus.core.TyrusRemoteEndpoint";
    /** The Tyrus versions whose asynchronous remote was read and found to add only the timer to the socket's send. */
    static final String CHECKED_TYRUS = "2.2.";
    /** Logged once, when the first connection goes straight to Tyrus's socket. */
    static final String DIRECT = "WebSocket frames go straight to Tyrus's socket, without an idle-timer task per frame";
    /** Logged once, when the first connection is handed frames built once per event. */
    static final String RAW = "WebSocket frames are built once per event and handed to each Tyrus socket as raw frames";
    /** Logged once, when a session with extensions has Tyrus frame each text for it. */
    static final String STANDARD_FRAMING = "WebSocket frames of sessions with extensions are framed by Tyrus, text by text";
    /** Starts the line logged once per reason a Tyrus session falls back to the standard API. */
    static final String STANDARD = "WebSocket frames use the standard API";
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    FrameSender() {
    }

    /** Sends one whole text frame; {@code done} is called once it is written or has failed. */
    public abstract void send(Text text, SendHandler done);

    /** Sends {@code text}, going to this connection only. */
    public final void send(String text, SendHandler done) {
        send(new Text(text), done);
    }

    /**
     * One text to send, to one connection or to many: hand the same instance to each of them, and its frame is built once.
     * Thread-safe.
     */
    public static final class Text {
        private final String text;
        private volatile byte[] frame;

        public Text(String text) {
            this.text = Objects.requireNonNull(text, "text");
        }

        /** The text itself. */
        public String text() {
            return text;
        }

        /** The whole server-to-client text frame of RFC 6455 §5.2 (final, unmasked, no extension bits), built once. */
        byte[] frame() {
            byte[] f = frame;
            if (f == null) {
                f = frame(text);
                frame = f;   // built twice at worst, by two threads at once: the same bytes either way
            }
            return f;
        }

        static byte[] frame(String text) {
            // unpaired surrogates become '?', where Tyrus's strict encoder throws an Error; the API refuses them on input
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            int n = payload.length;
            int header = n <= 125 ? 2 : n <= 0xFFFF ? 4 : 10;
            byte[] f = new byte[header + n];
            f[0] = (byte) 0x81;   // FIN, opcode 1 (text)
            if (n <= 125) {
                f[1] = (byte) n;
            } else if (n <= 0xFFFF) {
                f[1] = 126;
                f[2] = (byte) (n >>> 8);
                f[3] = (byte) n;
            } else {
                f[1] = 127;   // a 64-bit length: an int's four bytes after four zeros
                for (int i = 0; i < 4; i++) {
                    f[6 + i] = (byte) (n >>> (24 - 8 * i));
                }
            }
            System.arraycopy(payload, 0, f, header, n);
            return f;
        }
    }

    /** True when frames skip the standard API (Tyrus's socket found). */
    abstract boolean direct();

    /**
     * The sender for {@code session}, a server endpoint's (a client's frames must be masked, and raw frames are not):
     * Tyrus's socket when it can be reached, else the standard asynchronous remote.
     *
     * @throws IllegalStateException when the session is closed already
     */
    public static FrameSender of(Session session) {
        RemoteEndpoint.Async remote = session.getAsyncRemote();
        Optional<Tyrus> tyrus = Tyrus.forClass(remote.getClass());
        if (tyrus.isPresent()) {
            try {
                Object socket = tyrus.get().socket.invokeExact((Object) remote);
                if (socket != null) {
                    logOnce(DIRECT);
                    List<Extension> extensions = session.getNegotiatedExtensions();
                    boolean raw = extensions == null || extensions.isEmpty();
                    logOnce(raw ? RAW : STANDARD_FRAMING);
                    return new Direct(session, remote, tyrus.get(), socket, raw);
                }
                logOnce(STANDARD + ": the session has no Tyrus socket");
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                logOnce(STANDARD + ": Tyrus's socket could not be read (" + e.getClass().getName() + ")");
            }
        }
        return new Standard(remote);
    }

    private static void logOnce(String line) {
        if (LOGGED.add(line)) {
            LOG.log(Level.INFO, line);
        }
    }

    /** Through {@code RemoteEndpoint.Async}, with the container's context providers hidden ({@link SendContext}). */
    static final class Standard extends FrameSender {
        private final RemoteEndpoint.Async remote;

        Standard(RemoteEndpoint.Async remote) {
            this.remote = remote;
        }

        @Override
        public void send(Text text, SendHandler done) {
            SendContext.run(() -> remote.sendText(text.text(), done));
        }

        @Override
        boolean direct() {
            return false;
        }
    }

    static final class Direct extends FrameSender {
        private final Session session;
        private final Standard timed;
        private final Tyrus tyrus;
        private final Object socket;
        /** Whether frames built once per text are handed over raw (the session negotiated no extension). */
        private final boolean raw;

        Direct(Session session, RemoteEndpoint.Async remote, Tyrus tyrus, Object socket, boolean raw) {
            this.session = session;
            this.timed = new Standard(remote);
            this.tyrus = tyrus;
            this.socket = socket;
            this.raw = raw;
        }

        @Override
        public void send(Text text, SendHandler done) {
            if (session.getMaxIdleTimeout() > 0) {
                // someone set an idle timeout since the connection opened: its timer must restart with each frame
                logOnce(STANDARD + ": the session has an idle timeout");
                timed.send(text, done);
                return;
            }
            try {
                if (raw) {
                    Future<?> written = (Future<?>) tyrus.sendRawFrame.invokeExact(socket, ByteBuffer.wrap(text.frame()));
                    if (!(written instanceof CompletableFuture<?> completion)) {
                        // Tyrus 2.2's futures are all CompletableFutures (checked when the handles were found)
                        throw new IllegalStateException("Tyrus returned a " + written.getClass().getName() + " for a raw frame");
                    }
                    completion.whenComplete((frame, failure) -> {
                        try {
                            done.onResult(failure == null ? new SendResult() : new SendResult(failure));
                        } catch (RuntimeException | Error e) {
                            // the future keeps what the handler throws to itself: logged, or a connection left stuck by it
                            // would leave no trace
                            LOG.log(Level.WARNING, "a WebSocket frame's completion handler failed: " + e.getClass().getName());
                            throw e;
                        }
                    });
                } else {
                    tyrus.sendText.invokeExact(socket, text.text(), done, tyrus.asyncText);
                }
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        boolean direct() {
            return true;
        }
    }

    /** Tyrus's handles for one remote endpoint class. */
    record Tyrus(MethodHandle socket, MethodHandle sendText, Object asyncText, MethodHandle sendRawFrame) {
        /** The last class looked up and what was found for it: in practice one class, found once. */
        private record Found(Class<?> remoteClass, Optional<Tyrus> tyrus) {
        }

        // not a ClassValue: its value, held by the container's class, would keep this application's loader alive after
        // an undeploy (JDK-8136353); this field is the application's own
        private static volatile Found found;

        static Optional<Tyrus> forClass(Class<?> remoteClass) {
            Found f = found;
            if (f == null || f.remoteClass != remoteClass) {
                f = new Found(remoteClass, Optional.ofNullable(find(remoteClass)));
                found = f;
            }
            return f.tyrus;
        }

        private static Tyrus find(Class<?> remoteClass) {
            Class<?> endpoint = remoteClass;
            while (endpoint != null && !endpoint.getName().equals(REMOTE)) {
                endpoint = endpoint.getSuperclass();
            }
            if (endpoint == null) {
                logOnce(STANDARD + ": the container's remote endpoint is not Tyrus's (" + remoteClass.getName() + ")");
                return null;
            }
            try {
                ClassLoader loader = endpoint.getClassLoader();
                Class<?> socketClass = Class.forName("org.glassfish.tyrus.core.TyrusWebSocket", false, loader);
                String version = version(socketClass);
                if (version == null || !version.startsWith(CHECKED_TYRUS)) {
                    logOnce(STANDARD + ": Tyrus " + version + " is not the version checked (" + CHECKED_TYRUS + "x)");
                    return null;
                }
                Class<?> infoClass = Class.forName("org.glassfish.tyrus.spi.WriterInfo", false, loader);
                MethodHandle socket = MethodHandles.privateLookupIn(endpoint, MethodHandles.lookup())
                        .findGetter(endpoint, "webSocket", socketClass)
                        .asType(MethodType.methodType(Object.class, Object.class));
                MethodHandle sendText = MethodHandles.publicLookup()
                        .findVirtual(socketClass, "sendText", MethodType.methodType(void.class, String.class, SendHandler.class, infoClass))
                        .asType(MethodType.methodType(void.class, Object.class, String.class, SendHandler.class, Object.class));
                Object asyncText = infoClass.getConstructor(nested(infoClass, "MessageType"), nested(infoClass, "RemoteEndpointType"))
                        .newInstance(constant(infoClass, "MessageType", "TEXT"), constant(infoClass, "RemoteEndpointType", "ASYNC"));
                MethodHandle sendRawFrame = MethodHandles.publicLookup()
                        .findVirtual(socketClass, "sendRawFrame", MethodType.methodType(Future.class, ByteBuffer.class))
                        .asType(MethodType.methodType(Future.class, Object.class, ByteBuffer.class));
                Class<?> future = Class.forName("org.glassfish.tyrus.core.TyrusFuture", false, loader);
                if (!CompletableFuture.class.isAssignableFrom(future)) {
                    logOnce(STANDARD + ": Tyrus's futures cannot call back (" + future.getSuperclass().getName() + ")");
                    return null;
                }
                return new Tyrus(socket, sendText, asyncText, sendRawFrame);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                logOnce(STANDARD + ": Tyrus's socket was not found (" + e + ")");
                return null;
            }
        }

        /** Tyrus core's version, from the Maven properties in its jar; null when they cannot be read. */
        static String version(Class<?> tyrusClass) {
            try (InputStream in = tyrusClass.getResourceAsStream("/META-INF/maven/org.glassfish.tyrus/tyrus-core/pom.properties")) {
                if (in == null) {
                    return null;
                }
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version");
            } catch (IOException | IllegalArgumentException e) {
                return null;
            }
        }

        private static Class<?> nested(Class<?> outer, String name) throws ClassNotFoundException {
            return Class.forName(outer.getName() + "$" + name, false, outer.getClassLoader());
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static Object constant(Class<?> outer, String type, String name) throws ClassNotFoundException {
            return Enum.valueOf((Class) nested(outer, type), name);
        }
    }
}
