package io.chatsdk.engine.apps;

import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.App;
import io.chatsdk.engine.model.AppCredentials;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppsIT extends EngineTest {

    @Test
    void createGivesCredentialsAndSeedsBuiltInTypes() throws Exception {
        AppCredentials creds = fx.engine.apps().create("Acme");
        assertThat(creds.apiKey()).hasSize(12);
        assertThat(creds.apiSecret()).hasSize(64);
        assertThat(creds.toString()).doesNotContain(creds.apiSecret());
        assertThat(fx.engine.apps().credentials(creds.appId())).isEqualTo(creds);
        assertThat(fx.engine.apps().findByApiKey(creds.apiKey()).map(App::id)).contains(creds.appId());
        assertThat(fx.engine.apps().findByApiKey("nope")).isEmpty();
        assertThat(fx.engine.app(creds.appId()).channelTypes().list()).extracting("name")
                .containsExactly("commerce", "livestream", "messaging", "team");
        // the secret is not stored in the clear
        try (Connection c = fx.dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select secret_ciphertext from app where id = '" + creds.appId() + "'")) {
            rs.next();
            assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1)).doesNotContain(creds.apiSecret());
        }
    }

    @Test
    void rotationKeepsThePreviousSecretForTheGracePeriod() {
        AppCredentials creds = fx.engine.apps().create("Rotator");
        AppCredentials rotated = fx.engine.apps().rotateSecret(creds.appId(), Duration.ofHours(1));
        assertThat(rotated.apiSecret()).isNotEqualTo(creds.apiSecret());
        assertThat(rotated.apiKey()).isEqualTo(creds.apiKey());
        assertThat(fx.engine.apps().credentials(creds.appId()).apiSecret()).isEqualTo(rotated.apiSecret());
        assertThat(fx.engine.apps().previousSecret(creds.appId())).contains(creds.apiSecret());
        fx.engine.apps().rotateSecret(creds.appId(), Duration.ZERO);
        assertThat(fx.engine.apps().previousSecret(creds.appId())).isEmpty();
        assertThatThrownBy(() -> fx.engine.apps().rotateSecret(creds.appId(), Duration.ofDays(31))).extracting("field").isEqualTo("grace");
    }

    @Test
    void disableAndUnknownApps() {
        AppCredentials creds = fx.engine.apps().create("Disabled");
        assertThat(fx.engine.apps().setDisabled(creds.appId(), true).disabled()).isTrue();
        assertThat(fx.engine.apps().get(creds.appId()).disabled()).isTrue();
        AppId unknown = AppId.parse("00000000-0000-7000-8000-000000000000");
        assertThatThrownBy(() -> fx.engine.apps().get(unknown)).extracting("code").isEqualTo(ErrorCode.APP_NOT_FOUND);
        assertThatThrownBy(() -> AppId.parse("not-a-uuid")).extracting("field").isEqualTo("app_id");
        assertThatThrownBy(() -> fx.engine.apps().create(" ")).extracting("field").isEqualTo("name");
    }

    @Test
    void anEngineWithTheWrongKeyCannotReadSecrets() {
        AppCredentials creds = fx.engine.apps().create("Keyed");
        try (ChatEngine wrongKey = ChatEngine.builder().dataSource(fx.dataSource).keyProvider(KeyProvider.aesGcm(new byte[32]))
                .outboxRelay(false).build()) {
            assertThatThrownBy(() -> wrongKey.apps().credentials(creds.appId())).isInstanceOf(SecurityException.class);
        }
    }

    @Test
    void builderNamesMissingOptions() {
        assertThatThrownBy(() -> ChatEngine.builder().build()).hasMessageContaining("dataSource is required");
        assertThatThrownBy(() -> ChatEngine.builder().dataSource(fx.dataSource).build()).hasMessageContaining("keyProvider is required");
        assertThatThrownBy(() -> ChatEngine.builder().relayPollInterval(Duration.ofMillis(1))).hasMessageContaining("relayPollInterval must be between 50ms");
    }
}
