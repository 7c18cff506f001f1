package io.chatsdk.connectors.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class AddressGuardTest {
    private static final AddressGuard STRICT = new AddressGuard(List.of());

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1|loopback", "127.255.255.254|loopback",
            "10.0.0.1|private", "10.255.255.255|private", "172.16.0.1|private", "172.31.255.255|private",
            "192.168.0.1|private", "192.168.255.255|private",
            "169.254.169.254|link-local (cloud metadata)", "169.254.0.1|link-local", "169.254.255.255|link-local",
            "100.64.0.1|CGNAT", "100.127.255.255|CGNAT", "100.100.100.200|CGNAT (cloud metadata)",
            "0.0.0.0|unspecified", "0.1.2.3|this-network (0/8)", "0.255.255.255|this-network (0/8)",
            "224.0.0.1|multicast", "239.255.255.250|multicast", "255.255.255.255|broadcast",
            "240.0.0.1|reserved (240/4)", "254.1.2.3|reserved (240/4)",
            "192.0.2.1|documentation", "198.51.100.7|documentation", "203.0.113.9|documentation",
            "198.18.0.1|benchmarking", "198.19.255.255|benchmarking", "192.88.99.1|6to4 relay anycast",
            "192.0.0.170|IETF protocol assignments (192.0.0/24)"})
    void refusesInternalIpv4(String address, String range) {
        assertThat(AddressGuard.internalRange(ip(address))).contains(range);
        assertThat(STRICT.refusal(null, ip(address), 80)).contains(address + " is " + range);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.216.34", "9.255.255.255", "11.0.0.0", "172.15.255.255",
            "172.32.0.0", "192.167.255.255", "192.169.0.0", "100.63.255.255", "100.128.0.0", "169.253.255.255",
            "169.255.0.0", "126.255.255.255", "128.0.0.0", "223.255.255.255", "1.0.0.0"})
    void allowsPublicIpv4IncludingRangeBoundaries(String address) {
        assertThat(AddressGuard.internalRange(ip(address))).isEmpty();
        assertThat(STRICT.refusal("example.com", ip(address), 443)).isEmpty();
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
            "::|unspecified", "::1|loopback", "fc00::1|private", "fd12:3456::1|private",
            "fd00:ec2::254|private (cloud metadata)", "fe80::1|link-local", "febf:ffff::1|link-local",
            "fec0::1|site-local", "ff02::1|multicast", "ff0e::101|multicast", "2001:db8::1|documentation",
            "2001:2::1|benchmarking", "100::1|discard-only (100::/64)", "4000::1|reserved (outside 2000::/3)",
            "e000::1|reserved (outside 2000::/3)", "64:ff9b:1::8.8.8.8|NAT64 local-use (64:ff9b:1::/48)",
            "::8.8.8.8|IPv4-compatible (deprecated)"})
    void refusesInternalIpv6(String address, String range) {
        assertThat(AddressGuard.internalRange(ip(address))).contains(range);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2606:4700::1111", "2a00:1450:4001:82a::200e", "2001:4860:4860::8888",
            "64:ff9b::808:808", "2002:808:808::1", "2001:0:4136:e378:8000:63bf:f7f7:f7f7"})
    void allowsPublicIpv6AndEmbeddingsOfPublicIpv4(String address) {
        assertThat(AddressGuard.internalRange(ip(address))).isEmpty();
    }

    @Test
    void allowsIpv4MappedFormOfAPublicAddress() throws UnknownHostException {
        assertThat(AddressGuard.internalRange(embed("IPv4-mapped", "8.8.8.8"))).isEmpty();
    }

    static Stream<Arguments> refusedIpv4InEveryIpv6Form() {
        List<String[]> v4 = List.of(new String[]{"127.0.0.1", "loopback"}, new String[]{"10.1.2.3", "private"},
                new String[]{"172.16.5.4", "private"}, new String[]{"192.168.1.1", "private"},
                new String[]{"169.254.169.254", "link-local (cloud metadata)"}, new String[]{"100.64.0.1", "CGNAT"},
                new String[]{"224.0.0.1", "multicast"}, new String[]{"255.255.255.255", "broadcast"},
                new String[]{"240.1.1.1", "reserved (240/4)"}, new String[]{"0.0.0.9", "this-network (0/8)"});
        List<String> forms = List.of("IPv4-mapped", "IPv4-compatible", "IPv4-translated", "NAT64", "NAT64-local",
                "6to4", "Teredo");
        return v4.stream().flatMap(a -> forms.stream().map(f -> Arguments.of(f, a[0], a[1])));
    }

    @ParameterizedTest(name = "{0} of {1}")
    @MethodSource("refusedIpv4InEveryIpv6Form")
    void refusesEveryIpv6FormOfARefusedIpv4(String form, String v4, String range) throws UnknownHostException {
        InetAddress address = embed(form, v4);
        assertThat(address).isInstanceOf(Inet6Address.class);
        String prefix = form.equals("NAT64-local") ? "NAT64" : form;
        assertThat(AddressGuard.internalRange(address)).contains(prefix + " of " + range);
        assertThat(STRICT.refusal("x.test", address, 80)).hasValueSatisfying(r -> assertThat(r).endsWith(" is "
                + prefix + " of " + range));
    }

    @Test
    void textualMappedFormsCollapseToIpv4AndAreStillRefused() {
        InetAddress collapsed = ip("::ffff:169.254.169.254");
        assertThat(collapsed).isInstanceOf(Inet4Address.class);
        assertThat(AddressGuard.internalRange(collapsed)).contains("link-local (cloud metadata)");
        assertThat(AddressGuard.internalRange(ip("64:ff9b::a00:1"))).contains("NAT64 of private");
        assertThat(AddressGuard.internalRange(ip("2002:7f00:1::1"))).contains("6to4 of loopback");
        // Teredo: the client 127.0.0.1 is stored inverted in the last 32 bits
        assertThat(AddressGuard.internalRange(ip("2001:0:4136:e378:8000:63bf:80ff:fffe"))).contains("Teredo of loopback");
    }

    @Test
    void allowlistedHostPortPermitsThatAddressOnThatPortOnly() {
        AddressGuard guard = new AddressGuard(List.of(AllowlistEntry.parse("127.0.0.1:8080")));
        assertThat(guard.refusal("127.0.0.1", ip("127.0.0.1"), 8080)).isEmpty();
        assertThat(guard.refusal("evil.test", ip("127.0.0.1"), 8080)).as("the entry names the address").isEmpty();
        assertThat(guard.refusal("127.0.0.1", ip("127.0.0.1"), 8081)).contains("127.0.0.1 is loopback");
        assertThat(guard.refusal("127.0.0.2", ip("127.0.0.2"), 8080)).contains("127.0.0.2 is loopback");
        assertThat(guard.refusal("127.0.0.1", ip("127.0.0.1"), -1)).as("port unknown").isPresent();
        assertThat(guard.refusal("x", ip("10.0.0.1"), 8080)).contains("10.0.0.1 is private");
    }

    @Test
    void allowlistedNamePermitsWhatItResolvesToOnThatPort() {
        AddressGuard guard = new AddressGuard(List.of(AllowlistEntry.parse("Hooks.Internal:443")));
        assertThat(guard.refusal("hooks.internal", ip("10.0.0.5"), 443)).isEmpty();
        assertThat(guard.refusal("HOOKS.INTERNAL.", ip("10.0.0.5"), 443)).isEmpty();
        assertThat(guard.refusal("other.internal", ip("10.0.0.5"), 443)).contains("10.0.0.5 is private");
        assertThat(guard.refusal("hooks.internal", ip("10.0.0.5"), 80)).contains("10.0.0.5 is private");
    }

    @Test
    void allowlistedCidrPermitsEveryPortInTheBlock() {
        AddressGuard guard = new AddressGuard(List.of(AllowlistEntry.parse("10.20.0.0/16"),
                AllowlistEntry.parse("fd00:1::/64"), AllowlistEntry.parse("::1")));
        assertThat(guard.refusal("a", ip("10.20.1.1"), 1)).isEmpty();
        assertThat(guard.refusal("a", ip("10.20.255.255"), -1)).isEmpty();
        assertThat(guard.refusal("a", ip("10.21.0.1"), 80)).contains("10.21.0.1 is private");
        assertThat(guard.refusal("a", ip("fd00:1::abcd"), 443)).isEmpty();
        assertThat(guard.refusal("a", ip("fd00:2::1"), 443)).hasValueSatisfying(r -> assertThat(r).endsWith("is private"));
        assertThat(guard.refusal("a", ip("::1"), 9)).isEmpty();
        assertThat(guard.refusal("a", ip("127.0.0.1"), 9)).as("an IPv6 entry never matches IPv4").isPresent();
    }

    @Test
    void allowlistNeverNeedsToPermitPublicAddresses() {
        AddressGuard guard = new AddressGuard(List.of(AllowlistEntry.parse("127.0.0.1:1")));
        assertThat(guard.refusal("dns.google", ip("8.8.8.8"), 443)).isEmpty();
    }

    static InetAddress ip(String literal) {
        return IpLiteral.parse(literal).orElseThrow(() -> new IllegalArgumentException("not a literal: " + literal));
    }

    /** {@code v4} in the IPv6 {@code form}, built byte by byte so Java does not collapse it to IPv4. */
    static InetAddress embed(String form, String v4) throws UnknownHostException {
        byte[] a = ip(v4).getAddress();
        byte[] b = new byte[16];
        switch (form) {
            case "IPv4-mapped" -> { b[10] = (byte) 0xFF; b[11] = (byte) 0xFF; System.arraycopy(a, 0, b, 12, 4); }
            case "IPv4-compatible" -> System.arraycopy(a, 0, b, 12, 4);
            case "IPv4-translated" -> { b[8] = (byte) 0xFF; b[9] = (byte) 0xFF; System.arraycopy(a, 0, b, 12, 4); }
            case "NAT64" -> { b[1] = 0x64; b[2] = (byte) 0xFF; b[3] = (byte) 0x9B; System.arraycopy(a, 0, b, 12, 4); }
            case "NAT64-local" -> {
                b[1] = 0x64; b[2] = (byte) 0xFF; b[3] = (byte) 0x9B; b[5] = 1; System.arraycopy(a, 0, b, 12, 4);
            }
            case "6to4" -> { b[0] = 0x20; b[1] = 0x02; System.arraycopy(a, 0, b, 2, 4); b[15] = 1; }
            case "Teredo" -> {
                b[0] = 0x20; b[1] = 0x01; b[4] = 0x41; b[5] = 0x36; b[6] = (byte) 0xE3; b[7] = 0x78;
                for (int i = 0; i < 4; i++) {
                    b[12 + i] = (byte) ~a[i];
                }
            }
            default -> throw new IllegalArgumentException(form);
        }
        return Inet6Address.getByAddress(null, b, -1);
    }

    @Test
    void theHostsOwnPublicAddressIsRefusedUnlessAllowlisted() throws UnknownHostException {
        InetAddress mine = InetAddress.getByName("93.184.216.34");
        AddressGuard guard = new AddressGuard(java.util.List.of(), java.util.List.of(mine));
        org.assertj.core.api.Assertions.assertThat(guard.refusal("example.com", mine, 443)).contains("93.184.216.34 is this host's own address");
        org.assertj.core.api.Assertions.assertThat(guard.refusal("example.com", InetAddress.getByName("93.184.216.35"), 443)).isEmpty();
        AddressGuard allowed = new AddressGuard(java.util.List.of(AllowlistEntry.parse("93.184.216.34")), java.util.List.of(mine));
        org.assertj.core.api.Assertions.assertThat(allowed.refusal("example.com", mine, 443)).isEmpty();
        // the default guard reads the interfaces of the machine it runs on
        AddressGuard real = new AddressGuard(java.util.List.of());
        for (InetAddress own : AddressGuard.interfaceAddresses()) {
            org.assertj.core.api.Assertions.assertThat(real.refusal(null, own, 80)).as(own.getHostAddress()).isPresent();
        }
    }
}
