package io.chatsdk.engine.blocklist;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Properties of matching over generated words and disguised texts. */
class BlocklistPropertiesTest {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String[] INVISIBLE = {"\u200B", "\u200C", "\u200D", "\u2060", "\u00AD", "\uFEFF", "\uFE0F"};
    private static final String[] MARKS = {"\u0301", "\u0308", "\u0327", "\u0332", "\u20DD"};
    private static final String[] SEPARATORS = {" ", ", ", "! ", "\n", " - ", "\u3000", "... ", " 🙂 "};

    @Provide
    Arbitrary<String> words() {
        return Arbitraries.strings().withChars(ALPHABET).ofMinLength(1).ofMaxLength(12);
    }

    @Provide
    Arbitrary<List<String>> sentences() {
        return words().list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> separators() {
        return Arbitraries.of(SEPARATORS);
    }

    private static BlocklistMatcher matcher(String word) {
        return new BlocklistMatcher(List.of(new Blocklist("w", BlocklistBehavior.FLAG, List.of(word), List.of())));
    }

    @Property(tries = 500)
    void aStandaloneWordMatchesHoweverItIsDisguised(
            @ForAll("words") String word, @ForAll("sentences") List<String> before,
            @ForAll("sentences") List<String> after, @ForAll("separators") String separator, @ForAll long seed) {
        String text = String.join(separator, before) + separator + word + separator + String.join(separator, after);

        String disguised = disguise(text, new Random(seed));

        assertThat(matcher(word).match(disguised)).as("%s in %s", word, escaped(disguised)).isPresent();
    }

    @Property(tries = 300)
    void aWordInsideALongerWordDoesNotMatch(
            @ForAll("words") String word,
            @ForAll @StringLength(min = 1, max = 4) @CharRange(from = 'a', to = 'z') String prefix,
            @ForAll @StringLength(max = 4) @CharRange(from = 'a', to = 'z') String suffix, @ForAll long seed) {
        Random random = new Random(seed);
        String glued = random.nextBoolean() ? prefix + word + suffix : suffix + word + prefix;

        String disguised = disguise(glued, random);

        assertThat(matcher(word).match(disguised)).as("%s in %s", word, escaped(disguised)).isEmpty();
    }

    @Property(tries = 300)
    void aWordOfThreeOrMoreLettersMatchesSpacedOut(
            @ForAll("words") String word, @ForAll("sentences") List<String> before, @ForAll long seed) {
        Random random = new Random(seed);
        String spacer = Character.toString(". -_*/|".charAt(random.nextInt(7)));
        String spaced = String.join(spacer, word.split(""));
        String text = String.join(" ", before) + " " + spaced + "!";

        boolean matched = matcher(word).match(disguise(text, random)).isPresent();

        // One letter is a word as it stands; two letters are too few to be read across the spacing.
        boolean expected = word.length() != 2 || before.contains(word);
        assertThat(matched).as("%s spaced as %s", word, spaced).isEqualTo(expected);
    }

    @Property(tries = 300)
    void foldingIsIdempotentAndEveryEntryMatchesItself(
            @ForAll String text, @ForAll @Size(max = 3) List<@StringLength(min = 1, max = 10) String> entries) {
        String folded = FoldedText.fold(text);
        assertThat(FoldedText.fold(folded)).isEqualTo(folded);
        List<String> usable = entries.stream().filter(BlocklistPropertiesTest::isUsableWord).toList();
        BlocklistMatcher matcher = new BlocklistMatcher(List.of(new Blocklist("x", BlocklistBehavior.BLOCK, usable, List.of())));
        assertThat(matcher.match(text)).isNotNull();
        for (String entry : usable) {
            assertThat(matcher.match(entry)).as(escaped(entry)).isPresent();
        }
    }

    private static boolean isUsableWord(String entry) {
        try {
            new Blocklist("probe", BlocklistBehavior.FLAG, List.of(entry), List.of());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Random case, fullwidth forms, invisible characters and combining marks, as a sender trying to evade would. */
    static String disguise(String text, Random random) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            int shown = random.nextBoolean() ? Character.toUpperCase(cp) : cp;
            if (shown >= '!' && shown <= '~' && random.nextInt(3) == 0) {
                shown += 0xFEE0;  // the fullwidth form of an ASCII character
            }
            out.appendCodePoint(shown);
            if (Character.isLetter(cp) && random.nextInt(4) == 0) {
                out.append(MARKS[random.nextInt(MARKS.length)]);
            }
            if (random.nextInt(3) == 0) {
                out.append(INVISIBLE[random.nextInt(INVISIBLE.length)]);
            }
        }
        return out.toString();
    }

    private static String escaped(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> out.append(cp >= 0x20 && cp < 0x7F ? Character.toString(cp)
                : String.format("\\u{%X}", cp)));
        return out.toString();
    }
}
