package io.chatsdk.engine.redact;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

class IbanTest {
    private static final Redactor IBANS = new Redactor(
            RedactionSettings.of(RedactionPolicy.MASK).withKinds(EnumSet.of(DetectorKind.IBAN)));

    /** A valid IBAN for {@code country} and {@code bban}: the check digits make the mod-97 remainder 1. */
    static String iban(String country, String bban) {
        String zeroed = country + "00" + bban;
        int check = 98 - Ibans.mod97(zeroed.toCharArray(), zeroed.length());
        return country + (check < 10 ? "0" : "") + check + bban;
    }

    @Test
    void checkDigitsAreComputedLikeTheRegistrysExamples() {
        assertThat(iban("GB", "WEST12345698765432")).isEqualTo("GB82WEST12345698765432");
        assertThat(iban("DE", "370400440532013000")).isEqualTo("DE89370400440532013000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GB82WEST12345698765432", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32",
        "DE89 3704 0044 0532 0130 00", "DE89-3704-0044-0532-0130-00", "gb82west12345698765432", "NO9386011117947",
        "MT84MALT011000012345MTLCAST001S", "FR1420041010050500013M02606", "BR1800360305000010009795493C1"})
    void validIbansAreFound(String iban) {
        String text = "send to " + iban + ".";
        assertThat(IBANS.scan(text)).containsExactly(new Finding(DetectorKind.IBAN, null, 8, 8 + iban.length()));
    }

    @Test
    void masksAllButCountryAndLastFour() {
        assertThat(IBANS.redact("GB82WEST12345698765432").text()).isEqualTo("GB****************5432");
        assertThat(IBANS.redact("iban: GB82 WEST 1234 5698 7654 32 ok").text())
                .isEqualTo("iban: GB** **** **** **** **54 32 ok");
    }

    @Test
    void oneChangedDigitFailsTheCheck() {
        assertThat(IBANS.scan("GB82WEST12345698765433")).isEmpty();
        assertThat(IBANS.scan("DE89370400440532013001")).isEmpty();
        assertThat(IBANS.scan("GB83WEST12345698765432")).isEmpty();
        assertThat(IBANS.scan("DE89 3704 0044 0532 0130 10")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GB82WEST1234569876543",      // one character short for GB
        "GB82WEST123456987654321",    // one too many, and not split off
        "XX82WEST12345698765432",     // no such country
        "xGB82WEST12345698765432",    // glued to a letter
        "GB82WEST12345698765432é",    // glued to a letter of another script
        "GB82 WEST1234 5698 7654 32", // groups must be of four
        "GB82  WEST 1234 5698 7654 32", // one separator at a time
        "G B82WEST12345698765432",
    })
    void malformedIbansAreNotFound(String text) {
        assertThat(IBANS.scan(text)).isEmpty();
    }

    @Test
    void fullwidthIbanIsFoundWithOriginalOffsets() {
        String iban = "ＧＢ８２ＷＥＳＴ１２３４５６９８７６５４３２";
        String text = "😀" + iban;
        assertThat(IBANS.redact(text).findings()).containsExactly(new Finding(DetectorKind.IBAN, null, 2, text.length()));
        assertThat(IBANS.redact(text).text()).isEqualTo("😀ＧＢ****************５４３２");
    }

    @Test
    void everyRegistryLengthIsPlausible() {
        assertThat(Ibans.LENGTHS).hasSizeGreaterThan(80).containsEntry("GB", 22).containsEntry("DE", 22)
                .containsEntry("NO", 15).containsEntry("LC", 32).containsEntry("RU", 33);
        assertThat(Ibans.LENGTHS.values()).allMatch(length -> length >= 15 && length <= Ibans.MAX_LENGTH);
    }

    @Test
    void mod97() {
        assertThat(Ibans.mod97("GB82WEST12345698765432".toCharArray(), 22)).isEqualTo(1);
        assertThat(Ibans.mod97("GB82WEST12345698765433".toCharArray(), 22)).isNotEqualTo(1);
    }
}
