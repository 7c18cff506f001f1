package io.chatsdk.connectors.fcm;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;

import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * <b>For tests only.</b> A google-http-client {@link HttpTransport} that sends every request firebase-admin
 * makes ({@code https://fcm.googleapis.com/v1/...}, {@code https://oauth2.googleapis.com/token}) to a local
 * plain-HTTP endpoint instead, keeping the path and query and adding {@value #ORIGINAL_HOST_HEADER} with the
 * host the SDK meant. It lets the real SDK run against a stand-in where Google cannot be reached.
 *
 * <pre>{@code
 * FcmPushGateway gateway = FcmPushGateway.builder("tenant-a")
 *         .projectId("test-project")
 *         .credentials(GoogleCredentials.create(new AccessToken("test-token", expiry)))
 *         .httpTransport(LocalEndpointTransport.to(URI.create("http://127.0.0.1:" + port)))
 *         .build();
 * }</pre>
 *
 * <p>Requests carry bearer tokens in the clear, so the target must be a loopback address. It uses the JDK's
 * {@code HttpURLConnection} (HTTP/1.1), not firebase-admin's default HTTP/2 transport. Thread-safe.
 */
public final class LocalEndpointTransport {

    /** The header that tells the local endpoint which Google host the request was meant for. */
    public static final String ORIGINAL_HOST_HEADER = "X-Forwarded-Host";

    private LocalEndpointTransport() {
    }

    /**
     * A transport that redirects everything to {@code base} ({@code http://127.0.0.1:<port>}); throws
     * {@link IllegalArgumentException} for a non-HTTP or non-loopback base.
     */
    public static HttpTransport to(URI base) {
        Objects.requireNonNull(base, "base");
        if (!"http".equals(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException("base must be an http://host:port URI: " + base);
        }
        try {
            if (!InetAddress.getByName(base.getHost()).isLoopbackAddress()) {
                throw new IllegalArgumentException("base must be a loopback address (tokens go in the clear): " + base);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("base host does not resolve: " + base, e);
        }
        return new NetHttpTransport.Builder()
                .setConnectionFactory(url -> open(base, url))
                .build();
    }

    private static HttpURLConnection open(URI base, URL requested) throws java.io.IOException {
        String pathAndQuery = requested.getFile().isEmpty() ? "/" : requested.getFile();
        URL local = URI.create(base.getScheme() + "://" + base.getRawAuthority() + pathAndQuery).toURL();
        HttpURLConnection connection = (HttpURLConnection) local.openConnection(Proxy.NO_PROXY);
        connection.setRequestProperty(ORIGINAL_HOST_HEADER, requested.getHost());
        return connection;
    }
}
