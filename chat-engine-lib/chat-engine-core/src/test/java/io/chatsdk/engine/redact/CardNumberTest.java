package io.chatsdk.engine.redact;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CardNumberTest {
    private static final Redactor CARDS = new Redactor(
            RedactionSettings.of(RedactionPolicy.MASK).withKinds(EnumSet.of(DetectorKind.CARD)));

    /** The brands' published test PANs, one per brand or range. */
    private static final String[] TEST_PANS = {
        "4111111111111111", "5555555555554444", "2223003122003222", "378282246310005",
        "6011111111111117", "3530111333300000", "30569309025904",
    };

    /** Completes {@code body} with the Luhn check digit. */
    static String withCheckDigit(String body) {
        for (char check = '0'; check <= '9'; check++) {
            String pan = body + check;
            byte[] digits = digits(pan);
            if (CardNumbers.luhnValid(digits, 0, digits.length)) {
                return pan;
            }
        }
        throw new AssertionError("no check digit for " + body);
    }

    static byte[] digits(String number) {
        byte[] digits = new byte[number.length()];
        for (int i = 0; i < digits.length; i++) {
            digits[i] = (byte) (number.charAt(i) - '0');
        }
        return digits;
    }

    /** Groups of four, the last one shorter (Amex and Diners print differently, but detection must not care). */
    private static String grouped(String pan, String separator) {
        return String.join(separator, pan.split("(?<=\\G.{4})"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111111", "5555555555554444", "2223003122003222", "378282246310005",
        "6011111111111117", "3530111333300000", "30569309025904"})
    void detectsEachBrandsTestPanPlainWithSpacesAndWithDashes(String pan) {
        for (String separator : List.of("", " ", "-")) {
            String card = grouped(pan, separator);
            String text = "pay with " + card + ", thanks";

            Redactor.Result result = CARDS.redact(text);

            assertThat(result.findings()).as(card)
                    .containsExactly(new Finding(DetectorKind.CARD, null, 9, 9 + card.length()));
            String masked = result.text().substring(9, 9 + card.length());
            assertThat(masked.replaceAll("[^0-9]", ""))
                    .isEqualTo(pan.substring(0, 6) + pan.substring(pan.length() - 4));
            assertThat(masked.replaceAll("[0-9*]", "")).isEqualTo(card.replaceAll("[0-9]", ""));
            assertThat(result.text()).startsWith("pay with ").endsWith(", thanks").doesNotContain(pan);
        }
    }

    @Test
    void masksAsPciAllowsKeepingSeparators() {
        assertThat(CARDS.redact("4111 1111 1111 1111").text()).isEqualTo("4111 11** **** 1111");
        assertThat(CARDS.redact("4111-1111-1111-1111").text()).isEqualTo("4111-11**-****-1111");
        assertThat(CARDS.redact("378282246310005").text()).isEqualTo("378282*****0005");
    }

    @Test
    void luhnInvalidNumbersAreNotCards() {
        for (String pan : TEST_PANS) {
            char last = pan.charAt(pan.length() - 1);
            String broken = pan.substring(0, pan.length() - 1) + (char) ('0' + (last - '0' + 1) % 10);
            assertThat(CARDS.scan("card " + broken)).as(broken).isEmpty();
            assertThat(CARDS.scan("card " + pan)).as(pan).hasSize(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"100000000000000", "700000000000000", "800000000000000", "900000000000000",
        "000000000000000", "222000000000000", "272100000000000", "350000000000000", "352700000000000",
        "359000000000000", "306000000000000", "310000000000000"})
    void luhnValidNumbersOutsideKnownIssuerRangesAreNotCards(String body) {
        String number = withCheckDigit(body);
        assertThat(CARDS.scan("ref " + number)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"2220,false", "2221,true", "2720,true", "2721,false", "3527,false", "3528,true", "3589,true",
        "3590,false", "3000,true", "3059,true", "3060,false", "3600,true", "3800,true", "3900,true", "5000,true",
        "5100,true", "5500,true", "5600,true", "6011,true", "6200,true", "6440,true", "6500,true", "6900,true",
        "4000,true", "1000,false", "7000,false"})
    void issuerTableBoundaries(String prefix, boolean known) {
        byte[] digits = digits(prefix + "000000000000");
        assertThat(CardNumbers.knownIssuer(digits, 0, 16)).as(prefix).isEqualTo(known);
    }

    @Test
    void amexIsFifteenDigitsOnly() {
        assertThat(CardNumbers.knownIssuer(digits("340000000000000"), 0, 15)).isTrue();
        assertThat(CardNumbers.knownIssuer(digits("3400000000000000"), 0, 16)).isFalse();
        assertThat(CARDS.scan(withCheckDigit("370000000000000"))).isEmpty();
    }

    @Test
    void lengthsOutsideThirteenToNineteenAreNotCards() {
        assertThat(CARDS.scan(withCheckDigit("41111111111"))).isEmpty();              // 12 digits
        assertThat(CARDS.scan(withCheckDigit("411111111111"))).hasSize(1);            // 13 digits
        assertThat(CARDS.scan(withCheckDigit("411111111111111111"))).hasSize(1);      // 19 digits
        assertThat(CARDS.scan(withCheckDigit("4111111111111111111"))).isEmpty();      // 20 digits
    }

    @Test
    void numbersInsideLongerDigitOrLetterRunsAreNotCards() {
        assertThat(CARDS.scan("0041111111111111110")).isEmpty();
        assertThat(CARDS.scan("41111111111111119999")).isEmpty();
        assertThat(CARDS.scan("ID4111111111111111")).isEmpty();
        assertThat(CARDS.scan("4111111111111111x")).isEmpty();
        assertThat(CARDS.scan("4111 1111 1111 1111abc")).isEmpty();
        // punctuation is a boundary, a letter is not
        assertThat(CARDS.scan("(4111111111111111)")).hasSize(1);
        assertThat(CARDS.scan("#4111111111111111.")).hasSize(1);
    }

    @Test
    void aCardAmongOtherDigitGroupsOfAChainIsFound() {
        String text = "ref 12 4111 1111 1111 1111 2024";
        assertThat(CARDS.scan(text)).containsExactly(new Finding(DetectorKind.CARD, null, 7, 26));
        assertThat(CARDS.redact(text).text()).isEqualTo("ref 12 4111 11** **** 1111 2024");
    }

    @Test
    void separatorsMustBeSingle() {
        assertThat(CARDS.scan("4111 - 1111 - 1111 - 1111")).isEmpty();
        assertThat(CARDS.scan("4111--1111--1111--1111")).isEmpty();
        assertThat(CARDS.scan("4111/1111/1111/1111")).isEmpty();
    }

    @Test
    void fullwidthDigitsAreCardsWithOffsetsIntoTheOriginal() {
        String card = "４１１１ １１１１ １１１１ １１１１";
        String text = "😀 " + card + " 😀";

        Redactor.Result result = CARDS.redact(text);

        assertThat(result.findings()).containsExactly(new Finding(DetectorKind.CARD, null, 3, 3 + card.length()));
        assertThat(text.substring(3, 3 + card.length())).isEqualTo(card);
        assertThat(result.text()).isEqualTo("😀 ４１１１ １１** **** １１１１ 😀");
    }

    @Test
    void otherScriptsAndAstralDigitsCount() {
        String arabicIndic = inScript("4111111111111111", 0x0660);
        assertThat(CARDS.redact(arabicIndic).text()).isEqualTo(inScript("411111", 0x0660) + "******" + inScript("1111", 0x0660));
        String mathBold = inScript("4111111111111111", 0x1D7CE); // astral: two chars per digit
        assertThat(mathBold).hasSize(32);
        assertThat(CARDS.scan("x " + mathBold + " y")).containsExactly(new Finding(DetectorKind.CARD, null, 2, 34));
        assertThat(CARDS.redact(mathBold).text()).isEqualTo(inScript("411111", 0x1D7CE) + "******" + inScript("1111", 0x1D7CE));
    }

    /** The ASCII digits of {@code ascii} written with the script whose zero is {@code zero}. */
    private static String inScript(String ascii, int zero) {
        StringBuilder out = new StringBuilder();
        ascii.chars().forEach(c -> out.appendCodePoint(zero + c - '0'));
        return out.toString();
    }

    @Test
    void invisibleCharactersAndMarksDoNotHideACard() {
        assertThat(CARDS.redact("4111\u200B1111\u200B1111\u200B1111").text())
                .isEqualTo("4111\u200B11**\u200B****\u200B1111");
        assertThat(CARDS.redact("4\u0301" + "111111111111111").text()).isEqualTo("4\u0301" + "11111******1111");
        String keycaps = "4\uFE0F\u20E31\uFE0F\u20E31\uFE0F\u20E31\uFE0F\u20E3 1111 1111 1111";
        assertThat(CARDS.scan(keycaps)).containsExactly(new Finding(DetectorKind.CARD, null, 0, keycaps.length()));
        // a combining mark on a letter before the digits still glues them to that letter
        assertThat(CARDS.scan("e\u03014111111111111111")).isEmpty();
    }

    @Test
    void luhn() {
        assertThat(CardNumbers.luhnValid(digits("79927398713"), 0, 11)).isTrue();
        assertThat(CardNumbers.luhnValid(digits("79927398710"), 0, 11)).isFalse();
        assertThat(CardNumbers.luhnValid(digits("0"), 0, 1)).isTrue();
    }
}
