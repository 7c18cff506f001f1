package io.chatsdk.connectors.http;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import javax.net.ssl.SSLException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The one outbound HTTP client of the appliance (webhook POSTs, the before-send hook): every call is checked by
 * the SSRF guard, which refuses URLs and addresses that reach the appliance's own host or network.
 *
 * <pre>{@code
 * try (SafeEgress egress = SafeEgress.builder()
 *         .policy(EgressPolicy.DEFAULT)
 *         .listener((url, reason) -> audit.record("egress.refused", url, reason))
 *         .build()) {
 *     EgressResponse r = egress.post(URI.create("https://hooks.example.com/chat"),
 *             Map.of("Content-Type", "application/json"), json);
 * }
 * }</pre>
 *
 * <p>For each call it checks the URL (scheme, a host, no userinfo), resolves the host itself and checks every
 * address with the {@link AddressGuard} unless the policy's allowlist permits it; if any address is refused the call
 * is. The connection then uses exactly the addresses that were checked: the guarded resolver is the connection
 * manager's only way to resolve names, so DNS rebinding cannot swap the address. Redirects are followed here, not by
 * the HTTP client, with the same checks at every hop. A refusal throws {@link EgressRefusedException} after telling
 * the {@link EgressListener}; an I/O failure or timeout throws {@link EgressFailedException}. Never goes through a
 * proxy, sends no cookies, never retries by itself.
 *
 * <p>Thread-safe; one instance per application, closed on shutdown. Calls block for at most about
 * {@code (maxRedirects + 1) * (connectTimeout + responseTimeout)}. Never logs bodies, headers or URL paths.
 */
public final class SafeEgress implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SafeEgress.class.getName());

    private final EgressPolicy policy;
    private final EgressListener listener;
    private final CloseableHttpClient client;
    private final ScheduledThreadPoolExecutor deadlines;
    private final Duration hopDeadline;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SafeEgress(Builder b) {
        this.policy = b.policy;
        this.listener = b.listener;
        this.hopDeadline = policy.connectTimeout().plus(policy.responseTimeout());
        Timeout connect = Timeout.ofMilliseconds(policy.connectTimeout().toMillis());
        Timeout response = Timeout.ofMilliseconds(policy.responseTimeout().toMillis());
        GuardedDnsResolver dns = new GuardedDnsResolver(new AddressGuard(policy.allowlist()), b.resolver);
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(dns)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(connect)
                                .setSocketTimeout(response)
                                .setTimeToLive(TimeValue.ofMinutes(1))
                                .build())
                        .setDefaultTlsConfig(TlsConfig.custom().setHandshakeTimeout(connect).build())
                        .build())
                // no proxy, whatever the system properties say: a proxy would resolve names itself
                .setRoutePlanner(new DefaultRoutePlanner(DefaultSchemePortResolver.INSTANCE))
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(connect)
                        .setResponseTimeout(response)
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .setUserAgent(b.userAgent)
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .build();
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "chatsdk-egress-deadline");
            t.setDaemon(true);
            return t;
        });
        deadlines.setRemoveOnCancelPolicy(true);
    }

    /** A builder with the default policy, a listener that logs refusals, and the system resolver. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * POSTs {@code body} to {@code url} with {@code headers} (e.g. {@code Content-Type}, a signature), following
     * redirects as the policy allows: 307/308 repeat the POST, 301/302/303 continue with a GET without the body.
     *
     * @return the final response, whatever its status
     * @throws EgressRefusedException   the URL, a redirect target or an address is refused
     * @throws EgressFailedException    connecting, sending or receiving failed or timed out, or too many redirects
     * @throws IllegalArgumentException a header is invalid or one the client sets itself ({@code Host}, ...)
     */
    public EgressResponse post(URI url, Map<String, String> headers, byte[] body) {
        return execute("POST", url, headers, body == null ? new byte[0] : body);
    }

    /** GETs {@code url}; otherwise like {@link #post}. */
    public EgressResponse get(URI url, Map<String, String> headers) {
        return execute("GET", url, headers, null);
    }

    private EgressResponse execute(String method, URI url, Map<String, String> callerHeaders, byte[] body) {
        Objects.requireNonNull(url, "url");
        Map<String, String> headers = EgressRules.checkHeaders(callerHeaders);
        if (closed.get()) {
            throw new IllegalStateException("SafeEgress is closed");
        }
        List<URI> hops = new ArrayList<>();
        URI current = url;
        while (true) {
            Optional<String> refusal = EgressRules.refusal(current, policy);
            if (refusal.isPresent()) {
                throw refuse(current, refusal.get());
            }
            hops.add(current);
            Hop hop = exchange(method, current, headers, body);
            String location = hop.header("Location");
            if (!EgressRules.isRedirect(hop.status()) || location == null) {
                return new EgressResponse(hop.status(), hop.headers(), hop.body(), hop.truncated(), current, hops);
            }
            if (hops.size() - 1 >= policy.maxRedirects()) {
                throw new EgressFailedException(current, "too many redirects: " + EgressException.origin(url)
                        + " redirected more than " + policy.maxRedirects() + " times", false, null);
            }
            URI next;
            try {
                next = EgressRules.redirectTarget(current, location);
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new EgressFailedException(current, EgressException.origin(current)
                        + " redirected to an invalid Location", false, e);
            }
            if (EgressRules.downgrades(current, next)) {
                throw refuse(next, "redirect from https to http is not allowed");
            }
            if (!EgressRules.keepsMethod(hop.status(), method)) {
                method = "GET";
                body = null;
            }
            headers = EgressRules.headersForHop(headers, EgressRules.sameOrigin(current, next), body != null);
            current = next;
        }
    }

    /** One request and response; the body read up to the limit, the rest discarded by closing the connection. */
    private Hop exchange(String method, URI url, Map<String, String> headers, byte[] body) {
        HttpUriRequestBase request = new HttpUriRequestBase(method, url);
        headers.forEach(request::addHeader);
        if (body != null) {
            request.setEntity(new ByteArrayEntity(body, null));
        }
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            expired.set(true);
            request.cancel();
        }, hopDeadline.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ClassicHttpResponse response = client.executeOpen(null, request, HttpClientContext.create());
            try {
                return read(response, request);
            } finally {
                closeQuietly(response);
            }
        } catch (IOException e) {
            throw translate(url, e, expired.get());
        } finally {
            deadline.cancel(false);
        }
    }

    private Hop read(ClassicHttpResponse response, HttpUriRequestBase request) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : response.getHeaders()) {
            headers.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
        }
        HttpEntity entity = response.getEntity();
        int limit = policy.maxResponseBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 8192));
        boolean truncated = false;
        if (entity != null) {
            InputStream in = entity.getContent();
            byte[] chunk = new byte[8192];
            int n;
            while ((n = in.read(chunk)) != -1) {
                int keep = Math.min(n, limit - out.size());
                out.write(chunk, 0, keep);
                if (keep < n) {
                    // abort rather than close: closing the stream would read the rest of the body
                    truncated = true;
                    request.cancel();
                    break;
                }
            }
        }
        return new Hop(response.getCode(), headers, out.toByteArray(), truncated);
    }

    private EgressException translate(URI url, IOException e, boolean expired) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof GuardedDnsResolver.AddressRefused refused) {
                return refuse(url, refused.reason());
            }
        }
        String origin = EgressException.origin(url);
        String message;
        if (expired) {
            message = "exchange with " + origin + " did not complete within " + format(hopDeadline);
        } else if (e instanceof ConnectTimeoutException) {
            message = "connecting to " + origin + " timed out after " + format(policy.connectTimeout());
        } else if (e instanceof HttpHostConnectException) {
            message = "cannot connect to " + origin + ": " + e.getMessage();
        } else if (e instanceof SocketTimeoutException) {
            message = "no response from " + origin + " within " + format(policy.responseTimeout());
        } else if (e instanceof UnknownHostException) {
            message = "cannot resolve " + url.getHost() + ": " + e.getMessage();
        } else if (e instanceof SSLException) {
            message = "TLS with " + origin + " failed: " + e.getMessage();
        } else if (e instanceof NoHttpResponseException) {
            message = origin + " closed the connection without responding";
        } else {
            message = "I/O error talking to " + origin + ": " + e;
        }
        return new EgressFailedException(url, message, true, e);
    }

    private EgressRefusedException refuse(URI url, String reason) {
        try {
            listener.refused(url, reason);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "egress listener failed on a refusal to {0}: {1}",
                    EgressException.origin(url), e.toString());
        }
        return new EgressRefusedException(url, reason);
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException e) {
            // the connection was aborted or already gone: nothing left to release
        }
    }

    /** Closes pooled connections and stops the deadline thread; calls afterwards throw IllegalStateException. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            client.close(CloseMode.GRACEFUL);
            deadlines.shutdownNow();
        }
    }

    private record Hop(int status, Map<String, List<String>> headers, byte[] body, boolean truncated) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** Builds a {@link SafeEgress}. Not thread-safe. */
    public static final class Builder {
        private EgressPolicy policy = EgressPolicy.DEFAULT;
        private EgressListener listener = (url, reason) -> LOG.log(System.Logger.Level.WARNING,
                "egress refused to {0}: {1}", EgressException.origin(url), reason);
        private Function<String, InetAddress[]> resolver = GuardedDnsResolver::systemLookup;
        private String userAgent = "ChatSDK";

        private Builder() {
        }

        public Builder policy(EgressPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Hears every refusal, e.g. to write an audit record; the default logs it at WARNING. */
        public Builder listener(EgressListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Replaces the system resolver for host names (never asked about IP literals): a test hook, so a test can
         * make {@code evil.test} resolve to 127.0.0.1 without DNS. Whatever it returns is still checked by the
         * guard. To report an unknown host, throw {@link java.io.UncheckedIOException} around an
         * {@link UnknownHostException} or return an empty array.
         */
        public Builder resolver(Function<String, InetAddress[]> resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** The {@code User-Agent} sent unless a call sets its own; default {@code ChatSDK}. */
        public Builder userAgent(String userAgent) {
            Objects.requireNonNull(userAgent, "userAgent");
            if (userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
                throw new IllegalArgumentException("userAgent must be non-blank text without control characters");
            }
            this.userAgent = userAgent;
            return this;
        }

        public SafeEgress build() {
            return new SafeEgress(this);
        }
    }
}
