package io.chatsdk.jakarta;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/**
 * Issues tokens the API accepts, as GetStream's server SDKs do: your back end signs a user token with the app secret
 * and hands it to the user's device. Never ship the secret to a client.
 * <pre>{@code
 * String token = Tokens.user(apiSecret, "alice", Instant.now(), Instant.now().plus(Duration.ofHours(24)));
 * }</pre>
 */
public final class Tokens {
    private Tokens() {
    }

    /** A user token; {@code expires} may be null for a token without expiry. */
    public static String user(String apiSecret, String userId, Instant issuedAt, Instant expires) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().claim("user_id", userId).issueTime(Date.from(issuedAt));
        if (expires != null) {
            claims.expirationTime(Date.from(expires));
        }
        return sign(apiSecret, claims.build());
    }

    /** A server token: acts for any user of the app and skips permission checks. Keep it on servers. */
    public static String server(String apiSecret, Instant issuedAt) {
        return sign(apiSecret, new JWTClaimsSet.Builder().claim("server", true).issueTime(Date.from(issuedAt)).build());
    }

    private static String sign(String secret, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign with this secret (HS256 needs at least 32 bytes)", e);
        }
    }
}
