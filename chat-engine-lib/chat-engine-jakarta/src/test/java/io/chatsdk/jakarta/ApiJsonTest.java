package io.chatsdk.jakarta;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiJsonTest {
    private static JsonBody read(String s, int max) {
        return ApiJson.read(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), max);
    }

    @Test
    void limitsAndMalformedInput() {
        assertThatThrownBy(() -> read("{\"a\": \"" + "x".repeat(100) + "\"}", 50)).extracting("status", "code").containsExactly(413, "payload_too_large");
        assertThatThrownBy(() -> read("{\"a\": 1, \"a\": 2}", 1000)).extracting("code").isEqualTo("malformed_json");
        assertThatThrownBy(() -> read("{} {}", 1000)).extracting("code").isEqualTo("malformed_json");
        assertThatThrownBy(() -> read("\"just a string\"", 1000)).extracting("code").isEqualTo("malformed_json");
        assertThatThrownBy(() -> read("[".repeat(100) + "]".repeat(100), 10_000)).extracting("code").isEqualTo("malformed_json");
        assertThat(read("", 10).asMap()).isEmpty();
        assertThat(read("  ", 10).asMap()).isEmpty();
    }

    @Test
    void typedAccessNamesTheField() {
        JsonBody b = read("{\"message\": {\"text\": 1, \"attachments\": [{\"type\": 3}], \"silent\": \"yes\", \"n\": 3000000000}}", 1000);
        JsonBody m = b.object("message");
        assertThatThrownBy(() -> m.string("text")).hasMessage("message.text: must be a string").extracting("field").isEqualTo("message.text");
        assertThatThrownBy(() -> m.objects("attachments").get(0).requireString("type")).hasMessageStartingWith("message.attachments[0].type");
        assertThatThrownBy(() -> m.bool("silent")).hasMessage("message.silent: must be true or false");
        assertThatThrownBy(() -> m.integer("n")).hasMessage("message.n: must be an integer");
        assertThatThrownBy(() -> b.strict(Set.of("msg"))).extracting("code", "field").containsExactly("unknown_field", "message");
    }
}
