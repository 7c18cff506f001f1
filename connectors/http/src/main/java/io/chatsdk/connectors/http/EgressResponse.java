package io.chatsdk.connectors.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The final response of a call through {@link SafeEgress}, after any redirects. Immutable and thread-safe.
 *
 * @param status     the HTTP status of the final response (any status: a 500 is a response, not an exception)
 * @param headers    the response headers, keyed case-insensitively, values in arrival order
 * @param bodyPrefix the body, or its first {@link EgressPolicy#maxResponseBytes()} bytes when it was longer
 * @param truncated  whether the body was longer than {@code bodyPrefix}; the rest was discarded unread
 * @param finalUrl   the URL that produced this response
 * @param hops       every URL requested, in order: the original first, {@code finalUrl} last
 */
public record EgressResponse(int status, Map<String, List<String>> headers, byte[] bodyPrefix, boolean truncated,
                             URI finalUrl, List<URI> hops) {

    public EgressResponse {
        Objects.requireNonNull(headers, "headers");
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.merge(name, List.copyOf(values), (a, b) -> {
            List<String> both = new ArrayList<>(a);
            both.addAll(b);
            return List.copyOf(both);
        }));
        headers = Collections.unmodifiableMap(copy);
        bodyPrefix = Objects.requireNonNull(bodyPrefix, "bodyPrefix").clone();
        Objects.requireNonNull(finalUrl, "finalUrl");
        hops = List.copyOf(hops);
    }

    /** A copy of the kept body bytes. */
    @Override
    public byte[] bodyPrefix() {
        return bodyPrefix.clone();
    }

    /** The kept body bytes as UTF-8 text (a truncated body may end in a broken character). */
    public String bodyText() {
        return new String(bodyPrefix, StandardCharsets.UTF_8);
    }

    /** The first value of header {@code name} (case-insensitive), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Whether the status is 2xx. */
    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** Equal when every component is, the body compared by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof EgressResponse r && status == r.status && truncated == r.truncated
                && headers.equals(r.headers) && Arrays.equals(bodyPrefix, r.bodyPrefix)
                && finalUrl.equals(r.finalUrl) && hops.equals(r.hops);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, headers, Arrays.hashCode(bodyPrefix), truncated, finalUrl, hops);
    }

    /** Status, origin and sizes only: never the body, which may hold customer data. */
    @Override
    public String toString() {
        return "EgressResponse[status=" + status + ", finalUrl=" + EgressException.origin(finalUrl) + ", body="
                + bodyPrefix.length + " bytes" + (truncated ? " (truncated)" : "") + ", hops=" + hops.size() + "]";
    }
}
