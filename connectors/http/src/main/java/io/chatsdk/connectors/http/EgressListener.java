package io.chatsdk.connectors.http;

import java.net.URI;

/**
 * Hears every call {@link SafeEgress} refuses, so the application can write an audit record. Called on the thread
 * that made the call, just before {@link EgressRefusedException} is thrown; it should return quickly and must be
 * thread-safe. An exception it throws is logged and does not replace the refusal.
 *
 * <pre>{@code
 * EgressListener audit = (url, reason) -> auditLog.record("egress.refused", url.getHost(), reason);
 * }</pre>
 */
@FunctionalInterface
public interface EgressListener {

    /**
     * A call to {@code url} (the original URL or the redirect target that was refused) was refused for
     * {@code reason}, e.g. {@code "127.0.0.1 is loopback"}. The URL may carry tokens in its path or query: record
     * what the audit policy allows.
     */
    void refused(URI url, String reason);
}
