package io.chatsdk.engine.spi;

import java.net.URI;
import java.util.Map;

/**
 * Sends the engine's outbound HTTP requests (webhook deliveries, the before-message-send hook). The appliance's adapter
 * is the SSRF-guarded egress client ({@code connectors/http}); an embedder may supply its own. Blocking; thread-safe.
 */
public interface HttpSender {

    /** An answer: the status and the start of the body (adapters may cut long bodies). */
    record Response(int status, byte[] body) {
    }

    /** POSTs {@code body}; throws when the request could not be made or was refused. */
    Response post(URI url, Map<String, String> headers, byte[] body) throws Exception;
}
