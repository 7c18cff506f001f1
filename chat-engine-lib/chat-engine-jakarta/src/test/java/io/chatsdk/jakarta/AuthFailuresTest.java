package io.chatsdk.jakarta;

import io.chatsdk.engine.audit.AuditEntry;
import io.chatsdk.engine.types.AppId;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue #14 item 2: failed authentications are counted into a few records, and an address that floods is refused. */
class AuthFailuresTest {
    final List<AuditEntry> written = new CopyOnWriteArrayList<>();

    AuthFailures failures(int perMinute) {
        // a long window: the test flushes by hand
        return new AuthFailures(new ChatApiSettings.AuthFailurePolicy(perMinute, Duration.ofMinutes(10), Set.of()), Clock.systemUTC(), written::add);
    }

    static long count(AuditEntry e) {
        return Long.parseLong(e.details().get("count"));
    }

    @Test
    void aWindowsFailuresBecomeOneRecordPerAddressAppActionAndReason() {
        AppId app = AppId.parse("00000000-0000-0000-0000-0000000000a1");
        try (AuthFailures f = failures(1_000)) {
            for (int i = 0; i < 500; i++) {
                f.failed("203.0.113.5", app, "auth.rejected", "token_invalid", "curl/8", Map.of("api_key", "k1"));
            }
            f.failed("203.0.113.5", app, "auth.rejected", "token_expired", "curl/8", Map.of());
            f.failed("198.51.100.1", null, "auth.connect", "api_key_unknown", null, Map.of());
            f.flush();
            assertThat(written).hasSize(3);
            AuditEntry forged = written.stream().filter(e -> "token_invalid".equals(e.reason())).findFirst().orElseThrow();
            assertThat(forged.app()).isEqualTo(app);
            assertThat(forged.ip()).isEqualTo("203.0.113.5");
            assertThat(forged.success()).isFalse();
            assertThat(forged.actorType()).isEqualTo("anonymous");
            assertThat(forged.details()).containsEntry("api_key", "k1").containsKeys("first_at", "last_at");
            assertThat(count(forged)).isEqualTo(500);
            assertThat(written.stream().filter(e -> e.app() == null).map(AuditEntry::action)).containsExactly("auth.connect");
            written.clear();
            f.flush();
            assertThat(written).as("a window without failures writes nothing").isEmpty();
        }
    }

    @Test
    void aFloodFromManyAddressesAddsABoundedNumberOfRecordsToAChain() {
        AppId app = AppId.parse("00000000-0000-0000-0000-0000000000a2");
        try (AuthFailures f = failures(1_000)) {
            for (int i = 0; i < 10_000; i++) {
                f.failed("10.0." + (i / 250) + "." + (i % 250), app, "auth.rejected", "token_invalid", null, Map.of());
            }
            f.flush();
            assertThat(written).hasSize(AuthFailures.PER_CHAIN + 1);
            assertThat(written.stream().mapToLong(AuthFailuresTest::count).sum()).as("every failure is counted").isEqualTo(10_000);
            AuditEntry overflow = written.stream().filter(e -> "overflow".equals(e.reason())).findFirst().orElseThrow();
            assertThat(overflow.ip()).isNull();
            assertThat(count(overflow)).isEqualTo(10_000 - AuthFailures.PER_CHAIN);
        }
    }

    @Test
    void anAddressThatSpentItsBudgetIsRefusedAndOthersAreNot() {
        try (AuthFailures f = failures(20)) {
            for (int i = 0; i < 20; i++) {
                assertThat(f.allowed("192.0.2.1")).isTrue();
                f.failed("192.0.2.1", null, "auth.rejected", "token_invalid", null, Map.of());
            }
            assertThat(f.allowed("192.0.2.1")).isFalse();
            assertThat(f.allowed("192.0.2.2")).isTrue();
            assertThat(f.allowed(null)).isTrue();
            // refusals are counted, and do not push the address further into debt
            f.failed("192.0.2.1", null, "auth.rejected", "too_many_auth_failures", null, Map.of());
            f.flush();
            assertThat(written).extracting(AuditEntry::reason).containsExactlyInAnyOrder("token_invalid", "too_many_auth_failures");
        }
    }

    @Test
    void theClientAddressIsBelievedFromTrustedProxiesOnly() {
        Set<String> proxies = new ChatApiSettings.AuthFailurePolicy(1, Duration.ofSeconds(1), Set.of("10.0.0.1", "0:0:0:0:0:0:0:1")).trustedProxies();
        assertThat(AuthFailures.clientAddress("203.0.113.9", "1.2.3.4", proxies)).as("not a proxy: its header is the client's word").isEqualTo("203.0.113.9");
        assertThat(AuthFailures.clientAddress("10.0.0.1", "1.2.3.4, 198.51.100.7", proxies)).isEqualTo("198.51.100.7");
        assertThat(AuthFailures.clientAddress("10.0.0.1", "198.51.100.7, 10.0.0.1", proxies)).isEqualTo("198.51.100.7");
        assertThat(AuthFailures.clientAddress("::1", "198.51.100.8", proxies)).as("IPv6 literals compare canonically").isEqualTo("198.51.100.8");
        assertThat(AuthFailures.clientAddress("10.0.0.1", "evil<script>", proxies)).isEqualTo("10.0.0.1");
        assertThat(AuthFailures.clientAddress("10.0.0.1", null, proxies)).isEqualTo("10.0.0.1");
        assertThat(AuthFailures.clientAddress("10.0.0.1", "1.2.3.4", Set.of())).isEqualTo("10.0.0.1");
        assertThatThrownBy(() -> new ChatApiSettings.AuthFailurePolicy(1, Duration.ofSeconds(1), Set.of("proxy.example.com")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IP address");
    }
}
