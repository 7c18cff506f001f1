package io.chatsdk.connectors.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses IP address literals without ever asking DNS. IPv4 must be a strict dotted quad (four decimal parts,
 * no leading zeros); any other spelling ({@code 127.1}, {@code 0x7f.1}, {@code 2130706433}) is not a literal here
 * and goes to the resolver like a name, whose answer is checked like any other.
 */
final class IpLiteral {
    private IpLiteral() {
    }

    /** {@code host} without the brackets of an IPv6 literal and without a trailing dot, in lower case. */
    static String normalizeHost(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.length() >= 2 && h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".") && h.length() > 1) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    /** The address {@code host} spells, or empty when it is a name (or not a valid literal). */
    static Optional<InetAddress> parse(String host) {
        String h = normalizeHost(host);
        if (h.indexOf(':') >= 0) {
            return parseV6(h);
        }
        byte[] v4 = parseV4(h);
        if (v4 == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always a valid IPv4 address", e);
        }
    }

    private static Optional<InetAddress> parseV6(String h) {
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.';
            if (c == '%') {
                break; // a zone id follows; InetAddress validates it
            }
            if (!ok) {
                return Optional.empty();
            }
        }
        try {
            // in brackets InetAddress only accepts an IPv6 literal and never asks DNS
            return Optional.of(InetAddress.getByName("[" + h + "]"));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static byte[] parseV4(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }
}
