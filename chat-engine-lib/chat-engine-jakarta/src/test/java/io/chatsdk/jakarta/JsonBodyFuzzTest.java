package io.chatsdk.jakarta;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes request bodies as every resource reads them: any bytes are parsed into a body, or refused with a 4xx
 * problem code; then the accessors resources use either return a value of the asked type or refuse the field with a
 * 400. Nothing else may escape, since anything else would be a 500 (issue #14). Seeds: {@code JsonBodyFuzzTestInputs/}.
 */
class JsonBodyFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void bodiesParseOrAreRefusedWithA4xx(byte[] input) {
        JsonBody body;
        try {
            body = ApiJson.read(new ByteArrayInputStream(input), 64 * 1024);
        } catch (ApiException e) {
            assertThat(e.status()).as(e.code()).isBetween(400, 499);
            return;
        }
        for (String key : body.asMap().keySet().stream().limit(8).toList()) {
            refusedOr400(() -> body.string(key));
            refusedOr400(() -> body.bool(key));
            refusedOr400(() -> body.integer(key));
            refusedOr400(() -> body.longValue(key));
            refusedOr400(() -> body.object(key));
            refusedOr400(() -> body.objects(key));
            refusedOr400(() -> body.strings(key));
            refusedOr400(() -> body.list(key));
        }
        refusedOr400(() -> body.strict(Set.of("message", "id", "text")));
        refusedOr400(() -> body.object("message").strict(Set.of("id", "text", "attachments")).string("text"));
    }

    private static void refusedOr400(Runnable read) {
        try {
            read.run();
        } catch (ApiException e) {
            assertThat(e.status()).as(e.code()).isEqualTo(400);
        }
    }
}
