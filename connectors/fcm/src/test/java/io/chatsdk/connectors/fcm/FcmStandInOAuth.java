package io.chatsdk.connectors.fcm;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stand-in's {@code POST /token}: Google's OAuth 2.0 JWT-bearer grant (RFC 7523) as service accounts use it.
 * It checks the RS256 signature against the trusted account's public key, the audience, the expiry and that the
 * scope covers FCM, then issues an access token the send endpoint accepts.
 */
final class FcmStandInOAuth {

    static final String TOKEN_URI = "https://oauth2.googleapis.com/token";
    private static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final Set<String> FCM_SCOPES = Set.of("https://www.googleapis.com/auth/firebase.messaging",
            "https://www.googleapis.com/auth/cloud-platform");

    record Answer(int status, String body) {
    }

    private final Set<String> acceptedBearers;
    private final Map<String, PublicKey> trusted = new ConcurrentHashMap<>();
    private final List<String> exchanges = new CopyOnWriteArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();

    FcmStandInOAuth(Set<String> acceptedBearers) {
        this.acceptedBearers = acceptedBearers;
    }

    void trust(String clientEmail, PublicKey key) {
        trusted.put(clientEmail, key);
    }

    List<String> exchanges() {
        return List.copyOf(exchanges);
    }

    Answer grant(String contentType, String body, String originalHost) {
        if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
            return invalid("invalid_request", "Content-Type must be application/x-www-form-urlencoded");
        }
        Map<String, String> form = form(body);
        if (!GRANT_TYPE.equals(form.get("grant_type"))) {
            return invalid("unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type"));
        }
        String[] jwt = form.getOrDefault("assertion", "").split("\\.");
        if (jwt.length != 3) {
            return invalid("invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe");
        }
        try {
            JsonNode header = FcmStandInJson.JSON.readTree(Base64.getUrlDecoder().decode(jwt[0]));
            JsonNode claims = FcmStandInJson.JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
            PublicKey key = trusted.get(claims.path("iss").asText());
            if (key == null || !"RS256".equals(header.path("alg").asText())) {
                return invalid("invalid_grant", "Invalid grant: account not found");
            }
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(Base64.getUrlDecoder().decode(jwt[2]))) {
                return invalid("invalid_grant", "Invalid JWT Signature.");
            }
            long now = Instant.now().getEpochSecond();
            if (!TOKEN_URI.equals(claims.path("aud").asText()) || claims.path("exp").asLong() < now) {
                return invalid("invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable"
                        + " timeframe. Check your iat and exp values in the JWT claim.");
            }
            boolean coversFcm = false;
            for (String scope : claims.path("scope").asText().split(" ")) {
                coversFcm |= FCM_SCOPES.contains(scope);
            }
            if (!coversFcm) {
                return invalid("invalid_scope", "The scope does not cover Firebase Cloud Messaging");
            }
        } catch (java.io.IOException | GeneralSecurityException | IllegalArgumentException e) {
            return invalid("invalid_grant", "Invalid JWT: " + e.getMessage());
        }
        String token = "ya29.stand-in-" + issued.incrementAndGet();
        acceptedBearers.add(token);
        exchanges.add(String.valueOf(originalHost));
        return new Answer(200, FcmStandInJson.JSON.createObjectNode().put("access_token", token)
                .put("expires_in", 3599).put("token_type", "Bearer").toString());
    }

    private static Answer invalid(String error, String description) {
        return new Answer(400, FcmStandInJson.JSON.createObjectNode().put("error", error)
                .put("error_description", description).toString());
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }
}
