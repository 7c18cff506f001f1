package io.chatsdk.connectors.http;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether an address may be contacted by {@link SafeEgress}: the SSRF guard. It refuses every address that
 * reaches the appliance's own host or network rather than the public internet, in IPv4 and in each IPv6 form that
 * embeds an IPv4 address, unless an {@link AllowlistEntry} permits it.
 *
 * <pre>{@code
 * AddressGuard.internalRange(InetAddress.getByName("10.0.0.7"))        // Optional[private]
 * new AddressGuard(List.of()).refusal("x", addr, 80)                    // Optional["10.0.0.7 is private"]
 * }</pre>
 *
 * <p>Refused in IPv4: unspecified and {@code 0/8}, loopback {@code 127/8}, private {@code 10/8},
 * {@code 172.16/12}, {@code 192.168/16}, CGNAT {@code 100.64/10}, link-local {@code 169.254/16} (with the cloud
 * metadata address 169.254.169.254), {@code 192.0.0/24}, documentation, benchmarking {@code 198.18/15}, the 6to4
 * relay {@code 192.88.99/24}, multicast {@code 224/4}, reserved {@code 240/4} and broadcast. In IPv6: {@code ::},
 * {@code ::1}, unique-local {@code fc00::/7}, link-local {@code fe80::/10}, site-local {@code fec0::/10}, multicast
 * {@code ff00::/8}, documentation, benchmarking, discard {@code 100::/64}, anything outside global unicast
 * {@code 2000::/3}, and the IPv4-mapped, IPv4-compatible, IPv4-translated, NAT64 ({@code 64:ff9b::/96},
 * {@code 64:ff9b:1::/48}), 6to4 ({@code 2002::/16}) and Teredo ({@code 2001::/32}) forms of a refused IPv4 address.
 *
 * <p>It also refuses the host's own addresses, public ones included, read from its network interfaces when the guard
 * is made: a webhook must not reach services that listen on the appliance's public address.
 *
 * <p>Immutable, thread-safe, never blocks, never resolves names.
 */
public final class AddressGuard {
    private final List<AllowlistEntry> allowlist;
    private final java.util.Set<String> own;

    /**
     * A guard that permits the internal destinations {@code allowlist} names and refuses all others, including this
     * host's own addresses.
     */
    public AddressGuard(List<AllowlistEntry> allowlist) {
        this(allowlist, interfaceAddresses());
    }

    /** As {@link #AddressGuard(List)}, with the host's own addresses given (for tests and hosts behind NAT). */
    public AddressGuard(List<AllowlistEntry> allowlist, java.util.Collection<InetAddress> ownAddresses) {
        this.allowlist = List.copyOf(Objects.requireNonNull(allowlist, "allowlist"));
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (InetAddress a : ownAddresses) {
            keys.add(key(a));
        }
        this.own = java.util.Set.copyOf(keys);
    }

    /** The addresses of this host's network interfaces; empty when they cannot be read. */
    static List<InetAddress> interfaceAddresses() {
        List<InetAddress> out = new java.util.ArrayList<>();
        try {
            java.util.Enumeration<java.net.NetworkInterface> nics = java.net.NetworkInterface.getNetworkInterfaces();
            while (nics != null && nics.hasMoreElements()) {
                java.util.Enumeration<InetAddress> addresses = nics.nextElement().getInetAddresses();
                while (addresses.hasMoreElements()) {
                    out.add(addresses.nextElement());
                }
            }
        } catch (java.net.SocketException e) {
            // no interface list: the internal ranges still apply
        }
        return out;
    }

    /** The address without its IPv6 scope, so that one address compares equal however it was obtained. */
    private static String key(InetAddress a) {
        return java.util.HexFormat.of().formatHex(a.getAddress());
    }

    /**
     * Why connecting to {@code address} (resolved from {@code host}) on {@code port} is refused, naming the address
     * and its range (e.g. {@code "127.0.0.1 is loopback"}), or empty when it is public or allowlisted. Pass
     * {@code port} -1 when unknown: then only CIDR entries can permit it.
     */
    public Optional<String> refusal(String host, InetAddress address, int port) {
        Objects.requireNonNull(address, "address");
        Optional<String> range = internalRange(address).or(() -> own.contains(key(address)) ? Optional.of("this host's own address") : Optional.empty());
        if (range.isEmpty()) {
            return range;
        }
        for (AllowlistEntry entry : allowlist) {
            if (entry.permits(host == null ? "" : host, address, port)) {
                return Optional.empty();
            }
        }
        return Optional.of(address.getHostAddress() + " is " + range.get());
    }

    /**
     * The name of the non-public range {@code address} lies in, e.g. {@code "loopback"}, {@code "private"},
     * {@code "link-local (cloud metadata)"}, {@code "CGNAT"} or {@code "NAT64 of private"}; empty when public.
     */
    public static Optional<String> internalRange(InetAddress address) {
        byte[] b = address.getAddress();
        return Optional.ofNullable(b.length == 4 ? v4Range(toInt(b, 0)) : v6Range(b));
    }

    private static String v4Range(int v) {
        if (v == 0) {
            return "unspecified";
        }
        if (in(v, 0x00000000, 8)) {
            return "this-network (0/8)";
        }
        if (in(v, 0x0A000000, 8) || in(v, 0xAC100000, 12) || in(v, 0xC0A80000, 16)) {
            return "private";
        }
        if (in(v, 0x64400000, 10)) {
            return v == 0x646464C8 ? "CGNAT (cloud metadata)" : "CGNAT"; // 100.100.100.200 (Alibaba Cloud)
        }
        if (in(v, 0x7F000000, 8)) {
            return "loopback";
        }
        if (in(v, 0xA9FE0000, 16)) {
            return v == 0xA9FEA9FE ? "link-local (cloud metadata)" : "link-local";
        }
        if (in(v, 0xC0000000, 24)) {
            return "IETF protocol assignments (192.0.0/24)";
        }
        if (in(v, 0xC0000200, 24) || in(v, 0xC6336400, 24) || in(v, 0xCB007100, 24)) {
            return "documentation";
        }
        if (in(v, 0xC0586300, 24)) {
            return "6to4 relay anycast";
        }
        if (in(v, 0xC6120000, 15)) {
            return "benchmarking";
        }
        if (in(v, 0xE0000000, 4)) {
            return "multicast";
        }
        if (v == 0xFFFFFFFF) {
            return "broadcast";
        }
        if (in(v, 0xF0000000, 4)) {
            return "reserved (240/4)";
        }
        return null;
    }

    private static String v6Range(byte[] b) {
        if (zero(b, 0, 16)) {
            return "unspecified";
        }
        if (zero(b, 0, 15) && b[15] == 1) {
            return "loopback";
        }
        if (zero(b, 0, 10) && u16(b, 10) == 0xFFFF) {
            return embedded("IPv4-mapped", toInt(b, 12), true);
        }
        if (zero(b, 0, 8) && u16(b, 8) == 0xFFFF && u16(b, 10) == 0) {
            return embedded("IPv4-translated", toInt(b, 12), false);
        }
        if (zero(b, 0, 12)) {
            return embedded("IPv4-compatible", toInt(b, 12), false);
        }
        if (u16(b, 0) == 0x0064 && u16(b, 2) == 0xFF9B && zero(b, 4, 12)) {
            return embedded("NAT64", toInt(b, 12), true);
        }
        if (u16(b, 0) == 0x0064 && u16(b, 2) == 0xFF9B && u16(b, 4) == 0x0001) {
            // local-use prefix: its IPv4 position depends on the operator's prefix length, so refuse it whole
            String inner = v4Range(toInt(b, 12));
            return inner != null ? "NAT64 of " + inner : "NAT64 local-use (64:ff9b:1::/48)";
        }
        if (u16(b, 0) == 0x2002) {
            return embedded("6to4", toInt(b, 2), true);
        }
        if (u16(b, 0) == 0x2001 && u16(b, 2) == 0x0000) {
            return embedded("Teredo", ~toInt(b, 12), true);
        }
        if (u16(b, 0) == 0x2001 && u16(b, 2) == 0x0DB8) {
            return "documentation";
        }
        if (u16(b, 0) == 0x2001 && u16(b, 2) == 0x0002 && u16(b, 4) == 0) {
            return "benchmarking";
        }
        if (u16(b, 0) == 0x0100 && zero(b, 2, 8)) {
            return "discard-only (100::/64)";
        }
        int first = b[0] & 0xFF;
        if ((first & 0xFE) == 0xFC) {
            // fd00:ec2::254 is the AWS instance metadata service over IPv6
            boolean metadata = u16(b, 0) == 0xFD00 && u16(b, 2) == 0x0EC2 && zero(b, 4, 14) && u16(b, 14) == 0x0254;
            return metadata ? "private (cloud metadata)" : "private";
        }
        if (first == 0xFE && (b[1] & 0xC0) == 0x80) {
            return "link-local";
        }
        if (first == 0xFE && (b[1] & 0xC0) == 0xC0) {
            return "site-local";
        }
        if (first == 0xFF) {
            return "multicast";
        }
        if ((first & 0xE0) != 0x20) {
            return "reserved (outside 2000::/3)";
        }
        return null;
    }

    /**
     * The range of an IPv6 form embedding IPv4 {@code v4}: refused as "FORM of RANGE" when the IPv4 address is;
     * otherwise public when the form reaches the public address ({@code publicOk}), else refused as the form itself.
     */
    private static String embedded(String form, int v4, boolean publicOk) {
        String inner = v4Range(v4);
        if (inner != null) {
            return form + " of " + inner;
        }
        return publicOk ? null : form + " (deprecated)";
    }

    private static boolean in(int v, int network, int prefix) {
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return (v & mask) == network;
    }

    private static int toInt(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
