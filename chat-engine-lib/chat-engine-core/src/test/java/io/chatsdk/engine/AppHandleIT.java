package io.chatsdk.engine;

import io.chatsdk.engine.delivery.PushSettings;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every per-app operation is reached through the app's handle; the settings ones only on the server side. */
class AppHandleIT extends EngineTest {

    @Test
    void perAppSettingsLiveOnTheServerHandle() {
        AppHandle app = fx.newApp(1);
        assertThat(app.pushSettings().collapseSeconds()).isEqualTo(10);
        assertThat(app.updatePushSettings(p -> new PushSettings(p.preview(), 30)).collapseSeconds()).isEqualTo(30);
        assertThat(app.pushSettings().collapseSeconds()).isEqualTo(30);
        assertThat(app.webhooks().list()).isEmpty();
        assertThat(app.compliance().redaction()).isEqualTo(fx.engine.app(app.id()).compliance().redaction());

        AppHandle user = app.as("u1");
        for (Runnable call : List.<Runnable>of(user::pushSettings, user::webhooks, user::compliance, user::audience, () -> user.setBeforeSendHook(null),
                () -> user.updatePushSettings(p -> p), () -> user.setPushSettings(PushSettings.DEFAULTS))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        }
    }
}
