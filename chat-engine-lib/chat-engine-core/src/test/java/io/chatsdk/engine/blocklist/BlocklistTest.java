package io.chatsdk.engine.blocklist;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlocklistTest {

    private static Blocklist words(String... words) {
        return new Blocklist("list", BlocklistBehavior.FLAG, Arrays.asList(words), List.of());
    }

    private static Blocklist patterns(String... patterns) {
        return new Blocklist("list", BlocklistBehavior.FLAG, List.of(), Arrays.asList(patterns));
    }

    @Test
    void behaviorWireNames() {
        assertThat(BlocklistBehavior.fromWire("behavior", "shadow")).isEqualTo(BlocklistBehavior.SHADOW);
        assertThat(BlocklistBehavior.BLOCK.wire()).isEqualTo("block");
        assertThat(BlocklistBehavior.FLAG.wire()).isEqualTo("flag");
        assertThatThrownBy(() -> BlocklistBehavior.fromWire("lists[2].behavior", "BLOCK"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lists[2].behavior: must be flag, block or shadow");
        assertThatThrownBy(() -> BlocklistBehavior.fromWire("behavior", null))
                .hasMessage("behavior: must be flag, block or shadow");
    }

    @Test
    void wordsAreKeptStrippedAndListsAreUnmodifiable() {
        List<String> input = new ArrayList<>(List.of("  bad ", "bad word", "\u3000ＢＡＤ\t"));
        Blocklist list = new Blocklist("slurs-2_x", BlocklistBehavior.BLOCK, input, new ArrayList<>(List.of("b[a@]d")));
        input.set(0, "changed");

        assertThat(list.words()).containsExactly("bad", "bad word", "ＢＡＤ");
        assertThatThrownBy(() -> list.words().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.patterns().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nameMustBeShortLowerCaseAscii() {
        assertThat(new Blocklist("a".repeat(64), BlocklistBehavior.FLAG, List.of(), List.of()).name()).hasSize(64);
        for (String bad : List.of("", "Profanity", "bad list", "liste-é", "a".repeat(65))) {
            assertThatThrownBy(() -> new Blocklist(bad, BlocklistBehavior.FLAG, List.of(), List.of()))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("name: ");
        }
        assertThatThrownBy(() -> new Blocklist(null, BlocklistBehavior.FLAG, List.of(), List.of()))
                .hasMessage("name: is required");
        assertThatThrownBy(() -> new Blocklist("x", null, List.of(), List.of())).hasMessage("behavior: is required");
    }

    @Test
    void invalidWordsNameTheirIndex() {
        assertThatThrownBy(() -> words("ok", "  ")).hasMessage("words[1]: must not be blank");
        assertThatThrownBy(() -> words("ok", "fine", null)).hasMessage("words[2]: must not be null");
        assertThatThrownBy(() -> words("x".repeat(101))).hasMessage("words[0]: is longer than 100 characters");
        assertThatThrownBy(() -> words("ok", "!?-")).hasMessage("words[1]: must contain a letter or digit");
        assertThatThrownBy(() -> words("\u200B\u00AD")).hasMessage("words[0]: must contain a letter or digit");
        // U+FDFA is one character that NFKC expands to 18.
        assertThatThrownBy(() -> words("\uFDFA".repeat(12)))
                .hasMessage("words[0]: is longer than 200 characters once normalised");
        assertThatThrownBy(() -> new Blocklist("x", BlocklistBehavior.FLAG, null, List.of()))
                .hasMessage("words: is required (may be empty)");
        assertThat(words(" " + "x".repeat(100) + " ").words()).containsExactly("x".repeat(100));
    }

    @Test
    void atMostTenThousandWords() {
        List<String> many = Collections.nCopies(10_000, "word");
        assertThat(new Blocklist("x", BlocklistBehavior.FLAG, many, List.of()).words()).hasSize(10_000);
        List<String> tooMany = Collections.nCopies(10_001, "word");
        assertThatThrownBy(() -> new Blocklist("x", BlocklistBehavior.FLAG, tooMany, List.of()))
                .hasMessage("words: at most 10000 allowed, got 10001");
    }

    @Test
    void invalidPatternsNameTheirIndex() {
        assertThatThrownBy(() -> patterns("ok", "(abc"))
                .hasMessageStartingWith("patterns[1]: is not a valid RE2 expression (");
        assertThatThrownBy(() -> patterns("(a)\\1")).hasMessageStartingWith("patterns[0]: is not a valid RE2 expression");
        assertThatThrownBy(() -> patterns("(?=a)b")).hasMessageStartingWith("patterns[0]: is not a valid RE2 expression");
        assertThatThrownBy(() -> patterns("ok", "")).hasMessage("patterns[1]: must not be empty");
        assertThatThrownBy(() -> patterns("ok", null)).hasMessage("patterns[1]: must not be null");
        assertThatThrownBy(() -> patterns("a".repeat(301))).hasMessage("patterns[0]: is longer than 300 characters");
        assertThat(patterns("a".repeat(300)).patterns()).hasSize(1);
        assertThatThrownBy(() -> patterns("ok", "ok", "(?:[a-z]{40}){40}"))
                .hasMessageStartingWith("patterns[2]: is too complex (compiles to ")
                .hasMessageEndingWith(" instructions, at most 1000)");
        assertThatThrownBy(() -> new Blocklist("x", BlocklistBehavior.FLAG, List.of(), null))
                .hasMessage("patterns: is required (may be empty)");
        // wide ranges where letters fold took RE2J minutes to compile case-insensitively (found by the fuzz target)
        long start = System.nanoTime();
        assertThatThrownBy(() -> patterns("[\\x{42}-\\x{1e942}\\x{43}-\\x{1e941}]x"))
                .hasMessageStartingWith("patterns[0]: is too complex (its character ranges cover more than 20000");
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
        assertThat(patterns("[a-z]+x", "[\\x{0}-\\x{10ffff}]x", "[а-я]{3}").patterns()).hasSize(3);
    }

    @Test
    void patternsThatCanMatchTheEmptyStringAreRefused() {
        for (String empty : List.of("x*", "a?", "^", "$", "\\b", "\\B", "(?m)^", "a|", "(?:x|\\b)", "a|\\B",
                "(?s).|\\b", "(?m)$\\b", "[a-z]{0,3}")) {
            assertThatThrownBy(() -> patterns(empty)).as(empty)
                    .hasMessage("patterns[0]: must not match the empty string");
        }
        assertThat(patterns("\\bbad\\b", "x+", "^spam", "b[a@4]+d$").patterns()).hasSize(4);
    }

    @Test
    void atMostFiftyPatterns() {
        assertThat(patterns(Collections.nCopies(50, "x").toArray(String[]::new)).patterns()).hasSize(50);
        assertThatThrownBy(() -> patterns(Collections.nCopies(51, "x").toArray(String[]::new)))
                .hasMessage("patterns: at most 50 allowed, got 51");
    }

    @Test
    void mapRoundTrip() {
        Blocklist list = new Blocklist("profanity", BlocklistBehavior.SHADOW, List.of("bad", "bad word"),
                List.of("b[a@4]+d"));

        Map<String, Object> map = list.toMap();

        assertThat(map).containsExactly(
                Map.entry("name", "profanity"),
                Map.entry("behavior", "shadow"),
                Map.entry("words", List.of("bad", "bad word")),
                Map.entry("patterns", List.of("b[a@4]+d")));
        assertThat(Blocklist.fromMap(map)).isEqualTo(list);
    }

    @Test
    void fromMapDefaultsMissingListsToEmpty() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", "x");
        map.put("behavior", "block");
        map.put("patterns", null);
        assertThat(Blocklist.fromMap(map))
                .isEqualTo(new Blocklist("x", BlocklistBehavior.BLOCK, List.of(), List.of()));
    }

    @Test
    void fromMapNamesTheOffendingField() {
        assertThatThrownBy(() -> Blocklist.fromMap(Map.of("name", "x", "behavior", "flag", "colour", "red")))
                .hasMessage("colour: is not a blocklist field (expected name, behavior, words, patterns)");
        assertThatThrownBy(() -> Blocklist.fromMap(Map.of("name", "x")))
                .hasMessage("behavior: is required");
        assertThatThrownBy(() -> Blocklist.fromMap(Map.of("name", "x", "behavior", "ban")))
                .hasMessage("behavior: must be flag, block or shadow");
        assertThatThrownBy(() -> Blocklist.fromMap(Map.of("name", "x", "behavior", 3)))
                .hasMessage("behavior: must be a string");
        assertThatThrownBy(() -> Blocklist.fromMap(Map.of("name", 7, "behavior", "flag")))
                .hasMessage("name: must be a string");
        assertThatThrownBy(() -> Blocklist.fromMap(Map.of("behavior", "flag")))
                .hasMessage("name: is required");
        assertThatThrownBy(() -> Blocklist.fromMap(Map.of("name", "x", "behavior", "flag", "words", "bad")))
                .hasMessage("words: must be an array of strings");
        assertThatThrownBy(() -> Blocklist.fromMap(Map.of("name", "x", "behavior", "flag", "words", List.of("a", 4))))
                .hasMessage("words[1]: must be a string");
        assertThatThrownBy(() -> Blocklist.fromMap(Map.of("name", "x", "behavior", "flag",
                "words", Arrays.asList("a", null))))
                .hasMessage("words[1]: must not be null");
        assertThatThrownBy(() -> Blocklist.fromMap(Map.of("name", "x", "behavior", "flag", "patterns", List.of("ok", "("))))
                .hasMessageStartingWith("patterns[1]: is not a valid RE2 expression");
    }

    @Test
    void errorsDoNotRepeatTheRejectedValue() {
        assertThatThrownBy(() -> words("ok", "secretword".repeat(11))).message().doesNotContain("secretword");
        assertThatThrownBy(() -> patterns("secret(")).message().doesNotContain("secret");
        assertThatThrownBy(() -> Blocklist.fromMap(Map.of("name", "x", "behavior", "secret")))
                .message().doesNotContain("secret");
    }
}
