package io.chatsdk.jakarta;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * Verifies GetStream-style tokens: compact JWS, HS256 only, signed with the app's secret (or the previous secret
 * during a rotation's grace period). {@code alg: none}, other algorithms, JWE and tokens with a {@code crit} header
 * are refused before any key is touched, which closes the algorithm-confusion attacks.
 */
final class TokenVerifier {
    private static final int MAX_TOKEN_CHARS = 4096;

    /** The verified claims that matter. {@code userId} is null for server tokens. */
    record Verified(boolean server, String userId, Instant issuedAt) {
    }

    /** A token whose header and signature this verifier checked: its claims, and the secret the signature matched. */
    private record Checked(String secret, JWTClaimsSet claims) {
        @Override
        public String toString() {
            return "Checked[secret=****]";   // neither the secret nor the claims, should this reach a log
        }
    }

    private record Key(io.chatsdk.engine.types.AppId app, String token) {
        @Override
        public String toString() {
            return "Key[app=" + app + ", token=****]";
        }
    }

    private final Duration skew;
    /**
     * Tokens already checked, by app and exact text, so that a client's next request skips parsing and the HMAC: a hit
     * is the same bytes, hence the same signature, and counts only while the secret it matched is still the app's current
     * or previous one. Expiry, not-before and the claims are checked on every request. Only valid tokens enter.
     */
    private final Cache<Key, Checked> checked = Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofMinutes(10)).build();

    TokenVerifier(Duration skew) {
        this.skew = skew;
    }

    Verified verify(String token, AppDirectory.Entry app, Instant now) {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw ApiException.unauthorized("token_invalid", "the token is too long");
        }
        Key key = new Key(app.app().id(), token);
        Checked c = checked.getIfPresent(key);
        String previous = app.previousSecret(now);   // null once the rotation's grace has ended, however fresh the entry
        if (c == null || !(c.secret().equals(app.secret()) || c.secret().equals(previous))) {
            c = check(token, app.secret(), previous);
            checked.put(key, c);
        }
        return claims(c.claims(), app, now);
    }

    /** Parses the token and checks its header and signature; the claims' times are {@link #claims}' business. */
    private static Checked check(String token, String current, String previous) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException | IllegalArgumentException e) {
            throw ApiException.unauthorized("token_invalid", "the token is not a signed JWT");
        }
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            throw ApiException.unauthorized("token_invalid", "only HS256 tokens are accepted");
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw ApiException.unauthorized("token_invalid", "tokens with critical header parameters are not accepted");
        }
        String secret = signedBy(jwt, current) ? current : previous != null && signedBy(jwt, previous) ? previous : null;
        if (secret == null) {
            throw ApiException.unauthorized("token_signature_invalid", "the token's signature does not match this app's secret");
        }
        try {
            return new Checked(secret, jwt.getJWTClaimsSet());
        } catch (ParseException e) {
            throw ApiException.unauthorized("token_invalid", "the token's claims are not a JSON object");
        }
    }

    private Verified claims(JWTClaimsSet claims, AppDirectory.Entry app, Instant now) {
        Date exp = claims.getExpirationTime();
        if (exp != null && !exp.toInstant().plus(skew).isAfter(now)) {
            throw ApiException.unauthorized("token_expired", "the token expired at " + exp.toInstant());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().minus(skew).isAfter(now)) {
            throw ApiException.unauthorized("token_not_yet_valid", "the token is not valid before " + nbf.toInstant());
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.toInstant().minus(skew).isAfter(now)) {
            throw ApiException.unauthorized("token_invalid", "the token was issued in the future");
        }
        Object server = claims.getClaim("server");
        Object userId = claims.getClaim("user_id");
        if (Boolean.TRUE.equals(server)) {
            return new Verified(true, null, iat == null ? null : iat.toInstant());
        }
        if (userId instanceof String s && !s.isEmpty()) {
            if (exp == null && io.chatsdk.engine.apps.Apps.requiresTokenExpiry(app.app())) {
                throw ApiException.unauthorized("token_exp_missing", "this app requires user tokens to expire: add an exp claim");
            }
            return new Verified(false, s, iat == null ? null : iat.toInstant());
        }
        throw ApiException.unauthorized("token_invalid", "the token names neither a user (user_id) nor the server (server: true)");
    }

    private static boolean signedBy(SignedJWT jwt, String secret) {
        try {
            return jwt.verify(new MACVerifier(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            return false;
        }
    }
}
