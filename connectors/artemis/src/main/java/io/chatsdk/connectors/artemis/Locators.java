package io.chatsdk.connectors.artemis;

import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

/**
 * How the connector's clients reach a broker: they reconnect for ever (every 0.5 s, backing off to 5 s), and a blocking
 * call gives up after {@value #CALL_TIMEOUT_MS} ms, also while the client is reconnecting.
 *
 * <p>Artemis's defaults wait 30 s for a reply and another 30 s for a reconnection to finish. A send that was in flight
 * when the broker went away then holds its caller for a minute: the outbox relay stopped publishing that long after a
 * broker restart, although the broker was back within a second. With a short bound the call fails, and the caller
 * retries on its own schedule (the relay within a second), on the reconnected session.
 */
final class Locators {
    static final long CALL_TIMEOUT_MS = 5_000;

    private Locators() {
    }

    static ServerLocator reconnecting(String url) throws Exception {
        return ActiveMQClient.createServerLocator(url)
                .setReconnectAttempts(-1)
                .setRetryInterval(500)
                .setMaxRetryInterval(5000)
                .setRetryIntervalMultiplier(2.0)
                .setCallTimeout(CALL_TIMEOUT_MS)
                .setCallFailoverTimeout(CALL_TIMEOUT_MS);
    }
}
