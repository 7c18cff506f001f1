package io.chatsdk.jakarta;

import io.chatsdk.engine.model.App;
import io.chatsdk.engine.types.AppId;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes token verification: any string is verified as a token of the app, or refused with a 401 problem code;
 * nothing else may escape (issue #14). The seeds ({@code TokenFuzzTestInputs/}) include tokens signed with this test's
 * secret, so mutations reach the claim checks behind the signature.
 */
class TokenFuzzTest {
    static final String SECRET = "fuzz-secret-0123456789abcdef0123456789abcdef";
    private static final App APP = new App(AppId.parse("00000000-0000-0000-0000-00000000f022"), "fuzz", "fuzz-key", Map.of(), false, null,
            Instant.EPOCH, Instant.EPOCH, null);
    private static final AppDirectory.Entry ENTRY = new AppDirectory.Entry(APP, SECRET, null, Instant.now());
    private static final TokenVerifier VERIFIER = new TokenVerifier(Duration.ofSeconds(5));

    @FuzzTest(maxDuration = "10s")
    void tokensVerifyOrAreRefusedWithA401(byte[] input) {
        String token = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        try {
            TokenVerifier.Verified v = VERIFIER.verify(token, ENTRY, Instant.parse("2026-12-03T10:00:00Z"));
            assertThat(v.server() || v.userId() != null).isTrue();
        } catch (ApiException e) {
            assertThat(e.status()).as(e.code()).isEqualTo(401);
        }
    }
}
