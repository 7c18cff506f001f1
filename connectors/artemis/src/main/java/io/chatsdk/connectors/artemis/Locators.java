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
        preferTheUrlsStores(url);
        return ActiveMQClient.createServerLocator(url)
                .setReconnectAttempts(-1)
                .setRetryInterval(500)
                .setMaxRetryInterval(5000)
                .setRetryIntervalMultiplier(2.0)
                .setCallTimeout(CALL_TIMEOUT_MS)
                .setCallFailoverTimeout(CALL_TIMEOUT_MS);
    }

    /** The URL's TLS parameters and the JVM properties through which Artemis's connector lets them be overridden. */
    private static final java.util.Map<String, String> STORE_PROPERTIES = java.util.Map.of(
            "trustStorePath", "org.apache.activemq.ssl.trustStore",
            "trustStorePassword", "org.apache.activemq.ssl.trustStorePassword",
            "trustStoreType", "org.apache.activemq.ssl.trustStoreType",
            "keyStorePath", "org.apache.activemq.ssl.keyStore",
            "keyStorePassword", "org.apache.activemq.ssl.keyStorePassword",
            "keyStoreType", "org.apache.activemq.ssl.keyStoreType");

    /**
     * Makes the URL's own trust and key stores the ones used. Artemis's connector replaces them with the JVM's
     * {@code javax.net.ssl.trustStore} and {@code keyStore} when those are set, and application servers set them
     * (Payara points them at its own cacerts): a TLS connection to a broker with a private CA then fails with
     * {@code certificate_unknown}. Artemis's {@code org.apache.activemq.ssl.*} properties take precedence over both, so
     * the URL's values are copied there. They are JVM-wide: one process talks to one broker configuration.
     */
    static void preferTheUrlsStores(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return;
        }
        for (String param : url.substring(q + 1).split("[&;]")) {
            int eq = param.indexOf('=');
            String property = eq > 0 ? STORE_PROPERTIES.get(param.substring(0, eq)) : null;
            if (property != null) {
                System.setProperty(property, param.substring(eq + 1));
            }
        }
    }

    /** The URL with the values of its password parameters replaced, for messages and logs. */
    static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }
}
