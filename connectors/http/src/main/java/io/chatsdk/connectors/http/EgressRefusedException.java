package io.chatsdk.connectors.http;

import java.net.URI;
import java.util.Objects;

/**
 * {@link SafeEgress} refused a call before sending it, or refused to follow a redirect: the URL's scheme is not
 * allowed, it carries userinfo or no host, or the host resolves to an address the SSRF guard refuses.
 * {@link #reason()} names what was wrong, for an address with its range, e.g. {@code "127.0.0.1 is loopback"}.
 *
 * <p>Not retryable: the same URL is refused again. Every refusal is also reported to the {@link EgressListener}.
 */
public final class EgressRefusedException extends EgressException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    EgressRefusedException(URI url, String reason) {
        super(url, "refused egress to " + origin(url) + ": " + Objects.requireNonNull(reason, "reason"), null);
        this.reason = reason;
    }

    /** What was refused and why, e.g. {@code "169.254.169.254 is link-local (cloud metadata)"}. */
    public String reason() {
        return reason;
    }
}
