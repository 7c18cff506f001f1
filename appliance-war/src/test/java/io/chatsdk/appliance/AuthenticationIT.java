package io.chatsdk.appliance;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.chatsdk.jakarta.Tokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** API keys and tokens against the running appliance: every way a token can be wrong. */
class AuthenticationIT {
    static TestAppliance appliance;
    static Api api;
    static Api other;

    @BeforeAll
    static void start() throws Exception {
        appliance = TestAppliance.shared();
        api = Api.newApp(appliance, "auth");
        other = Api.newApp(appliance, "other");
        api.users("alice", "bob");
    }

    private static Api.Res unread(String token) throws Exception {
        return api.call("GET", "/unread", null, token);
    }

    private static String sign(JWSAlgorithm alg, String secret, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    private static JWTClaimsSet.Builder alice() {
        return new JWTClaimsSet.Builder().claim("user_id", "alice").issueTime(new Date());
    }

    @Test
    void validTokensRawOrBearerAndKeyInHeader() throws Exception {
        assertThat(unread(api.userToken("alice")).status()).isEqualTo(200);
        assertThat(unread("Bearer " + api.userToken("alice")).status()).isEqualTo(200);
        Api.Res viaHeader = Api.send(appliance, "GET", "/api/v1/unread", null, null,
                Map.of("X-Api-Key", api.apiKey, "Authorization", api.userToken("alice")));
        assertThat(viaHeader.status()).isEqualTo(200);
    }

    @Test
    void missingOrUnknownApiKey() throws Exception {
        Api.Res none = Api.send(appliance, "GET", "/api/v1/unread", null, null, Map.of("Authorization", api.userToken("alice")));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.code()).isEqualTo("api_key_missing");
        assertThat(none.header("Content-Type")).startsWith("application/problem+json");
        Api.Res unknown = Api.send(appliance, "GET", "/api/v1/unread?api_key=nosuchkey", null, null, Map.of("Authorization", api.userToken("alice")));
        assertThat(unknown.code()).isEqualTo("api_key_invalid");
        assertThat(unread(null).code()).isEqualTo("token_missing");
    }

    @Test
    void algNoneOtherAlgorithmsAndKeyConfusionAreRefused() throws Exception {
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"user_id\":\"alice\"}".getBytes(StandardCharsets.UTF_8));
        Api.Res none = unread(header + "." + payload + ".");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.code()).isEqualTo("token_invalid");

        assertThat(unread(sign(JWSAlgorithm.HS512, api.secret, alice().build())).code()).isEqualTo("token_invalid");
        assertThat(unread(sign(JWSAlgorithm.HS384, api.secret, alice().build())).code()).isEqualTo("token_invalid");

        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        SignedJWT rs = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), alice().build());
        rs.sign(new RSASSASigner((RSAPrivateKey) gen.generateKeyPair().getPrivate()));
        assertThat(unread(rs.serialize()).code()).isEqualTo("token_invalid");

        assertThat(unread("not.a.jwt").code()).isEqualTo("token_invalid");
        assertThat(unread("garbage").code()).isEqualTo("token_invalid");
        assertThat(unread(api.userToken("alice") + "x").code()).isEqualTo("token_signature_invalid");
    }

    @Test
    void anotherAppsSecretDoesNotSign() throws Exception {
        Api.Res r = unread(Tokens.user(other.secret, "alice", Instant.now(), null));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("token_signature_invalid");
        Api.Res crossed = other.call("GET", "/unread", null, api.userToken("alice"));
        assertThat(crossed.code()).isEqualTo("token_signature_invalid");
    }

    @Test
    void expiryNotBeforeAndClaims() throws Exception {
        Instant now = Instant.now();
        String expired = sign(JWSAlgorithm.HS256, api.secret, alice().expirationTime(Date.from(now.minusSeconds(60))).build());
        assertThat(unread(expired).code()).isEqualTo("token_expired");
        String early = sign(JWSAlgorithm.HS256, api.secret, alice().notBeforeTime(Date.from(now.plusSeconds(600))).build());
        assertThat(unread(early).code()).isEqualTo("token_not_yet_valid");
        String future = sign(JWSAlgorithm.HS256, api.secret, new JWTClaimsSet.Builder().claim("user_id", "alice")
                .issueTime(Date.from(now.plusSeconds(600))).build());
        assertThat(unread(future).code()).isEqualTo("token_invalid");
        String nobody = sign(JWSAlgorithm.HS256, api.secret, new JWTClaimsSet.Builder().issueTime(new Date()).build());
        assertThat(unread(nobody).code()).isEqualTo("token_invalid");
        String badUser = sign(JWSAlgorithm.HS256, api.secret, new JWTClaimsSet.Builder().claim("user_id", "no spaces allowed")
                .expirationTime(Date.from(now.plusSeconds(600))).build());
        assertThat(unread(badUser).code()).isEqualTo("token_invalid");
    }

    @Test
    void userTokensCannotCallServerOnlyEndpoints() throws Exception {
        Api.Res r = api.as("alice", "POST", "/users", Map.of("users", Map.of("mallory", Map.of("role", "admin"))));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("server_only");
        assertThat(api.as("alice", "GET", "/channeltypes", null).code()).isEqualTo("server_only");
        assertThat(api.as("alice", "POST", "/users/bob/deactivate", null).code()).isEqualTo("server_only");
    }

    @Test
    void revokedTokensRotatedSecretsAndDisabledApps() throws Exception {
        Api app = Api.newApp(appliance, "lifecycle");
        app.users("carol", "dave");
        String before = app.userToken("carol");
        Thread.sleep(1100); // iat has second precision
        Api.Res revoke = Api.operator(appliance, "POST", "/admin/api/apps/" + app.appId + "/revoke-tokens", Map.of());
        assertThat(revoke.status()).isEqualTo(200);
        assertThat(app.call("GET", "/unread", null, before).code()).isEqualTo("token_revoked");
        Thread.sleep(1100);
        Api.Res fresh = app.call("GET", "/unread", null, app.userToken("carol"));
        assertThat(fresh.status()).as(fresh.toString()).isEqualTo(200);

        Api.Res rotated = Api.operator(appliance, "POST", "/admin/api/apps/" + app.appId + "/rotate-secret", Map.of("grace_seconds", 600));
        String newSecret = (String) rotated.json().get("api_secret");
        assertThat(app.call("GET", "/unread", null, app.userToken("carol")).status()).as("old secret in grace").isEqualTo(200);
        assertThat(app.call("GET", "/unread", null, Tokens.user(newSecret, "carol", Instant.now(), Instant.now().plusSeconds(600))).status()).isEqualTo(200);
        Api.operator(appliance, "POST", "/admin/api/apps/" + app.appId + "/rotate-secret", Map.of("grace_seconds", 0));
        assertThat(app.call("GET", "/unread", null, Tokens.user(newSecret, "carol", Instant.now(), null)).code()).isEqualTo("token_signature_invalid");

        String current = (String) Api.operator(appliance, "GET", "/admin/api/apps/" + app.appId + "/credentials", null).json().get("api_secret");
        Api.Res deactivated = new Api(appliance, app.appId, app.apiKey, current).asServer("POST", "/users/dave/deactivate", null);
        assertThat(deactivated.status()).isEqualTo(200);
        assertThat(app.call("GET", "/unread", null, Tokens.user(current, "dave", Instant.now(), Instant.now().plusSeconds(600))).code()).isEqualTo("user_deactivated");

        Api.operator(appliance, "POST", "/admin/api/apps/" + app.appId + "/disable", null);
        Api.Res disabled = app.call("GET", "/unread", null, Tokens.user(current, "carol", Instant.now(), null));
        assertThat(disabled.status()).isEqualTo(403);
        assertThat(disabled.code()).isEqualTo("app_disabled");
    }
}
