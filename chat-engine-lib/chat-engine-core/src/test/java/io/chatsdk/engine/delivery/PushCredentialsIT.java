package io.chatsdk.engine.delivery;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Push credentials stored by the engine: checked, sealed at rest, shown masked, opened for the gateway, gone with the app's keys. */
class PushCredentialsIT extends EngineTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Map<String, Object> serviceAccount(String keyId) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(g.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "service_account");
        m.put("project_id", "chatsdk-test");
        m.put("private_key_id", keyId);
        m.put("private_key", pem);
        m.put("client_email", "push@chatsdk-test.iam.gserviceaccount.com");
        m.put("token_uri", "https://oauth2.googleapis.com/token");
        return m;
    }

    static byte[] bytes(Map<String, Object> m) throws Exception {
        return JSON.writeValueAsBytes(m);
    }

    void refused(PushCredentials c, byte[] json, String field) {
        assertThatThrownBy(() -> c.setFcm(json, "ops")).isInstanceOfSatisfying(ChatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
            assertThat(e.field()).isEqualTo(field);
        });
    }

    @Test
    void aKeyIsCheckedSealedShownMaskedAndOpenedForTheGateway() throws Exception {
        AppHandle app = fx.newApp(0);
        PushCredentials c = fx.engine.app(app.id()).pushCredentials();
        assertThat(c.fcm()).isEmpty();
        assertThat(c.openFcm()).isEmpty();
        Map<String, Object> account = serviceAccount("0123456789abcdef0123456789abcdef01234567");
        byte[] file = bytes(account);
        PushCredentials.Info info = c.setFcm(file, "ops-ann");
        assertThat(info.toMap()).containsEntry("project_id", "chatsdk-test").containsEntry("private_key_id", "0123…4567")
                .containsEntry("updated_by", "ops-ann").doesNotContainKey("private_key");
        assertThat(c.fcm()).contains(info);
        assertThat(c.openFcm().orElseThrow().json()).isEqualTo(file);
        // at rest: the private key is sealed (only the project, e-mail and key id are in the clear)
        String pemBody = ((String) account.get("private_key")).lines().skip(1).findFirst().orElseThrow();
        assertThat(fx.count("select count(*) from push_credential where position(convert_to('" + pemBody + "', 'UTF8') in sealed) > 0")).isZero();
        assertThat(fx.count("select count(*) from push_credential where app_id = '" + app.id() + "'")).isEqualTo(1);
        // another app has none; a replacement replaces
        assertThat(fx.engine.app(fx.newApp(0).id()).pushCredentials().fcm()).isEmpty();
        byte[] second = bytes(serviceAccount("ffffeeee"));
        c.setFcm(second, "ops-bo");
        assertThat(c.openFcm().orElseThrow().json()).isEqualTo(second);
        assertThat(c.fcm().orElseThrow().privateKeyIdMasked()).isEqualTo("…");
        // a key rotation, re-encryption and pruning keep it readable
        int rotated = fx.engine.app(app.id()).compliance().keys().rotate();
        assertThat(fx.engine.app(app.id()).compliance().keys().reencrypt()).containsEntry("push_keys", 1L);
        assertThat(fx.count("select count(*) from push_credential where app_id = '" + app.id() + "' and key_version = " + rotated))
                .as("sealed again under the new key, so the old one can go").isEqualTo(1);
        assertThat(c.openFcm().orElseThrow().json()).isEqualTo(second);
        assertThat(c.deleteFcm()).isTrue();
        assertThat(c.deleteFcm()).isFalse();
        assertThat(c.openFcm()).isEmpty();
    }

    @Test
    void whatIsNotAServiceAccountKeyIsRefusedNamingTheField() throws Exception {
        PushCredentials c = fx.engine.app(fx.newApp(0).id()).pushCredentials();
        refused(c, "not json".getBytes(StandardCharsets.UTF_8), "service_account");
        refused(c, new byte[0], "service_account");
        refused(c, new byte[PushCredentials.MAX_BYTES + 1], "service_account");
        Map<String, Object> user = serviceAccount("k1");
        user.put("type", "authorized_user");
        refused(c, bytes(user), "service_account.type");
        Map<String, Object> noEmail = serviceAccount("k1");
        noEmail.remove("client_email");
        refused(c, bytes(noEmail), "service_account.client_email");
        Map<String, Object> badKey = serviceAccount("k1");
        badKey.put("private_key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        refused(c, bytes(badKey), "service_account.private_key");
        Map<String, Object> broken = serviceAccount("k1");
        broken.put("project_id", "bad SURROGATE half");
        // a lone surrogate, escaped in the JSON text (as a raw character it could not even be encoded as UTF-8)
        refused(c, JSON.writeValueAsString(broken).replace("SURROGATE", "\\ud800").getBytes(StandardCharsets.UTF_8), "service_account.project_id");
        assertThat(c.fcm()).as("nothing stored").isEmpty();
    }

    @Test
    void destroyedKeysLeaveTheStoredKeyUnreadable() throws Exception {
        AppHandle app = fx.newApp(0);
        PushCredentials c = fx.engine.app(app.id()).pushCredentials();
        c.setFcm(bytes(serviceAccount("0123456789")), "ops");
        fx.engine.app(app.id()).compliance().keys().destroy();
        assertThatThrownBy(c::openFcm).isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONTENT_ERASED));
    }
}
