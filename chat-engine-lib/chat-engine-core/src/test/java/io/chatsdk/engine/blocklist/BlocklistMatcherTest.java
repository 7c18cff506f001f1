package io.chatsdk.engine.blocklist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static io.chatsdk.engine.blocklist.BlocklistBehavior.BLOCK;
import static io.chatsdk.engine.blocklist.BlocklistBehavior.FLAG;
import static io.chatsdk.engine.blocklist.BlocklistBehavior.SHADOW;
import static io.chatsdk.engine.blocklist.BlocklistMatch.Kind.PATTERN;
import static io.chatsdk.engine.blocklist.BlocklistMatch.Kind.WORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlocklistMatcherTest {
    private static final BlocklistMatcher BAD = words("bad");

    private static BlocklistMatcher words(String... words) {
        return new BlocklistMatcher(List.of(new Blocklist("words", BLOCK, List.of(words), List.of())));
    }

    private static BlocklistMatcher patterns(String... patterns) {
        return new BlocklistMatcher(List.of(new Blocklist("patterns", FLAG, List.of(), List.of(patterns))));
    }

    private static Optional<BlocklistMatch> wordHit(String list, BlocklistBehavior behavior) {
        return Optional.of(new BlocklistMatch(list, behavior, WORD));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "bad", "so bad!", "BAD", "Bad", "bAd",
        "ＢＡＤ", "ｂａｄ",                              // fullwidth
        "b\u0301a\u0308d", "bád", "BÁD", "b\u0327\u0301ad", "b\u20DDad",  // combining and enclosing marks
        "b\u200Bad", "b\u200Ca\u200Dd", "b\u2060ad", "\uFEFFbad", "ba\u00ADd", "b\uFE0Fad", "b\u3164ad",
        "\uD835\uDC1B\uD835\uDC1A\uD835\uDC1D",          // mathematical bold, folded by NFKC
        "ⓑⓐⓓ",                                           // circled letters
        "b a d", "b.a.d", "b-a-d", "B_A_D", "this is b a d, really", "a b a d day", "b*a*d",
        "B\u200B a\u200D d"                               // invisible characters go before the spacing is read
    })
    void evasionsOfAWordStillMatch(String text) {
        assertThat(BAD.match(text)).as(text).isEqualTo(wordHit("words", BLOCK));
    }

    @ParameterizedTest
    @ValueSource(strings = {"badly", "abad", "bade", "b ad", "ba d", "b  a  d", "b. a. d", "bd", "b4d", "",
        "b\u00A0\u00A0a d"})
    void nearMissesDoNotMatch(String text) {
        assertThat(BAD.match(text)).as(text).isEmpty();
    }

    @Test
    void wordsMatchOnWordBoundariesOnly() {
        BlocklistMatcher matcher = words("ass");
        assertThat(matcher.match("a classic passage, assessed")).isEmpty();
        assertThat(matcher.match("what an ass.")).isPresent();
        assertThat(matcher.match("(ass)")).isPresent();
        assertThat(matcher.match("smart-ass")).isPresent();
        assertThat(matcher.match("ass123")).as("digits are part of the word").isEmpty();
        assertThat(matcher.match("ass🙂")).as("emoji are boundaries").isPresent();
    }

    @Test
    void multiWordEntriesMatchAcrossAnySeparators() {
        BlocklistMatcher matcher = words("bad word");
        assertThat(matcher.match("a bad word here")).isPresent();
        assertThat(matcher.match("BAD,\n -- wörd!")).isPresent();
        assertThat(matcher.match("bad\u200B \u200Bword")).isPresent();
        assertThat(matcher.match("b a d w o r d")).as("spaced out").isPresent();
        assertThat(matcher.match("bad")).isEmpty();
        assertThat(matcher.match("word bad")).isEmpty();
        assertThat(matcher.match("bad words")).isEmpty();
        assertThat(matcher.match("badword")).isEmpty();
        assertThat(matcher.match("bad good word")).isEmpty();
    }

    @Test
    void entriesSharingAPrefixAreAllFound() {
        BlocklistMatcher matcher = words("bad", "bad word", "bad word again");
        assertThat(matcher.match("bad word again")).isPresent();
        assertThat(matcher.match("a bad wording")).isPresent();
        BlocklistMatcher longOnly = words("very bad word");
        assertThat(longOnly.match("very bad very bad word")).isPresent();
        assertThat(longOnly.match("very bad very bad")).isEmpty();
    }

    @Test
    void spacedLettersMatchOnlyEntriesOfThreeOrMoreLetters() {
        assertThat(words("abc").match("a b c")).as("intended: the collapse cannot tell these apart").isPresent();
        assertThat(words("abc").match("x y a b c d")).isPresent();
        assertThat(words("ok").match("o k")).isEmpty();
        assertThat(words("ok").match("ok")).isPresent();
        assertThat(words("abcd").match("a b c")).isEmpty();
    }

    @Test
    void caseFoldingGoesBeyondLowerCase() {
        assertThat(words("strasse").match("STRAẞE")).isPresent();
        assertThat(words("straße").match("STRASSE")).isPresent();
        assertThat(words("λογος").match("ΛΟΓΟΣ")).isPresent();
        assertThat(words("λογος").match("λογοσ")).isPresent();
        // A case-ignorable dot before a letter makes toLowerCase write σ, not ς, at the end of the word.
        assertThat(words("λογος").match("ΛΟΓΟΣ.Α")).isPresent();
        assertThat(words("kiz").match("kız")).isPresent();
        assertThat(words("iyi").match("İYİ")).isPresent();
    }

    @Test
    void otherScripts() {
        assertThat(words("дурак").match("Ты ДУРАК!")).isPresent();
        assertThat(words("дурак").match("дураки")).isEmpty();
        assertThat(words("坏人").match("你是坏人吗")).as("Han characters are words of their own").isPresent();
        assertThat(words("坏人").match("坏的人")).isEmpty();
        assertThat(words("ﾊﾞｶ").match("お前はバカだ")).as("halfwidth katakana").isPresent();
        assertThat(words("나쁜").match("너는 나쁜 사람")).isPresent();
        assertThat(words("나쁜").match("나쁜놈")).as("Hangul is written with spaces").isEmpty();
    }

    @Test
    void precedenceIsBlockThenShadowThenFlagThenListOrder() {
        Blocklist flag = new Blocklist("flag1", FLAG, List.of("a1", "all"), List.of());
        Blocklist shadow = new Blocklist("shadow1", SHADOW, List.of("b1", "all"), List.of());
        Blocklist shadow2 = new Blocklist("shadow2", SHADOW, List.of("b2", "all"), List.of());
        Blocklist block = new Blocklist("block1", BLOCK, List.of("c1", "all"), List.of("zz+"));
        BlocklistMatcher matcher = new BlocklistMatcher(List.of(flag, shadow, shadow2, block));

        assertThat(matcher.match("all")).isEqualTo(wordHit("block1", BLOCK));
        assertThat(matcher.match("a1 b1 c1")).isEqualTo(wordHit("block1", BLOCK));
        assertThat(matcher.match("c1 b2 a1")).isEqualTo(wordHit("block1", BLOCK));
        assertThat(matcher.match("a1 b2 b1")).isEqualTo(wordHit("shadow1", SHADOW));
        assertThat(matcher.match("b2 a1")).isEqualTo(wordHit("shadow2", SHADOW));
        assertThat(matcher.match("a1")).isEqualTo(wordHit("flag1", FLAG));
        assertThat(matcher.match("a1 b1 zzz")).contains(new BlocklistMatch("block1", BLOCK, PATTERN));
        assertThat(matcher.match("nothing")).isEmpty();
    }

    @Test
    void withinAListWordsComeBeforePatternsAndStrongerPatternsBeforeWeakerWords() {
        Blocklist both = new Blocklist("both", SHADOW, List.of("bad"), List.of("b[a@]d"));
        Blocklist weak = new Blocklist("weak", FLAG, List.of("meh"), List.of());
        BlocklistMatcher matcher = new BlocklistMatcher(List.of(weak, both));

        assertThat(matcher.match("bad")).contains(new BlocklistMatch("both", SHADOW, WORD));
        assertThat(matcher.match("b@d")).contains(new BlocklistMatch("both", SHADOW, PATTERN));
        assertThat(matcher.match("meh b@d")).contains(new BlocklistMatch("both", SHADOW, PATTERN));
        assertThat(matcher.match("meh")).contains(new BlocklistMatch("weak", FLAG, WORD));
    }

    @Test
    void patternsRunCaseInsensitivelyOnTheNormalisedText() {
        BlocklistMatcher matcher = patterns("B[A@4]+D", "\\d{3}-\\d{4}");
        assertThat(matcher.match("so b@@d")).contains(new BlocklistMatch("patterns", FLAG, PATTERN));
        assertThat(matcher.match("ＢＡＡＤ")).isPresent();
        assertThat(matcher.match("b\u200Bá\u0301d")).isPresent();
        assertThat(matcher.match("call ５５５-１２３４")).as("fullwidth digits").isPresent();
        assertThat(matcher.match("embedded inbaad text")).as("patterns are not bound to words").isPresent();
        assertThat(matcher.match("good")).isEmpty();
        assertThat(patterns("\\bbad\\b").match("badly")).isEmpty();
    }

    @Test
    void anEmptyFirstMatchDoesNotCount() {
        // Passes the probes (their words start with a, 0 or _), yet finds an empty match at the start of "bob".
        BlocklistMatcher matcher = patterns("[a0_]|^\\b");
        assertThat(matcher.match("bob")).isEmpty();
        assertThat(matcher.match("a")).isPresent();
    }

    @Test
    void pathologicalPatternsRunInLinearTime() {
        String as = "a".repeat(BlocklistMatcher.MAX_TEXT_LENGTH - 1) + "!";
        String xs = "x".repeat(BlocklistMatcher.MAX_TEXT_LENGTH);
        // With a backtracking engine either of these would take longer than the age of the universe.
        assertThat(patterns("(a+)+$").match(as)).isEmpty();
        assertThat(patterns("(x+x+)+y").match(xs)).isEmpty();
        assertThat(patterns("(x+x+)+y").match(xs.substring(1) + "y")).isPresent();
    }

    @Test
    void aLongTextAgainstTenThousandWordsCompletes() {
        List<String> entries = new ArrayList<>();
        IntStream.range(0, 9_999).forEach(i -> entries.add("w" + Integer.toString(i, 36) + " x" + i % 7));
        entries.add("needle");
        BlocklistMatcher matcher = new BlocklistMatcher(List.of(new Blocklist("big", SHADOW, entries, List.of())));
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < BlocklistMatcher.MAX_TEXT_LENGTH - 20; i++) {
            text.append('w').append(Integer.toString(i % 5000, 36)).append(' ').append("a b c ");
        }
        String haystack = text.toString();

        assertThat(matcher.match(haystack)).isEmpty();
        assertThat(matcher.match(haystack + " needle")).isPresent();
        assertThat(matcher.match(haystack.substring(0, 5000) + " w1 x1")).isPresent();
    }

    @Test
    void textBeyondTheCapIsNotMatched() {
        String filler = "x ".repeat(BlocklistMatcher.MAX_TEXT_LENGTH / 2);
        assertThat(BAD.match(filler.substring(0, BlocklistMatcher.MAX_TEXT_LENGTH - 4) + "bad")).isPresent();
        assertThat(BAD.match(filler + "bad")).isEmpty();
        String split = "x".repeat(BlocklistMatcher.MAX_TEXT_LENGTH - 1) + "\uD835\uDC1B";
        assertThat(BlocklistMatcher.cap(split)).hasSize(BlocklistMatcher.MAX_TEXT_LENGTH - 1);
    }

    @Test
    void theMatchNeverCarriesTheText() {
        BlocklistMatch match = words("secretword").match("my secretword").orElseThrow();
        assertThat(match.toString()).doesNotContain("secretword")
                .isEqualTo("BlocklistMatch[listName=words, behavior=BLOCK, kind=WORD]");
    }

    @Test
    void emptyListsMatchNothing() {
        assertThat(new BlocklistMatcher(List.of()).match("bad")).isEmpty();
        assertThat(new BlocklistMatcher(List.of(new Blocklist("e", BLOCK, List.of(), List.of()))).match("bad")).isEmpty();
    }

    @Test
    void listsMustBeDistinctAndPresent() {
        Blocklist list = new Blocklist("same", FLAG, List.of("x"), List.of());
        assertThatThrownBy(() -> new BlocklistMatcher(List.of(list, list)))
                .hasMessage("lists[1].name: repeats an earlier name");
        assertThatThrownBy(() -> new BlocklistMatcher(java.util.Arrays.asList(list, null)))
                .hasMessage("lists[1]: must not be null");
        assertThat(new BlocklistMatcher(List.of(list)).lists()).containsExactly(list);
    }

    @Test
    void lonelySurrogatesAndControlCharactersAreHarmless() {
        assertThat(BAD.match("\uD800bad\uDC00")).isPresent();
        assertThat(BAD.match("\u0000\uD800\uDFFF\u0007")).isEmpty();
    }
}
