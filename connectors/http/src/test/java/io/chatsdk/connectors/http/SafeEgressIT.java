package io.chatsdk.connectors.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** SafeEgress against a real HTTP receiver on 127.0.0.1. */
class SafeEgressIT {
    private final List<String> heard = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger rebindLookups = new AtomicInteger();
    private final EgressListener listener = (url, reason) -> heard.add(url + " -> " + reason);
    private TestReceiver receiver;
    private SafeEgress egress;

    @BeforeEach
    void start() throws IOException {
        receiver = new TestReceiver();
    }

    @AfterEach
    void stop() {
        if (egress != null) {
            egress.close();
        }
        receiver.close();
    }

    private SafeEgress egress(EgressPolicy.Builder policy) {
        egress = SafeEgress.builder().policy(policy.build()).listener(listener)
                .resolver(host -> switch (host) {
                    case "evil.test" -> new InetAddress[]{AddressGuardTest.ip("127.0.0.1")};
                    case "mixed.test" -> new InetAddress[]{AddressGuardTest.ip("93.184.216.34"),
                            AddressGuardTest.ip("10.0.0.1")};
                    // answers 127.0.0.1 first and the metadata address after: a rebinding attack
                    case "rebind.test" -> new InetAddress[]{AddressGuardTest.ip(
                            rebindLookups.getAndIncrement() == 0 ? "127.0.0.1" : "169.254.169.254")};
                    case "localhost" -> GuardedDnsResolver.systemLookup(host);
                    default -> throw new AssertionError("unexpected lookup of " + host);
                })
                .build();
        return egress;
    }

    private EgressPolicy.Builder allowingReceiver() {
        return EgressPolicy.builder().allow("127.0.0.1:" + receiver.port());
    }

    private URI redirect(int status, String to) {
        return receiver.url("/redirect?status=" + status + "&to=" + URLEncoder.encode(to, StandardCharsets.UTF_8));
    }

    @Test
    void loopbackIsRefusedWithoutTheAllowlistAndTheListenerHearsIt() {
        URI hook = receiver.url("/hook");
        EgressRefusedException e = catchThrowableOfType(EgressRefusedException.class,
                () -> egress(EgressPolicy.builder()).post(hook, Map.of(), "{}".getBytes(StandardCharsets.UTF_8)));
        assertThat(e.reason()).isEqualTo("127.0.0.1 is loopback");
        assertThat(e).hasMessageContaining("127.0.0.1 is loopback");
        assertThat(e.url()).isEqualTo(hook);
        assertThat(heard).containsExactly(hook + " -> 127.0.0.1 is loopback");
        assertThat(receiver.received).isEmpty();
    }

    @Test
    void allowlistedReceiverGetsTheExactBodyAndHeaders() throws InterruptedException {
        byte[] body = "{\"type\":\"message.new\",\"text\":\"h\u00e9llo\"}".getBytes(StandardCharsets.UTF_8);
        EgressResponse r = egress(allowingReceiver()).post(receiver.url("/hook"),
                Map.of("Content-Type", "application/json", "X-ChatSDK-Signature", "sha256=abc123"), body);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("ok");
        assertThat(r.truncated()).isFalse();
        assertThat(r.finalUrl()).isEqualTo(receiver.url("/hook"));
        assertThat(r.hops()).containsExactly(receiver.url("/hook"));
        TestReceiver.Received got = receiver.received.poll(5, TimeUnit.SECONDS);
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.body()).isEqualTo(body);
        assertThat(got.header("Content-Type")).isEqualTo("application/json");
        assertThat(got.header("X-ChatSDK-Signature")).isEqualTo("sha256=abc123");
        assertThat(got.header("User-Agent")).isEqualTo("ChatSDK");
        assertThat(heard).isEmpty();
    }

    @Test
    void aNameResolvingToLoopbackIsRefused() {
        URI evil = URI.create("http://evil.test:" + receiver.port() + "/hook");
        assertThatThrownBy(() -> egress(EgressPolicy.builder()).post(evil, Map.of(), new byte[0]))
                .isInstanceOfSatisfying(EgressRefusedException.class, e -> assertThat(e.reason())
                        .isEqualTo("127.0.0.1 is loopback (resolved from evil.test)"));
        assertThat(heard).containsExactly(evil + " -> 127.0.0.1 is loopback (resolved from evil.test)");
        assertThat(receiver.received).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://[::1]:PORT/hook", "http://[::ffff:127.0.0.1]:PORT/hook",
            "http://[::ffff:7f00:1]:PORT/hook", "http://localhost:PORT/hook", "http://LOCALHOST.:PORT/hook",
            "http://127.1:PORT/hook", "http://2130706433:PORT/hook", "http://0x7f000001:PORT/hook",
            "http://0177.0.0.1:PORT/hook", "http://[0:0:0:0:0:0:0:1]:PORT/hook", "http://0.0.0.0:PORT/hook"})
    void otherSpellingsOfLoopbackAreRefused(String template) {
        URI url = URI.create(template.replace("PORT", Integer.toString(receiver.port())));
        assertThatThrownBy(() -> egress(EgressPolicy.builder()).post(url, Map.of(), new byte[0]))
                .isInstanceOf(EgressRefusedException.class);
        assertThat(heard).hasSize(1);
        assertThat(receiver.received).isEmpty();
    }

    @Test
    void theConnectionUsesTheCheckedAnswerWithoutASecondLookup() throws InterruptedException {
        URI url = URI.create("http://rebind.test:" + receiver.port() + "/hook");
        EgressResponse r = egress(allowingReceiver()).post(url, Map.of(), "x".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(200);
        assertThat(rebindLookups).as("one lookup, checked and connected to").hasValue(1);
        assertThat(receiver.received.poll(5, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void oneRefusedAddressAmongSeveralRefusesTheHostWithoutFallback() {
        URI mixed = URI.create("http://mixed.test/hook");
        assertThatThrownBy(() -> egress(EgressPolicy.builder()).post(mixed, Map.of(), new byte[0]))
                .isInstanceOfSatisfying(EgressRefusedException.class, e -> assertThat(e.reason())
                        .isEqualTo("10.0.0.1 is private (resolved from mixed.test)"));
        assertThat(heard).hasSize(1);
    }

    @Test
    void aRedirectToTheMetadataServiceIsRefusedAtTheHop() {
        URI start = redirect(302, "http://169.254.169.254/latest/meta-data");
        long t0 = System.nanoTime();
        EgressRefusedException e = catchThrowableOfType(EgressRefusedException.class,
                () -> egress(allowingReceiver()).post(start, Map.of(), new byte[0]));
        // refused before any connection: a connect attempt would fail with EgressFailedException after 2 s
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(e.reason()).isEqualTo("169.254.169.254 is link-local (cloud metadata)");
        assertThat(e.url()).isEqualTo(URI.create("http://169.254.169.254/latest/meta-data"));
        assertThat(heard).containsExactly("http://169.254.169.254/latest/meta-data -> " + e.reason());
        assertThat(receiver.received).hasSize(1);
    }

    @Test
    void aRedirectToAnotherAllowlistedPathIsFollowedKeepingThePostOn307() throws InterruptedException {
        URI start = redirect(307, "/hook");
        EgressResponse r = egress(allowingReceiver()).post(start, Map.of("Content-Type", "text/plain"),
                "body".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.finalUrl()).isEqualTo(receiver.url("/hook"));
        assertThat(r.hops()).containsExactly(start, receiver.url("/hook"));
        receiver.received.poll(5, TimeUnit.SECONDS);
        TestReceiver.Received hook = receiver.received.poll(5, TimeUnit.SECONDS);
        assertThat(hook.method()).isEqualTo("POST");
        assertThat(new String(hook.body(), StandardCharsets.UTF_8)).isEqualTo("body");
    }

    @Test
    void a303ContinuesWithAGetWithoutTheBody() throws InterruptedException {
        EgressResponse r = egress(allowingReceiver()).post(redirect(303, "/hook"),
                Map.of("Content-Type", "text/plain"), "body".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(200);
        receiver.received.poll(5, TimeUnit.SECONDS);
        TestReceiver.Received hook = receiver.received.poll(5, TimeUnit.SECONDS);
        assertThat(hook.method()).isEqualTo("GET");
        assertThat(hook.body()).isEmpty();
        assertThat(hook.header("Content-Type")).isNull();
    }

    @Test
    void credentialsDoNotFollowARedirectToAnotherOrigin() throws Exception {
        try (TestReceiver other = new TestReceiver()) {
            egress(allowingReceiver().allow("127.0.0.1:" + other.port()));
            EgressResponse r = egress.post(redirect(307, other.url("/hook").toString()),
                    Map.of("Authorization", "Bearer secret", "X-Signature", "sha256=1", "X-Api-Key", "key1", "X-Webhook-Id", "w1"), new byte[]{1});
            assertThat(r.finalUrl()).isEqualTo(other.url("/hook"));
            TestReceiver.Received got = other.received.poll(5, TimeUnit.SECONDS);
            assertThat(got.header("Authorization")).isNull();
            // a webhook's signature and API key vouch for the sender: they stay with the origin the app configured
            assertThat(got.header("X-Signature")).isNull();
            assertThat(got.header("X-Api-Key")).isNull();
            assertThat(got.header("X-Webhook-Id")).isEqualTo("w1");
        }
    }

    @Test
    void tooManyRedirectsFail() {
        EgressFailedException e = catchThrowableOfType(EgressFailedException.class,
                () -> egress(allowingReceiver().maxRedirects(2)).get(receiver.url("/loop"), Map.of()));
        assertThat(e).hasMessageContaining("too many redirects").hasMessageContaining("more than 2");
        assertThat(e.retryable()).isFalse();
        assertThat(receiver.received).hasSize(3);
    }

    @Test
    void aSlowServerFailsWithTheResponseTimeout() {
        SafeEgress slow = egress(allowingReceiver().responseTimeout(Duration.ofMillis(300)));
        long t0 = System.nanoTime();
        EgressFailedException e = catchThrowableOfType(EgressFailedException.class,
                () -> slow.post(receiver.url("/slow"), Map.of(), new byte[0]));
        assertThat(e).hasMessage("no response from http://127.0.0.1:" + receiver.port() + " within 300 ms");
        assertThat(e.retryable()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aDripFeedingServerHitsTheHardDeadline() {
        // a byte every 100 ms never trips the 1 s read timeout; the 1.2 s deadline per exchange ends it
        SafeEgress slow = egress(allowingReceiver().connectTimeout(Duration.ofMillis(200))
                .responseTimeout(Duration.ofSeconds(1)));
        long t0 = System.nanoTime();
        EgressFailedException e = catchThrowableOfType(EgressFailedException.class,
                () -> slow.get(receiver.url("/drip"), Map.of()));
        assertThat(e).hasMessageContaining("did not complete within 1200 ms");
        assertThat(e.retryable()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aHugeBodyIsTruncatedToTheLimitAndTheClientStaysUsable() {
        SafeEgress client = egress(allowingReceiver());
        long t0 = System.nanoTime();
        EgressResponse r = client.get(receiver.url("/huge"), Map.of());
        assertThat(r.bodyPrefix()).hasSize(64 * 1024);
        assertThat(r.truncated()).isTrue();
        assertThat(r.toString()).contains("65536 bytes (truncated)").doesNotContain("xxx");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        assertThat(client.post(receiver.url("/hook"), Map.of(), new byte[0]).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1/x", "file:///etc/passwd", "http://user:pw@127.0.0.1:PORT/hook",
            "http://user@127.0.0.1:PORT/hook"})
    void otherSchemesAndUserinfoAreRefusedEvenWhenAllowlisted(String template) {
        URI url = URI.create(template.replace("PORT", Integer.toString(receiver.port())));
        assertThatThrownBy(() -> egress(allowingReceiver()).post(url, Map.of(), new byte[0]))
                .isInstanceOfSatisfying(EgressRefusedException.class, e -> assertThat(e.reason())
                        .containsAnyOf("scheme", "userinfo"));
        assertThat(heard).hasSize(1).allSatisfy(h -> assertThat(h).startsWith(url + " -> "));
        assertThat(receiver.received).isEmpty();
    }

    @Test
    void aClosedPortFailsRetryably() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        EgressFailedException e = catchThrowableOfType(EgressFailedException.class,
                () -> egress(EgressPolicy.builder().allow("127.0.0.0/8"))
                        .post(URI.create("http://127.0.0.1:" + port + "/hook"), Map.of(), new byte[0]));
        assertThat(e).hasMessageStartingWith("cannot connect to http://127.0.0.1:" + port);
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void aFailingListenerDoesNotMaskTheRefusal() {
        egress = SafeEgress.builder().listener((url, reason) -> {
            throw new IllegalStateException("audit down");
        }).build();
        assertThatThrownBy(() -> egress.post(receiver.url("/hook"), Map.of(), new byte[0]))
                .isInstanceOf(EgressRefusedException.class);
    }

    @Test
    void aClosedEgressRefusesToWork() {
        SafeEgress e = egress(allowingReceiver());
        e.close();
        assertThatThrownBy(() -> e.get(receiver.url("/hook"), Map.of())).isInstanceOf(IllegalStateException.class);
    }
}
