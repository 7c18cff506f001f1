package io.chatsdk.engine.spi;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PushMessageTest {

    @Test
    void copiesDataAndDefaultsItToEmpty() {
        Map<String, String> data = new HashMap<>(Map.of("cid", "messaging:general"));
        PushMessage message = PushMessage.notification("tok", "Ann", "hello", data);
        data.put("message_id", "m1");

        assertThat(message.data()).containsExactly(Map.entry("cid", "messaging:general"));
        assertThat(PushMessage.dataOnly("tok", null).data()).isEmpty();
    }

    @Test
    void hipaaModeShowsNoContent() {
        assertThat(PushMessage.dataOnly("tok", Map.of()).showsContent()).isFalse();
        assertThat(new PushMessage("tok", "Ann", null, null, null, null).showsContent()).isFalse();
        assertThat(PushMessage.notification("tok", null, "hello", null).showsContent()).isTrue();
    }

    @Test
    void toStringLeavesOutTokenTextsAndDataValues() {
        PushMessage message = PushMessage.notification("secret-token", "Secret title", "secret body",
                        Map.of("cid", "secret-cid"))
                .withCollapseKey("secret-collapse").withTtl(Duration.ofMinutes(5));

        assertThat(message.toString())
                .doesNotContain("secret")
                .contains("<12 chars>", "content=shown", "dataKeys=[cid]", "collapseKey=set", "PT5M");
    }

    @Test
    void rejectsWhatNoProviderAccepts() {
        assertThatThrownBy(() -> PushMessage.dataOnly(" ", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deviceToken");
        Map<String, String> withNull = new HashMap<>();
        withNull.put("cid", null);
        assertThatThrownBy(() -> PushMessage.dataOnly("tok", withNull))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cid");
        assertThatThrownBy(() -> PushMessage.dataOnly("tok", null).withCollapseKey(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("collapseKey");
        assertThatThrownBy(() -> PushMessage.dataOnly("tok", null).withTtl(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> new PushResult.Retry(Duration.ofSeconds(-1), "quota"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
