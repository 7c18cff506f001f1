package io.chatsdk.jakarta;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends a connection's text frames. On Tyrus 2.2 (Payara 7's WebSocket implementation) it hands each text straight to
 * the session's Tyrus socket, which frames and writes it as {@code RemoteEndpoint.Async.sendText} would, without the
 * idle-timer task that Tyrus schedules for every frame sent that way.
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
 */
public abstract class FrameSender {
    private static final System.Logger LOG = System.getLogger(FrameSender.class.getName());
    private static final String REMOTE = "org.glassfish.tyrus.core.TyrusRemoteEndpoint";
    /** The Tyrus versions whose asynchronous remote was read and found to add only the timer to the socket's send. */
    static final String CHECKED_TYRUS = "2.2.";
    /** Logged once, when the first connection goes straight to Tyrus's socket. */
    static final String DIRECT = "WebSocket frames go straight to Tyrus's socket, without an idle-timer task per frame";
    /** Starts the line logged once per reason a Tyrus session falls back to the standard API. */
    static final String STANDARD = "WebSocket frames use the standard API";
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    FrameSender() {
    }

    /** Sends one whole text frame; {@code done} is called once it is written or has failed. */
    public abstract void send(String text, SendHandler done);

    /** True when frames skip the standard API (Tyrus's socket found). */
    abstract boolean direct();

    /**
     * The sender for {@code session}: Tyrus's socket when it can be reached, else the standard asynchronous remote.
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
                    return new Direct(session, remote, tyrus.get(), socket);
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
        public void send(String text, SendHandler done) {
            SendContext.run(() -> remote.sendText(text, done));
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

        Direct(Session session, RemoteEndpoint.Async remote, Tyrus tyrus, Object socket) {
            this.session = session;
            this.timed = new Standard(remote);
            this.tyrus = tyrus;
            this.socket = socket;
        }

        @Override
        public void send(String text, SendHandler done) {
            if (session.getMaxIdleTimeout() > 0) {
                // someone set an idle timeout since the connection opened: its timer must restart with each frame
                logOnce(STANDARD + ": the session has an idle timeout");
                timed.send(text, done);
                return;
            }
            try {
                tyrus.sendText.invokeExact(socket, text, done, tyrus.asyncText);
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
    record Tyrus(MethodHandle socket, MethodHandle sendText, Object asyncText) {
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
                return new Tyrus(socket, sendText, asyncText);
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
