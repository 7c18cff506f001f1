package io.chatsdk.engine.types;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidateTest {

    /** Whatever the input, text is either accepted unchanged and survives a UTF-8 round trip, or rejected with a field. */
    @Property(tries = 2000)
    void textIsAcceptedOnlyWhenItSurvivesUtf8(@ForAll @StringLength(max = 40) String s) {
        try {
            String ok = Validate.text("text", s, 100);
            assertThat(new String(ok.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(s);
            assertThat(ok.chars()).noneMatch(c -> c == 0);
        } catch (ChatException e) {
            assertThat(e.field()).isEqualTo("text");
            boolean broken = !new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s);
            boolean control = s.chars().anyMatch(c -> (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f);
            assertThat(broken || control).as("rejected only for broken Unicode or control characters: %s", e.getMessage()).isTrue();
        }
    }

    @Test
    void lengthCountsCodePoints() {
        assertThat(Validate.text("t", "\uD83D\uDE00\uD83D\uDE00", 2)).hasSize(4);
        assertThatThrownBy(() -> Validate.text("t", "abc", 2)).hasMessage("t: is 3 characters long; the limit is 2");
    }

    @Test
    void idsAndNames() {
        assertThat(Validate.userId("id", "alice@example.com")).isEqualTo("alice@example.com");
        assertThatThrownBy(() -> Validate.userId("id", "")).hasMessage("id: is required");
        assertThatThrownBy(() -> Validate.userId("id", "a/b")).hasMessageContaining("id: may hold");
        assertThatThrownBy(() -> Validate.channelTypeName("type", "Messaging")).hasMessageContaining("type: may hold");
        assertThat(Validate.channelId("id", "!members-abc_1")).isEqualTo("!members-abc_1");
        assertThatThrownBy(() -> Validate.messageId("id", "x".repeat(256))).extracting("field").isEqualTo("id");
    }
}
