package io.chatsdk.connectors.http;

import java.net.URI;

/**
 * A call through {@link SafeEgress} was allowed but did not complete: the connection was refused or timed out, the
 * response did not arrive within the response timeout, the name did not resolve, TLS failed, or the receiver
 * redirected too often. {@link #retryable()} says whether trying again later may succeed (I/O failures and
 * timeouts: yes; a redirect loop or a malformed redirect: no).
 */
public final class EgressFailedException extends EgressException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    EgressFailedException(URI url, String message, boolean retryable, Throwable cause) {
        super(url, message, cause);
        this.retryable = retryable;
    }

    /** Whether the same call may succeed later, so a webhook delivery should be retried with backoff. */
    public boolean retryable() {
        return retryable;
    }
}
