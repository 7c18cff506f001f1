package io.chatsdk.engine.spi;

import java.net.URI;
import java.util.Map;

/**
 * Sends the engine's outbound HTTP requests (webhook deliveries). The appliance's adapter is the SSRF-guarded egress
 * client ({@code connectors/http}); an embedder may supply its own. Blocking; thread-safe.
 */
public interface HttpSender {

    /** POSTs {@code body} and returns the response status; throws when the request could not be made or was refused. */
    int post(URI url, Map<String, String> headers, byte[] body) throws Exception;
}
