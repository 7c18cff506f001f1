package io.chatsdk.engine.blocklist;

import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes blocklists: any words and patterns an app may send are accepted or refused as a validation error, and any
 * text is matched against what was accepted without an exception, in bounded time (issue #14). Seeds:
 * {@code BlocklistFuzzTestInputs/}.
 */
class BlocklistFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void anyListAndAnyTextMatchOrRefuseCleanly(FuzzedDataProvider data) {
        List<String> words = new ArrayList<>();
        int n = data.consumeInt(0, 5);
        for (int i = 0; i < n; i++) {
            words.add(data.consumeString(40));
        }
        List<String> patterns = new ArrayList<>();
        int m = data.consumeInt(0, 3);
        for (int i = 0; i < m; i++) {
            patterns.add(data.consumeString(60));
        }
        boolean block = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        Blocklist list;
        try {
            // as an app's request reaches it: the JSON form, parsed by the engine
            list = io.chatsdk.engine.moderation.Blocklists.parse(java.util.Map.of("name", "fuzz", "behavior", block ? "block" : "flag",
                    "words", words, "patterns", patterns));
        } catch (ChatException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.VALIDATION);
            list = new Blocklist("fuzz", BlocklistBehavior.BLOCK, List.of("spam", "ｓｃａｍ"), List.of("\\bfree\\s+money\\b"));
        }
        BlocklistMatcher matcher = new BlocklistMatcher(List.of(list));
        long started = System.nanoTime();
        try {
            matcher.match(text).ifPresent(match -> assertThat(match.listName()).isEqualTo("fuzz"));
        } catch (ChatException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.VALIDATION);
        }
        assertThat((System.nanoTime() - started) / 1_000_000).as("matching is linear in the text").isLessThan(2_000);
    }
}
