package io.chatsdk.engine.redact;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Properties of masking over generated card numbers, SSNs and IBANs, and of scanning hostile text. */
class RedactorPropertiesTest {
    private static final Redactor MASKING = new Redactor(RedactionSettings.of(RedactionPolicy.MASK));
    private static final String OPEN = " \u27E6 ";  // ⟦: neither a word character nor a separator
    private static final String CLOSE = " \u27E7 "; // ⟧

    /** The issuer table of {@link CardNumbers}: prefix range and PAN lengths. */
    private record Issuer(int low, int high, int minLength, int maxLength) {
    }

    private static final List<Issuer> ISSUERS = List.of(
            new Issuer(4, 4, 13, 19), new Issuer(51, 55, 13, 19), new Issuer(2221, 2720, 13, 19),
            new Issuer(34, 34, 15, 15), new Issuer(37, 37, 15, 15), new Issuer(6011, 6011, 13, 19),
            new Issuer(644, 649, 13, 19), new Issuer(65, 65, 13, 19), new Issuer(3528, 3589, 13, 19),
            new Issuer(300, 305, 13, 19), new Issuer(36, 36, 13, 19), new Issuer(38, 39, 13, 19),
            new Issuer(62, 62, 13, 19), new Issuer(50, 50, 13, 19), new Issuer(56, 69, 13, 19));

    @Provide
    Arbitrary<String> pans() {
        return Arbitraries.of(ISSUERS).flatMap(issuer -> Combinators.combine(
                Arbitraries.integers().between(issuer.low(), issuer.high()),
                Arbitraries.integers().between(issuer.minLength(), issuer.maxLength()),
                Arbitraries.strings().numeric().ofLength(19))
                .as((prefix, length, filler) -> CardNumberTest.withCheckDigit((prefix + filler).substring(0, length - 1))));
    }

    /** Group sizes to cut a number into, used cyclically; one size of 19 or more leaves it whole. */
    @Provide
    Arbitrary<List<Integer>> groupSizes() {
        return Arbitraries.integers().between(1, 19).list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<String>> separators() {
        return Arbitraries.of(" ", "-", "\u00A0", "\u2013", "\u3000", " \u200B").list().ofMinSize(1).ofMaxSize(4);
    }

    /** Digit scripts by their zero: ASCII, fullwidth, Arabic-Indic, mathematical bold (astral). */
    @Provide
    Arbitrary<Integer> zeros() {
        return Arbitraries.of((int) '0', 0xFF10, 0x0660, 0x1D7CE);
    }

    @Property(tries = 500)
    void aMaskedCardKeepsAtMostItsFirstSixAndLastFourDigits(
            @ForAll("pans") String pan, @ForAll("groupSizes") List<Integer> sizes,
            @ForAll("separators") List<String> separators, @ForAll("zeros") int zero,
            @ForAll @StringLength(max = 30) String before, @ForAll @StringLength(max = 30) String after) {
        String card = format(pan, sizes, separators, zero);
        String text = clean(before) + OPEN + card + CLOSE + clean(after);
        int start = clean(before).length() + OPEN.length();

        Redactor.Result result = MASKING.redact(text);

        assertThat(result.findings()).contains(new Finding(DetectorKind.CARD, null, start, start + card.length()));
        String masked = result.text().substring(result.text().indexOf(OPEN) + OPEN.length(), result.text().indexOf(CLOSE));
        assertThat(masked).isEqualTo(expectedMask(card, 6, 4));
        assertThat(asciiDigits(masked)).isEqualTo(pan.substring(0, 6) + pan.substring(pan.length() - 4));
        assertThat(result.text()).doesNotContain(card);
    }

    @Property(tries = 300)
    void aValidSsnKeepsOnlyItsLastFour(@ForAll("ssns") String ssn, @ForAll("zeros") int zero,
                                       @ForAll @StringLength(max = 30) String before) {
        String written = format(ssn, List.of(3, 2, 4), List.of(zero == '0' ? "-" : " "), zero);
        String text = clean(before) + OPEN + written + CLOSE;

        String masked = MASKING.redact(text).text();

        String region = masked.substring(masked.indexOf(OPEN) + OPEN.length(), masked.indexOf(CLOSE));
        assertThat(region).isEqualTo(expectedMask(written, 0, 4));
        assertThat(asciiDigits(region)).isEqualTo(ssn.substring(5));
    }

    @Provide
    Arbitrary<String> ssns() {
        return Combinators.combine(Arbitraries.integers().between(1, 899).filter(area -> area != 666),
                        Arbitraries.integers().between(1, 99), Arbitraries.integers().between(1, 9999))
                .as((area, group, serial) -> String.format("%03d%02d%04d", area, group, serial));
    }

    @Property(tries = 300)
    void aValidIbanKeepsItsCountryAndLastFour(@ForAll("countries") String country, @ForAll boolean spaced,
                                             @ForAll @StringLength(min = 30, max = 30) String seed) {
        int length = Ibans.LENGTHS.get(country);
        StringBuilder bban = new StringBuilder();
        for (int i = 0; i < length - 4; i++) {
            char c = seed.charAt(i);
            bban.append(c % 3 == 0 ? (char) ('A' + c % 26) : (char) ('0' + c % 10));
        }
        String iban = IbanTest.iban(country, bban.toString());
        String written = spaced ? iban.replaceAll("(.{4})(?!$)", "$1 ") : iban;

        Redactor.Result result = MASKING.redact("IBAN" + OPEN + written + CLOSE);

        assertThat(result.findings()).containsExactly(
                new Finding(DetectorKind.IBAN, null, 4 + OPEN.length(), 4 + OPEN.length() + written.length()));
        String region = result.text().substring(4 + OPEN.length(), result.text().indexOf(CLOSE));
        assertThat(region.replace(" ", "")).isEqualTo(country + "*".repeat(length - 6) + iban.substring(length - 4));
    }

    @Provide
    Arbitrary<String> countries() {
        return Arbitraries.of(Ibans.LENGTHS.keySet());
    }

    /** Whatever the text, findings lie inside it, in order, apart, on code point boundaries, and are what they claim. */
    @Property(tries = 1000)
    void findingsOnHostileTextAreWellFormed(@ForAll("hostile") String text) {
        List<Finding> findings = MASKING.scan(text);

        int previousEnd = 0;
        for (Finding finding : findings) {
            assertThat(finding.start()).isGreaterThanOrEqualTo(previousEnd);
            assertThat(finding.end()).isLessThanOrEqualTo(text.length());
            assertThat(splitsSurrogatePair(text, finding.start()) || splitsSurrogatePair(text, finding.end())).isFalse();
            previousEnd = finding.end();
            String digits = asciiDigits(text.substring(finding.start(), finding.end()));
            if (finding.kind() == DetectorKind.CARD) {
                assertThat(digits.length()).isBetween(13, 19);
                assertThat(CardNumbers.luhnValid(CardNumberTest.digits(digits), 0, digits.length())).isTrue();
            } else if (finding.kind() == DetectorKind.SSN) {
                assertThat(digits).hasSize(9);
            }
        }
        Redactor.Result masked = MASKING.redact(text);
        assertThat(masked.findings()).isEqualTo(findings);
        for (Finding finding : findings) {
            if (finding.kind() == DetectorKind.CARD) {
                assertThat(masked.text()).doesNotContain(text.substring(finding.start(), finding.end()));
            }
        }
    }

    @Provide
    Arbitrary<String> hostile() {
        return Arbitraries.strings()
                .withChars("0123456789012345678901234567890123456789  --４１٤@.abAB\u200B\u0301\uFE0F\u20E3")
                .withChars('\uD83D', '\uDE00', '\uD835', '\uDFD2')
                .ofMaxLength(120);
    }

    private static boolean splitsSurrogatePair(String text, int index) {
        return index > 0 && index < text.length()
                && Character.isHighSurrogate(text.charAt(index - 1)) && Character.isLowSurrogate(text.charAt(index));
    }

    /** The digits cut into groups of the given sizes (cyclically), joined by the separators (cyclically), in a script. */
    private static String format(String digits, List<Integer> sizes, List<String> separators, int zero) {
        StringBuilder out = new StringBuilder();
        int group = 0;
        int inGroup = 0;
        for (int i = 0; i < digits.length(); i++) {
            if (inGroup == sizes.get(group % sizes.size())) {
                out.append(separators.get(group % separators.size()));
                group++;
                inGroup = 0;
            }
            out.appendCodePoint(zero + digits.charAt(i) - '0');
            inGroup++;
        }
        return out.toString();
    }

    /** What masking must produce, computed independently: significant digits outside head and tail become '*'. */
    private static String expectedMask(String written, int head, int tail) {
        long total = written.codePoints().filter(cp -> Character.digit(cp, 10) >= 0).count();
        StringBuilder out = new StringBuilder();
        int[] seen = {0};
        written.codePoints().forEach(cp -> {
            if (Character.digit(cp, 10) >= 0) {
                seen[0]++;
                if (seen[0] <= head || seen[0] > total - tail) {
                    out.appendCodePoint(cp);
                } else {
                    out.append('*');
                }
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    private static String asciiDigits(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().map(cp -> Character.digit(cp, 10)).filter(d -> d >= 0).forEach(d -> out.append((char) ('0' + d)));
        return out.toString();
    }

    /** Random surrounding text, minus the markers this test uses to find the masked region again. */
    private static String clean(String text) {
        return text.replace('\u27E6', '?').replace('\u27E7', '?');
    }
}
