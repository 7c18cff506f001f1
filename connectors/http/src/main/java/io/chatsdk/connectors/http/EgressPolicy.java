package io.chatsdk.connectors.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link SafeEgress} may do: which internal destinations are allowlisted despite the SSRF guard, how long it
 * waits, how many redirects it follows, how much of a response body it keeps and which schemes it speaks.
 *
 * <pre>{@code
 * EgressPolicy policy = EgressPolicy.builder()
 *         .responseTimeout(Duration.ofSeconds(3))
 *         .allow("127.0.0.1:8089")          // tests only: production leaves the allowlist empty
 *         .build();
 * }</pre>
 *
 * @param allowlist        destinations permitted although internal; empty in production
 * @param connectTimeout   how long to wait for the TCP (and TLS) connection; default 2 s
 * @param responseTimeout  how long to wait for response data once connected (each read), and, added to the
 *                         connect timeout, the most one request/response exchange may take; default 5 s
 * @param maxRedirects     how many redirects to follow before failing; default 3, 0 follows none
 * @param maxResponseBytes how much of a response body to keep; the rest is discarded unread by closing the
 *                         connection; default 64 KiB
 * @param allowedSchemes   a non-empty subset of {@code http} and {@code https}, lower case; default both
 */
public record EgressPolicy(List<AllowlistEntry> allowlist, Duration connectTimeout, Duration responseTimeout,
                           int maxRedirects, int maxResponseBytes, Set<String> allowedSchemes) {

    private static final Set<String> SUPPORTED_SCHEMES = Set.of("http", "https");
    private static final Duration MAX_CONNECT = Duration.ofMinutes(1);
    private static final Duration MAX_RESPONSE = Duration.ofMinutes(5);
    private static final int MAX_REDIRECT_LIMIT = 20;
    private static final int MAX_BODY_LIMIT = 16 * 1024 * 1024;

    /** The defaults: empty allowlist, 2 s connect, 5 s response, 3 redirects, 64 KiB, http and https. */
    public static final EgressPolicy DEFAULT = builder().build();

    /**
     * Validates every field.
     *
     * @throws IllegalArgumentException naming the field and its bounds
     */
    public EgressPolicy {
        allowlist = List.copyOf(Objects.requireNonNull(allowlist, "allowlist"));
        requireBetween("connectTimeout", connectTimeout, MAX_CONNECT);
        requireBetween("responseTimeout", responseTimeout, MAX_RESPONSE);
        requireRedirects(maxRedirects);
        requireBodyLimit(maxResponseBytes);
        requireSchemes(allowedSchemes);
        allowedSchemes = Set.copyOf(allowedSchemes);
    }

    private static void requireSchemes(Set<String> allowedSchemes) {
        Objects.requireNonNull(allowedSchemes, "allowedSchemes");
        if (allowedSchemes.isEmpty()) {
            throw new IllegalArgumentException("allowedSchemes must name http, https or both, was empty");
        }
        for (String s : allowedSchemes) {
            if (s == null || !SUPPORTED_SCHEMES.contains(s)) {
                throw new IllegalArgumentException("allowedSchemes may hold only 'http' and 'https', not '" + s + "'");
            }
        }
    }

    private static void requireBetween(String field, Duration value, Duration max) {
        Objects.requireNonNull(value, field);
        if (value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(
                    field + " must be more than 0 and at most " + max.toSeconds() + " s, was " + value);
        }
    }

    private static void requireRedirects(int maxRedirects) {
        if (maxRedirects < 0 || maxRedirects > MAX_REDIRECT_LIMIT) {
            throw new IllegalArgumentException(
                    "maxRedirects must be 0.." + MAX_REDIRECT_LIMIT + ", was " + maxRedirects);
        }
    }

    private static void requireBodyLimit(int maxResponseBytes) {
        if (maxResponseBytes < 0 || maxResponseBytes > MAX_BODY_LIMIT) {
            throw new IllegalArgumentException(
                    "maxResponseBytes must be 0.." + MAX_BODY_LIMIT + " (16 MiB), was " + maxResponseBytes);
        }
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link EgressPolicy}; each setter validates its argument at once. Not thread-safe. */
    public static final class Builder {
        private final List<AllowlistEntry> allowlist = new ArrayList<>();
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration responseTimeout = Duration.ofSeconds(5);
        private int maxRedirects = 3;
        private int maxResponseBytes = 64 * 1024;
        private Set<String> allowedSchemes = Set.of("http", "https");

        private Builder() {
        }

        /**
         * Permits one internal destination: {@code host:port}, {@code [v6]:port}, a CIDR block or an address.
         *
         * @throws IllegalArgumentException naming {@code allowlist} and the entry when it cannot be parsed
         */
        public Builder allow(String entry) {
            try {
                allowlist.add(AllowlistEntry.parse(entry));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("allowlist[" + allowlist.size() + "]: " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * Permits exactly the host and port of {@code url} (the scheme's default port when it names none): a server the
         * operator configured by URL, such as an on-premises model server.
         *
         * @throws IllegalArgumentException when the URL has no http(s) scheme or no host
         */
        public Builder allowOrigin(java.net.URI url) {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!SUPPORTED_SCHEMES.contains(scheme) || url.getHost() == null) {
                throw new IllegalArgumentException("allowlist[" + allowlist.size() + "]: not an http(s) URL with a host");
            }
            int port = url.getPort() >= 0 ? url.getPort() : scheme.equals("https") ? 443 : 80;
            String host = url.getHost().contains(":") && !url.getHost().startsWith("[") ? "[" + url.getHost() + "]" : url.getHost();
            return allow(host + ":" + port);
        }

        /** Permits one internal destination. */
        public Builder allow(AllowlistEntry entry) {
            allowlist.add(Objects.requireNonNull(entry, "allowlist entry"));
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            requireBetween("connectTimeout", timeout, MAX_CONNECT);
            this.connectTimeout = timeout;
            return this;
        }

        public Builder responseTimeout(Duration timeout) {
            requireBetween("responseTimeout", timeout, MAX_RESPONSE);
            this.responseTimeout = timeout;
            return this;
        }

        public Builder maxRedirects(int max) {
            requireRedirects(max);
            this.maxRedirects = max;
            return this;
        }

        public Builder maxResponseBytes(int max) {
            requireBodyLimit(max);
            this.maxResponseBytes = max;
            return this;
        }

        /** The schemes to speak, e.g. {@code "https"} alone in production; case-insensitive. */
        public Builder allowedSchemes(String... schemes) {
            Set<String> set = new LinkedHashSet<>();
            for (String s : schemes) {
                set.add(Objects.requireNonNull(s, "allowedSchemes entry").toLowerCase(Locale.ROOT));
            }
            requireSchemes(set);
            this.allowedSchemes = set;
            return this;
        }

        /** @throws IllegalArgumentException naming the first invalid field */
        public EgressPolicy build() {
            return new EgressPolicy(allowlist, connectTimeout, responseTimeout, maxRedirects, maxResponseBytes,
                    allowedSchemes);
        }
    }
}
