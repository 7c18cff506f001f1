package io.chatsdk.connectors.http;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Objects;

/**
 * One entry of {@link EgressPolicy#allowlist()}: a destination that {@link SafeEgress} may contact although the
 * {@link AddressGuard} would refuse its address (a test receiver on 127.0.0.1, an internal service an operator
 * trusts). Production configurations normally have none.
 *
 * <ul>
 *   <li>{@code host:port}, e.g. {@code 127.0.0.1:8080}, {@code [::1]:8080} or {@code hooks.internal:443}: that
 *       port only. An IP literal matches the resolved address; a name matches the URL's host name, and then every
 *       address it resolves to is permitted.</li>
 *   <li>CIDR, e.g. {@code 10.20.0.0/16} or {@code fd00:1::/64}, or a bare address ({@code /32}, {@code /128}):
 *       every port.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public sealed interface AllowlistEntry permits AllowlistEntry.HostPort, AllowlistEntry.Cidr {

    /**
     * Parses {@code host:port}, {@code [v6]:port}, {@code address/prefix} or a bare address.
     *
     * @throws IllegalArgumentException naming the entry and what is wrong with it
     */
    static AllowlistEntry parse(String text) {
        Objects.requireNonNull(text, "allowlist entry");
        String t = text.strip();
        int slash = t.indexOf('/');
        if (slash >= 0) {
            InetAddress network = IpLiteral.parse(t.substring(0, slash)).orElseThrow(() -> new IllegalArgumentException(
                    "allowlist entry '" + text + "': '" + t.substring(0, slash) + "' is not an IP address"));
            int prefix;
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("allowlist entry '" + text + "': prefix length is not a number");
            }
            return new Cidr(network, prefix);
        }
        if (IpLiteral.parse(t).isPresent() && (t.indexOf(':') < 0 || !t.startsWith("["))) {
            InetAddress address = IpLiteral.parse(t).get();
            return new Cidr(address, address.getAddress().length * 8);
        }
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || (t.startsWith("[") && t.charAt(colon - 1) != ']')) {
            throw new IllegalArgumentException("allowlist entry '" + text
                    + "' is neither host:port, [IPv6]:port, an IP address nor a CIDR block");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("allowlist entry '" + text + "': port is not a number");
        }
        return new HostPort(t.substring(0, colon), port);
    }

    /** Whether this entry permits connecting to {@code address}, resolved from {@code host}, on {@code port}. */
    boolean permits(String host, InetAddress address, int port);

    /** A host (name or IP literal) on one port. The host is kept normalized: lower case, without brackets. */
    record HostPort(String host, int port) implements AllowlistEntry {
        public HostPort {
            Objects.requireNonNull(host, "host");
            host = IpLiteral.normalizeHost(host);
            if (host.isEmpty()) {
                throw new IllegalArgumentException("allowlist entry: host is empty");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("allowlist entry " + host + ": port must be 1..65535, was " + port);
            }
        }

        @Override
        public boolean permits(String requestHost, InetAddress address, int requestPort) {
            if (requestPort != port) {
                return false;
            }
            return IpLiteral.parse(host)
                    .map(literal -> literal.equals(address))
                    .orElseGet(() -> host.equals(IpLiteral.normalizeHost(requestHost)));
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** Every address in {@code network/prefixLength}, on any port. */
    record Cidr(InetAddress network, int prefixLength) implements AllowlistEntry {
        public Cidr {
            Objects.requireNonNull(network, "network");
            int bits = network.getAddress().length * 8;
            if (prefixLength < 0 || prefixLength > bits) {
                throw new IllegalArgumentException("allowlist entry " + network.getHostAddress() + "/" + prefixLength
                        + ": prefix length must be 0.." + bits);
            }
            if (!matches(network.getAddress(), network.getAddress(), prefixLength, true)) {
                throw new IllegalArgumentException("allowlist entry " + network.getHostAddress() + "/" + prefixLength
                        + " has host bits set beyond the prefix");
            }
        }

        @Override
        public boolean permits(String host, InetAddress address, int port) {
            byte[] a = address.getAddress();
            byte[] n = network.getAddress();
            return a.length == n.length && matches(n, a, prefixLength, false);
        }

        /** Whether {@code a} lies in {@code n/prefix}; with {@code hostBitsZero} whether {@code n} has none set. */
        private static boolean matches(byte[] n, byte[] a, int prefix, boolean hostBitsZero) {
            for (int bit = 0; bit < n.length * 8; bit++) {
                int nb = (n[bit / 8] >> (7 - bit % 8)) & 1;
                int ab = (a[bit / 8] >> (7 - bit % 8)) & 1;
                if (bit < prefix ? (!hostBitsZero && nb != ab) : (hostBitsZero && nb != 0)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return network.getHostAddress().toLowerCase(Locale.ROOT) + "/" + prefixLength;
        }
    }
}
