package io.chatsdk.jakarta;

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

    private final Duration skew;

    TokenVerifier(Duration skew) {
        this.skew = skew;
    }

    Verified verify(String token, AppDirectory.Entry app, Instant now) {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw ApiException.unauthorized("token_invalid", "the token is too long");
        }
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
        if (!signedBy(jwt, app.secret()) && (app.previousSecret() == null || !signedBy(jwt, app.previousSecret()))) {
            throw ApiException.unauthorized("token_signature_invalid", "the token's signature does not match this app's secret");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw ApiException.unauthorized("token_invalid", "the token's claims are not a JSON object");
        }
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
