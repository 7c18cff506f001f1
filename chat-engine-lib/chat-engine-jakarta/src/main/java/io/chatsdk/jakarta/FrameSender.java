package io.chatsdk.jakarta;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Sends a connection's text frames. On Tyrus (Payara's WebSocket implementation) it hands each text straight to the
 * session's Tyrus socket, which frames and writes it as {@code RemoteEndpoint.Async.sendText} would, without the
 * idle-timer task that Tyrus schedules for every frame sent that way.
 *
 * <p>Tyrus's asynchronous remote restarts the session's idle timer before each send, whether or not an idle timeout is
 * set: it cancels the last timer task and schedules a new one on the container's managed scheduled executor, which with
 * no timeout runs at once, on another thread, and does nothing (Tyrus 2.2). Payara's executor captures the thread's
 * context for every such task. A profile of the fan-out to 1,000 subscribers (issue #15) put about a fifth of the
 * fan-out thread's CPU in that scheduling, and the executor's thread ran the empty tasks beside it. The hub closes
 * silent sockets itself ({@link Connection#IDLE}) and sets no Tyrus idle timeout, so nothing is lost by skipping it; a
 * session that has one set keeps the standard API.
 *
 * <p>The socket is read from the remote endpoint's field, the one step that needs Tyrus's internals; the send itself is
 * Tyrus's public {@code TyrusWebSocket.sendText(String, SendHandler, WriterInfo)}, the method the asynchronous remote
 * calls after its timer. Where any of it is missing (another container, another Tyrus), frames go through the standard
 * API as before, inside {@link SendContext}.
 */
public abstract class FrameSender {
    private static final System.Logger LOG = System.getLogger(FrameSender.class.getName());
    private static final String REMOTE = "org.glassfish.tyrus.core.TyrusRemoteEndpoint";
    /** Logged once, when the first connection finds Tyrus's socket. */
    static final String FOUND = "WebSocket frames go straight to Tyrus's socket, without an idle-timer task per frame";

    FrameSender() {
    }

    /** Sends one whole text frame; {@code done} is called once it is written or has failed. */
    public abstract void send(String text, SendHandler done);

    /** True when frames skip the standard API (Tyrus found). */
    public abstract boolean direct();

    /** The sender for {@code session}: Tyrus's socket when it can be reached, else the standard asynchronous remote. */
    public static FrameSender of(Session session) {
        RemoteEndpoint.Async remote = session.getAsyncRemote();
        Tyrus tyrus = Tyrus.of(remote.getClass());
        // with an idle timeout set, the timer's restart on each frame matters: only the standard API does it
        if (tyrus != null && session.getMaxIdleTimeout() <= 0) {
            try {
                Object socket = tyrus.socket.invokeExact((Object) remote);
                if (socket != null) {
                    return new Direct(tyrus, socket);
                }
            } catch (Throwable e) {
                LOG.log(Level.DEBUG, "Tyrus's socket could not be read; using the standard API: " + e);
            }
        }
        return new Standard(remote);
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
        public boolean direct() {
            return false;
        }
    }

    static final class Direct extends FrameSender {
        private final Tyrus tyrus;
        private final Object socket;

        Direct(Tyrus tyrus, Object socket) {
            this.tyrus = tyrus;
            this.socket = socket;
        }

        @Override
        public void send(String text, SendHandler done) {
            try {
                tyrus.sendText.invokeExact(socket, text, done, tyrus.asyncText);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean direct() {
            return true;
        }
    }

    /** Tyrus's handles, found once per remote endpoint class (in practice one). */
    record Tyrus(Class<?> remoteClass, MethodHandle socket, MethodHandle sendText, Object asyncText) {
        private static volatile Tyrus found;
        private static volatile Class<?> missingFor;

        static Tyrus of(Class<?> remoteClass) {
            Tyrus t = found;
            if (t != null && t.remoteClass == remoteClass) {
                return t;
            }
            if (missingFor == remoteClass) {
                return null;
            }
            t = find(remoteClass);
            if (t == null) {
                missingFor = remoteClass;
            } else {
                found = t;
            }
            return t;
        }

        private static Tyrus find(Class<?> remoteClass) {
            Class<?> endpoint = remoteClass;
            while (endpoint != null && !endpoint.getName().equals(REMOTE)) {
                endpoint = endpoint.getSuperclass();
            }
            if (endpoint == null) {
                return null;
            }
            try {
                ClassLoader loader = endpoint.getClassLoader();
                Class<?> socketClass = Class.forName("org.glassfish.tyrus.core.TyrusWebSocket", false, loader);
                Class<?> infoClass = Class.forName("org.glassfish.tyrus.spi.WriterInfo", false, loader);
                MethodHandle socket = MethodHandles.privateLookupIn(endpoint, MethodHandles.lookup())
                        .findGetter(endpoint, "webSocket", socketClass)
                        .asType(MethodType.methodType(Object.class, Object.class));
                MethodHandle sendText = MethodHandles.publicLookup()
                        .findVirtual(socketClass, "sendText", MethodType.methodType(void.class, String.class, SendHandler.class, infoClass))
                        .asType(MethodType.methodType(void.class, Object.class, String.class, SendHandler.class, Object.class));
                Object asyncText = infoClass.getConstructor(nested(infoClass, "MessageType"), nested(infoClass, "RemoteEndpointType"))
                        .newInstance(constant(infoClass, "MessageType", "TEXT"), constant(infoClass, "RemoteEndpointType", "ASYNC"));
                LOG.log(Level.INFO, FOUND);
                return new Tyrus(remoteClass, socket, sendText, asyncText);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.log(Level.INFO, "WebSocket frames use the standard API: Tyrus's socket was not found (" + e + ")");
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
