package io.chatsdk.jakarta;

import io.chatsdk.engine.apps.Apps;
import io.chatsdk.engine.model.App;
import io.chatsdk.engine.types.AppId;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenVerifierTest {
    private static final String SECRET = "s".repeat(64);
    private static final String OLD = "o".repeat(64);
    private final Instant now = Instant.parse("2026-11-25T12:00:00Z");
    private final TokenVerifier verifier = new TokenVerifier(Duration.ofSeconds(5));
    private final AppDirectory.Entry app = new AppDirectory.Entry(new App(new AppId(UUID.randomUUID()), "a", "key", Map.of(), false, null, now, now, null),
            SECRET, new Apps.PreviousSecret(OLD, now.plusSeconds(3600)), now);

    private static String hs(JWSAlgorithm alg, String secret, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static String code(Runnable r) {
        try {
            r.run();
            return "accepted";
        } catch (ApiException e) {
            return e.code();
        }
    }

    @Test
    void acceptsUserAndServerTokensSignedWithTheCurrentOrPreviousSecret() {
        assertThat(verifier.verify(Tokens.user(SECRET, "alice", now, now.plusSeconds(60)), app, now).userId()).isEqualTo("alice");
        assertThat(verifier.verify(Tokens.server(SECRET, now), app, now).server()).isTrue();
        assertThat(verifier.verify(Tokens.user(OLD, "alice", now, null), app, now).userId()).isEqualTo("alice");
        AppDirectory.Entry noGrace = new AppDirectory.Entry(app.app(), SECRET, null, now);
        assertThat(code(() -> verifier.verify(Tokens.user(OLD, "alice", now, null), noGrace, now))).isEqualTo("token_signature_invalid");
    }

    @Test
    void refusesOtherAlgorithmsAndUnsignedTokens() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().claim("user_id", "alice").build();
        assertThat(code(() -> verifier.verify(uncheck(() -> hs(JWSAlgorithm.HS512, SECRET, claims)), app, now))).isEqualTo("token_invalid");
        String none = "eyJhbGciOiJub25lIn0." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"user_id\":\"alice\"}".getBytes(StandardCharsets.UTF_8)) + ".";
        assertThat(code(() -> verifier.verify(none, app, now))).isEqualTo("token_invalid");
        assertThat(code(() -> verifier.verify("x".repeat(5000), app, now))).isEqualTo("token_invalid");
    }

    @Test
    void timeClaims() {
        assertThat(code(() -> verifier.verify(Tokens.user(SECRET, "a", now, now.minusSeconds(10)), app, now))).isEqualTo("token_expired");
        assertThat(code(() -> verifier.verify(Tokens.user(SECRET, "a", now, now.minusSeconds(3)), app, now))).as("within skew").isEqualTo("accepted");
        assertThat(code(() -> verifier.verify(Tokens.user(SECRET, "a", now.plusSeconds(60), null), app, now))).isEqualTo("token_invalid");
    }

    @Test
    void aTokenCheckedBeforeIsStillCheckedForItsTimesItsAppAndTheSecretItMatched() {
        String token = Tokens.user(OLD, "alice", now, now.plusSeconds(60));
        assertThat(verifier.verify(token, app, now).userId()).isEqualTo("alice");
        // the same text again: expiry is checked on every use
        assertThat(code(() -> verifier.verify(token, app, now.plusSeconds(120)))).isEqualTo("token_expired");
        // its secret's grace ended: the remembered check no longer counts
        AppDirectory.Entry rotated = new AppDirectory.Entry(app.app(), SECRET, null, now);
        assertThat(code(() -> verifier.verify(token, rotated, now))).isEqualTo("token_signature_invalid");
        // the same text under another app whose secrets differ
        AppDirectory.Entry other = new AppDirectory.Entry(new App(new AppId(UUID.randomUUID()), "b", "key2", Map.of(), false, null, now, now, null),
                "x".repeat(64), null, now);
        assertThat(code(() -> verifier.verify(token, other, now))).isEqualTo("token_signature_invalid");
        // one character of the signature changed is another text, checked afresh
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
        assertThat(code(() -> verifier.verify(tampered, app, now))).isEqualTo("token_signature_invalid");
        assertThat(verifier.verify(token, app, now).userId()).isEqualTo("alice");
    }

    @Test
    void thePreviousSecretStopsAtTheEndOfItsGraceEvenInAnEntryStillCached() {
        // a node caches an app's entry for a few seconds; one loaded during a rotation's grace holds the old secret
        AppDirectory.Entry rotating = new AppDirectory.Entry(app.app(), SECRET, new Apps.PreviousSecret(OLD, now.plusSeconds(1)), now);
        String token = Tokens.user(OLD, "alice", now, now.plusSeconds(600));
        assertThat(verifier.verify(token, rotating, now).userId()).isEqualTo("alice");
        Instant after = now.plusSeconds(2);
        // the same entry once the grace has ended: neither the remembered check nor a fresh one accepts the old secret
        assertThat(code(() -> verifier.verify(token, rotating, after))).isEqualTo("token_signature_invalid");
        assertThat(code(() -> verifier.verify(Tokens.user(OLD, "bob", now, now.plusSeconds(600)), rotating, after))).isEqualTo("token_signature_invalid");
        assertThat(verifier.verify(Tokens.user(SECRET, "bob", now, now.plusSeconds(600)), rotating, after).userId()).isEqualTo("bob");
    }

    private interface Unchecked<T> {
        T get() throws Exception;
    }

    private static <T> T uncheck(Unchecked<T> u) {
        try {
            return u.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
