package io.chatsdk.connectors.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The URL, header and redirect rules of {@link SafeEgress}, apart from address checks. Stateless. */
final class EgressRules {
    /** Framing and routing headers the client sets itself; a caller setting them could split or misroute. */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection", "keep-alive", "upgrade", "te", "trailer", "expect", "proxy-connection");
    /** Credentials that must not follow a redirect to another origin. */
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie", "x-api-key");
    /** Headers that describe a body, dropped when a redirect turns the request into a GET. */
    private static final Set<String> BODY_HEADERS = Set.of("content-type", "content-encoding", "content-language");
    private static final String TCHARS = "!#$%&'*+-.^_`|~";
    /** Hosts that look like a number: resolvers read 0177.1 or 0x7f000001 differently, so only dotted quads pass. */
    private static final Pattern NUMERIC_HOST = Pattern.compile("(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*");

    private EgressRules() {
    }

    /** Why {@code url} may not be requested under {@code policy}, or empty when its form is fine. */
    static Optional<String> refusal(URI url, EgressPolicy policy) {
        if (url.getScheme() == null) {
            return Optional.of("URL has no scheme");
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        if (!policy.allowedSchemes().contains(scheme)) {
            return Optional.of("scheme '" + scheme + "' is not allowed (allowed: "
                    + String.join(", ", policy.allowedSchemes().stream().sorted().toList()) + ")");
        }
        if (url.isOpaque()) {
            return Optional.of("URL has no host");
        }
        if (url.getRawUserInfo() != null) {
            return Optional.of("URL carries userinfo (credentials in the URL are not allowed)");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            // also when the authority is not a valid server authority, e.g. a user@ part URI could not parse
            return Optional.of(url.getRawAuthority() != null && url.getRawAuthority().contains("@")
                    ? "URL carries userinfo (credentials in the URL are not allowed)"
                    : "URL has no valid host");
        }
        String host = IpLiteral.normalizeHost(url.getHost());
        if (NUMERIC_HOST.matcher(host).matches() && IpLiteral.parse(host).isEmpty()) {
            return Optional.of("host '" + host + "' is not a canonical IPv4 address (octal, hex, short or out of range)");
        }
        if (url.getPort() == 0) {
            return Optional.of("port 0 is not allowed");
        }
        return Optional.empty();
    }

    /**
     * Validates caller headers: names must be HTTP tokens, values must not contain CR, LF or NUL, and the framing
     * headers the client owns ({@code Host}, {@code Content-Length}, ...) may not be set.
     *
     * @throws IllegalArgumentException naming the header
     */
    static Map<String, String> checkHeaders(Map<String, String> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        if (headers == null) {
            return out;
        }
        headers.forEach((name, value) -> {
            Objects.requireNonNull(name, "header name");
            if (name.isEmpty() || !name.chars().allMatch(c -> c < 127 && (Character.isLetterOrDigit(c)
                    || TCHARS.indexOf(c) >= 0))) {
                throw new IllegalArgumentException("header name '" + name + "' is not a valid HTTP token");
            }
            if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header " + name + " is set by the client and may not be given");
            }
            Objects.requireNonNull(value, () -> "value of header " + name);
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("value of header " + name + " contains CR, LF or NUL");
            }
            out.put(name, value);
        });
        return out;
    }

    /** The redirect target: {@code location} resolved against {@code current}, without a fragment. */
    static URI redirectTarget(URI current, String location) throws URISyntaxException {
        URI target = current.resolve(new URI(location.strip()));
        String text = target.toString();
        int hash = text.indexOf('#');
        return hash < 0 ? target : new URI(text.substring(0, hash));
    }

    /** Whether a hop from {@code from} to {@code to} downgrades https to http. */
    static boolean downgrades(URI from, URI to) {
        return "https".equalsIgnoreCase(from.getScheme()) && "http".equalsIgnoreCase(to.getScheme());
    }

    /** Whether {@code a} and {@code b} share scheme, host and effective port. */
    static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(lower(a.getScheme()), lower(b.getScheme()))
                && Objects.equals(lower(a.getHost()), lower(b.getHost())) && port(a) == port(b);
    }

    /** The headers for the next hop: credentials only to the same origin, body headers only with a body. */
    static Map<String, String> headersForHop(Map<String, String> headers, boolean sameOrigin, boolean keepsBody) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if ((sameOrigin || !isCredential(lower)) && (keepsBody || !BODY_HEADERS.contains(lower))) {
                out.put(name, value);
            }
        });
        return out;
    }

    /**
     * Headers that prove who sends or vouch for the body (authorization, cookies, API keys, signatures and tokens such
     * as a webhook's {@code X-Api-Key} and {@code X-Signature}): they are not sent on to another origin.
     */
    static boolean isCredential(String lowerName) {
        return CREDENTIAL_HEADERS.contains(lowerName) || lowerName.contains("signature") || lowerName.contains("token")
                || lowerName.contains("secret");
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Whether following {@code status} keeps the method and body: 307 and 308 always, others only for GET/HEAD. */
    static boolean keepsMethod(int status, String method) {
        return status == 307 || status == 308 || method.equals("GET") || method.equals("HEAD");
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
