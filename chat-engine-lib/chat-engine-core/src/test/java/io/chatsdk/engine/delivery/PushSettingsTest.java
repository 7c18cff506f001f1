package io.chatsdk.engine.delivery;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PushSettingsTest {

    @Test
    void defaultsWhenNothingIsStored() {
        assertThat(PushSettings.of(Map.of())).isEqualTo(PushSettings.DEFAULTS);
        assertThat(PushSettings.of(Map.of("push", "not an object"))).isEqualTo(PushSettings.DEFAULTS);
        assertThat(PushSettings.DEFAULTS).isEqualTo(new PushSettings(true, 10));
    }

    @Test
    void storedFormRoundTrips() {
        PushSettings hipaa = new PushSettings(false, 0);
        assertThat(PushSettings.of(Map.of("push", hipaa.toMap()))).isEqualTo(hipaa);
        assertThat(hipaa.toMap()).containsEntry("preview", "none").containsEntry("collapse_seconds", 0);
    }

    @Test
    void storedValuesTheApiWouldRefuseFailSafe() {
        // only "full" (or nothing) shows content: a damaged value never turns HIPAA mode off
        assertThat(PushSettings.of(Map.of("push", Map.of("preview", false))).preview()).isFalse();
        assertThat(PushSettings.of(Map.of("push", Map.of("preview", "FULL"))).preview()).isFalse();
        assertThat(PushSettings.of(Map.of("push", Map.of("collapse_seconds", 99_999_999_999L))).collapseSeconds()).isEqualTo(3600);
        assertThat(PushSettings.of(Map.of("push", Map.of("collapse_seconds", -5))).collapseSeconds()).isZero();
    }

    @Test
    void theWindowIsBounded() {
        assertThatThrownBy(() -> new PushSettings(true, -1)).extracting("field").isEqualTo("collapse_seconds");
        assertThatThrownBy(() -> new PushSettings(true, 3601)).extracting("field").isEqualTo("collapse_seconds");
    }
}
