package io.chatsdk.connectors.http;

import java.net.URI;
import java.util.Objects;

/**
 * Why an outbound call through {@link SafeEgress} did not produce a response: either the guard refused it
 * ({@link EgressRefusedException}) or the exchange failed ({@link EgressFailedException}).
 *
 * <p>Messages name the origin ({@code scheme://host:port}) but never the path, query, headers or body of the URL,
 * because webhook URLs often carry tokens; {@link #url()} has the full URL for a caller that knows it may show it.
 */
public abstract sealed class EgressException extends RuntimeException
        permits EgressRefusedException, EgressFailedException {
    private static final long serialVersionUID = 1L;

    private final transient URI url;

    EgressException(URI url, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.url = url;
    }

    /** The URL of the hop at fault (the original URL or a redirect target); {@code null} only if none was given. */
    public URI url() {
        return url;
    }

    /** {@code scheme://host:port} of {@code url}, safe to log: no userinfo, path, query or fragment. */
    static String origin(URI url) {
        if (url == null) {
            return "(no URL)";
        }
        if (url.getScheme() == null || url.getHost() == null) {
            return url.getScheme() == null ? "(relative URL)" : url.getScheme() + ":(no host)";
        }
        return url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort());
    }
}
