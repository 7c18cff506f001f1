package io.chatsdk.jakarta;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FrameSender} away from Tyrus: a container whose remote endpoint is not Tyrus's gets the standard API, with the
 * container's context providers hidden during the send. The Tyrus path is tested on the appliance
 * ({@code WebSocketIT.framesGoStraightToTyrussSocket}), where Payara's Tyrus runs.
 */
class FrameSenderTest {
    @Test
    void anotherContainersSessionSendsThroughTheStandardApi() {
        List<String> sent = new CopyOnWriteArrayList<>();
        List<Boolean> hidden = new CopyOnWriteArrayList<>();
        RemoteEndpoint.Async async = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{RemoteEndpoint.Async.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("sendText") && args.length == 2 && args[1] instanceof SendHandler done) {
                        sent.add((String) args[0]);
                        hidden.add(Thread.currentThread().getContextClassLoader() instanceof SendContext.Hiding);
                        done.onResult(new SendResult());
                    }
                    return null;
                });
        Session session = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Session.class},
                (proxy, method, args) -> method.getName().equals("getAsyncRemote") ? async : null);

        FrameSender frames = FrameSender.of(session);
        assertThat(frames.direct()).isFalse();
        List<Boolean> results = new CopyOnWriteArrayList<>();
        frames.send("{\"type\":\"health.check\"}", r -> results.add(r.isOK()));
        frames.send("{\"type\":\"message.new\"}", r -> results.add(r.isOK()));
        assertThat(sent).containsExactly("{\"type\":\"health.check\"}", "{\"type\":\"message.new\"}");
        assertThat(results).containsExactly(true, true);
        assertThat(hidden).as("the context providers are hidden during the send").containsExactly(true, true);
        assertThat(FrameSender.Tyrus.of(async.getClass())).as("no Tyrus class in the proxy's hierarchy").isNull();
    }
}
