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
        assertThatThrownBy(() -> read("[{\"a\": 1}]", 1000)).extracting("code").isEqualTo("malformed_json");
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

    @Test
    @org.junit.jupiter.api.Timeout(10)
    void bodiesAreReadWholeUpToTheLimitWhateverTheirSizeAndTheStreamsPace() throws Exception {
        for (int size : new int[]{0, 1, 1023, 1024, 1025, 5000, 16_384, 16_385, 32_768, 70_000}) {
            byte[] body = new byte[size];
            for (int i = 0; i < size; i++) {
                body[i] = (byte) (i * 31);
            }
            assertThat(ApiJson.readAtMost(new ByteArrayInputStream(body), 70_001)).as("%d bytes", size).isEqualTo(body);
            // a stream that hands over one byte at a time, as a slow client's body arrives
            java.io.InputStream trickle = new java.io.FilterInputStream(new ByteArrayInputStream(body)) {
                @Override
                public int read(byte[] b, int off, int len) throws java.io.IOException {
                    return super.read(b, off, Math.min(len, 1));
                }
            };
            assertThat(ApiJson.readAtMost(trickle, 70_001)).as("%d bytes, trickled", size).isEqualTo(body);
            // past the limit: exactly the limit's bytes, so that the caller sees one byte too many; the rest stays unread
            if (size > 0) {
                ByteArrayInputStream longer = new ByteArrayInputStream(body);
                assertThat(ApiJson.readAtMost(longer, size - 1)).isEqualTo(java.util.Arrays.copyOf(body, size - 1));
                assertThat(longer.available()).isEqualTo(1);
            }
        }
        String atLimit = "{\"a\": \"" + "x".repeat(2000) + "\"}";
        assertThat(read(atLimit, atLimit.length()).asMap()).containsKey("a");
        assertThatThrownBy(() -> read(atLimit, atLimit.length() - 1)).extracting("status", "code").containsExactly(413, "payload_too_large");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBodysValuesKeepJsonsTypes() {
        java.util.Map<String, Object> m = read("{\"o\": {\"l\": [1, 2.5, \"x\", null, true]}, \"big\": 3000000000, \"huge\": 123456789012345678901234567890}", 1000).asMap();
        assertThat(m).isInstanceOf(java.util.LinkedHashMap.class).containsOnlyKeys("o", "big", "huge");
        assertThat(m.get("o")).isInstanceOf(java.util.LinkedHashMap.class);
        assertThat((java.util.List<Object>) ((java.util.Map<?, ?>) m.get("o")).get("l")).isInstanceOf(java.util.ArrayList.class)
                .containsExactly(1, 2.5, "x", null, true);
        assertThat(m.get("big")).isEqualTo(3_000_000_000L);
        assertThat(m.get("huge")).isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
    }
}
