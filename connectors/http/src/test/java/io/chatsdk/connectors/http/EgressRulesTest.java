package io.chatsdk.connectors.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EgressRulesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ftp://example.com/x|scheme 'ftp' is not allowed (allowed: http, https)",
            "file:///etc/passwd|scheme 'file' is not allowed (allowed: http, https)",
            "gopher://127.0.0.1:70/_x|scheme 'gopher' is not allowed (allowed: http, https)",
            "mailto:a@example.com|scheme 'mailto' is not allowed (allowed: http, https)",
            "/relative/path|URL has no scheme",
            "http://user:secret@example.com/|URL carries userinfo (credentials in the URL are not allowed)",
            "http://user@example.com/|URL carries userinfo (credentials in the URL are not allowed)",
            "http:///path|URL has no valid host",
            "http://exa_mple.com/|URL has no valid host",
            "http://example.com:0/|port 0 is not allowed",
            "http://2130706433/|host '2130706433' is not a canonical IPv4 address (octal, hex, short or out of range)",
            "http://0x7f000001/|host '0x7f000001' is not a canonical IPv4 address (octal, hex, short or out of range)",
            "http://0177.0.0.1/|host '0177.0.0.1' is not a canonical IPv4 address (octal, hex, short or out of range)",
            "http://127.1/|URL has no valid host"})
    void refusesBadUrls(String url, String reason) {
        assertThat(EgressRules.refusal(URI.create(url), EgressPolicy.DEFAULT)).contains(reason);
    }

    @Test
    void acceptsHttpAndHttpsAndHonoursAnHttpsOnlyPolicy() {
        assertThat(EgressRules.refusal(URI.create("HTTPS://Example.com/x?y#z"), EgressPolicy.DEFAULT)).isEmpty();
        assertThat(EgressRules.refusal(URI.create("http://[::1]:8080/"), EgressPolicy.DEFAULT)).isEmpty();
        EgressPolicy httpsOnly = EgressPolicy.builder().allowedSchemes("https").build();
        assertThat(EgressRules.refusal(URI.create("http://example.com/"), httpsOnly))
                .contains("scheme 'http' is not allowed (allowed: https)");
    }

    @Test
    void rejectsHeadersTheClientOwnsAndInjection() {
        assertThatThrownBy(() -> EgressRules.checkHeaders(Map.of("Host", "169.254.169.254")))
                .hasMessage("header Host is set by the client and may not be given");
        assertThatThrownBy(() -> EgressRules.checkHeaders(Map.of("content-length", "5")))
                .hasMessageContaining("content-length");
        assertThatThrownBy(() -> EgressRules.checkHeaders(Map.of("X-A", "a\r\nHost: evil")))
                .hasMessage("value of header X-A contains CR, LF or NUL");
        assertThatThrownBy(() -> EgressRules.checkHeaders(Map.of("Bad Name", "v")))
                .hasMessageContaining("not a valid HTTP token");
        assertThat(EgressRules.checkHeaders(null)).isEmpty();
        assertThat(EgressRules.checkHeaders(Map.of("X-ChatSDK-Signature", "sha256=ab"))).hasSize(1);
    }

    @Test
    void redirectTargetsResolveRelativeLocationsAndDropFragments() throws Exception {
        URI base = URI.create("http://127.0.0.1:8080/a/b?q=1");
        assertThat(EgressRules.redirectTarget(base, "/hook")).isEqualTo(URI.create("http://127.0.0.1:8080/hook"));
        assertThat(EgressRules.redirectTarget(base, "c")).isEqualTo(URI.create("http://127.0.0.1:8080/a/c"));
        assertThat(EgressRules.redirectTarget(base, "//169.254.169.254/latest"))
                .isEqualTo(URI.create("http://169.254.169.254/latest"));
        assertThat(EgressRules.redirectTarget(base, "https://x.test/p%20q#frag"))
                .isEqualTo(URI.create("https://x.test/p%20q"));
        assertThatThrownBy(() -> EgressRules.redirectTarget(base, "http://a b/"))
                .isInstanceOf(java.net.URISyntaxException.class);
    }

    @Test
    void credentialsStayWithTheOriginAndBodyHeadersWithTheBody() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Authorization", "Bearer t");
        h.put("Cookie", "c=1");
        h.put("Content-Type", "application/json");
        h.put("X-ChatSDK-Signature", "sha256=ab");
        h.put("X-Api-Key", "k");
        h.put("X-Access-Token", "t");
        h.put("X-Webhook-Id", "w1");
        assertThat(EgressRules.headersForHop(h, true, true)).isEqualTo(h);
        // signatures, API keys and tokens vouch for the sender: another origin gets none of them
        assertThat(EgressRules.headersForHop(h, false, true)).containsOnlyKeys("Content-Type", "X-Webhook-Id");
        assertThat(EgressRules.headersForHop(h, true, false)).containsOnlyKeys("Authorization", "Cookie",
                "X-ChatSDK-Signature", "X-Api-Key", "X-Access-Token", "X-Webhook-Id");
    }

    @Test
    void originsAndDowngrades() {
        assertThat(EgressRules.sameOrigin(URI.create("http://A.test/x"), URI.create("http://a.test:80/y"))).isTrue();
        assertThat(EgressRules.sameOrigin(URI.create("http://a.test/"), URI.create("https://a.test/"))).isFalse();
        assertThat(EgressRules.sameOrigin(URI.create("http://a.test:81/"), URI.create("http://a.test/"))).isFalse();
        assertThat(EgressRules.downgrades(URI.create("https://a.test/"), URI.create("http://a.test/"))).isTrue();
        assertThat(EgressRules.downgrades(URI.create("http://a.test/"), URI.create("https://a.test/"))).isFalse();
        assertThat(EgressRules.keepsMethod(307, "POST")).isTrue();
        assertThat(EgressRules.keepsMethod(308, "POST")).isTrue();
        assertThat(EgressRules.keepsMethod(302, "POST")).isFalse();
        assertThat(EgressRules.keepsMethod(303, "POST")).isFalse();
        assertThat(EgressRules.keepsMethod(301, "GET")).isTrue();
    }

    @Test
    void exceptionMessagesNameTheOriginNotThePathOrQuery() {
        EgressRefusedException e = new EgressRefusedException(
                URI.create("http://127.0.0.1:9/hook/secret-token?sig=abc"), "127.0.0.1 is loopback");
        assertThat(e).hasMessage("refused egress to http://127.0.0.1:9: 127.0.0.1 is loopback");
        assertThat(e.reason()).isEqualTo("127.0.0.1 is loopback");
        assertThat(e.url().getPath()).isEqualTo("/hook/secret-token");
    }
}
