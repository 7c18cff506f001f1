package io.chatsdk.connectors.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EgressPolicyTest {

    @Test
    void defaults() {
        EgressPolicy p = EgressPolicy.DEFAULT;
        assertThat(p.allowlist()).isEmpty();
        assertThat(p.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.responseTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.maxRedirects()).isEqualTo(3);
        assertThat(p.maxResponseBytes()).isEqualTo(64 * 1024);
        assertThat(p.allowedSchemes()).containsExactlyInAnyOrder("http", "https");
    }

    @Test
    void builderSetsEveryField() {
        EgressPolicy p = EgressPolicy.builder().allow("127.0.0.1:8080").allow("10.0.0.0/8")
                .connectTimeout(Duration.ofMillis(500)).responseTimeout(Duration.ofSeconds(1)).maxRedirects(0)
                .maxResponseBytes(10).allowedSchemes("HTTPS").build();
        assertThat(p.allowlist()).containsExactly(new AllowlistEntry.HostPort("127.0.0.1", 8080),
                AllowlistEntry.parse("10.0.0.0/8"));
        assertThat(p.allowedSchemes()).containsExactly("https");
        assertThat(p.maxRedirects()).isZero();
    }

    @Test
    void allowOriginPermitsExactlyTheUrlsHostAndPort() throws Exception {
        EgressPolicy p = EgressPolicy.builder().allowOrigin(java.net.URI.create("http://models.internal:8000/v1"))
                .allowOrigin(java.net.URI.create("https://10.0.0.7/api")).allowOrigin(java.net.URI.create("http://[fd00::7]/v1")).build();
        assertThat(p.allowlist()).containsExactly(new AllowlistEntry.HostPort("models.internal", 8000),
                new AllowlistEntry.HostPort("10.0.0.7", 443), new AllowlistEntry.HostPort("fd00::7", 80));
        assertThat(p.allowlist().get(1).permits("10.0.0.7", java.net.InetAddress.getByAddress(new byte[]{10, 0, 0, 7}), 443)).isTrue();
        assertThat(p.allowlist().get(1).permits("10.0.0.7", java.net.InetAddress.getByAddress(new byte[]{10, 0, 0, 7}), 22)).isFalse();
        assertThat(p.allowlist().get(1).permits("10.0.0.8", java.net.InetAddress.getByAddress(new byte[]{10, 0, 0, 8}), 443)).isFalse();
        assertThatThrownBy(() -> EgressPolicy.builder().allowOrigin(java.net.URI.create("ftp://models.internal/")))
                .hasMessageStartingWith("allowlist[0]");
        assertThatThrownBy(() -> EgressPolicy.builder().allowOrigin(java.net.URI.create("models.internal:8000")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void validationErrorsNameTheField() {
        assertThatThrownBy(() -> EgressPolicy.builder().connectTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("connectTimeout");
        assertThatThrownBy(() -> EgressPolicy.builder().responseTimeout(Duration.ofHours(1)))
                .hasMessageStartingWith("responseTimeout");
        assertThatThrownBy(() -> EgressPolicy.builder().maxRedirects(-1)).hasMessageStartingWith("maxRedirects");
        assertThatThrownBy(() -> EgressPolicy.builder().maxResponseBytes(-1))
                .hasMessageStartingWith("maxResponseBytes");
        assertThatThrownBy(() -> EgressPolicy.builder().allowedSchemes("ftp"))
                .hasMessageContaining("allowedSchemes").hasMessageContaining("ftp");
        assertThatThrownBy(() -> EgressPolicy.builder().allowedSchemes()).hasMessageStartingWith("allowedSchemes");
        assertThatThrownBy(() -> EgressPolicy.builder().allow("127.0.0.1:1").allow("localhost"))
                .hasMessageStartingWith("allowlist[1]").hasMessageContaining("'localhost'");
        assertThatThrownBy(() -> new EgressPolicy(List.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), 3, 1,
                Set.of("gopher"))).hasMessageContaining("allowedSchemes");
    }

    @Test
    void allowlistEntryForms() {
        assertThat(AllowlistEntry.parse("[::1]:8080")).isEqualTo(new AllowlistEntry.HostPort("::1", 8080));
        assertThat(AllowlistEntry.parse("Hooks.Internal:443")).isEqualTo(new AllowlistEntry.HostPort("hooks.internal", 443));
        assertThat(AllowlistEntry.parse("10.1.2.3")).hasToString("10.1.2.3/32");
        assertThat(AllowlistEntry.parse("::1")).isInstanceOf(AllowlistEntry.Cidr.class);
        assertThat(AllowlistEntry.parse("fd00:1::/64")).hasToString("fd00:1:0:0:0:0:0:0/64");
    }

    @Test
    void allowlistEntryErrorsNameTheEntryAndProblem() {
        assertThatThrownBy(() -> AllowlistEntry.parse("localhost")).hasMessageContaining("'localhost'");
        assertThatThrownBy(() -> AllowlistEntry.parse("10.0.0.1/8")).hasMessageContaining("host bits");
        assertThatThrownBy(() -> AllowlistEntry.parse("10.0.0.0/33")).hasMessageContaining("prefix length must be 0..32");
        assertThatThrownBy(() -> AllowlistEntry.parse("example.com/8")).hasMessageContaining("is not an IP address");
        assertThatThrownBy(() -> AllowlistEntry.parse("example.com:99999")).hasMessageContaining("port must be 1..65535");
        assertThatThrownBy(() -> AllowlistEntry.parse("example.com:http")).hasMessageContaining("port is not a number");
        assertThatThrownBy(() -> AllowlistEntry.parse("[::1]")).isInstanceOf(IllegalArgumentException.class);
    }
}
