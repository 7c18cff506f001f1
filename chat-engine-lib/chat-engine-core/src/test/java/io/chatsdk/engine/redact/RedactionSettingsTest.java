package io.chatsdk.engine.redact;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedactionSettingsTest {

    @Test
    void defaultIsOffWithEveryKindSoExistingAppsAreUnaffected() {
        assertThat(RedactionSettings.DEFAULT.policy()).isEqualTo(RedactionPolicy.OFF);
        assertThat(RedactionSettings.DEFAULT.kinds()).containsExactly(DetectorKind.values());
        assertThat(RedactionSettings.DEFAULT.phoneRegion()).isEqualTo("US");
        assertThat(RedactionSettings.DEFAULT.customPatterns()).isEmpty();
        assertThat(RedactionSettings.fromMap(Map.of())).isEqualTo(RedactionSettings.DEFAULT);
    }

    @Test
    void wireNames() {
        assertThat(RedactionPolicy.fromWire("mask")).isEqualTo(RedactionPolicy.MASK);
        assertThat(RedactionPolicy.REJECT.wire()).isEqualTo("reject");
        assertThat(DetectorKind.fromWire("kinds[0]", "iban")).isEqualTo(DetectorKind.IBAN);
        assertThatThrownBy(() -> RedactionPolicy.fromWire("MASK"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("policy: must be one of off, mask, reject");
        assertThatThrownBy(() -> RedactionPolicy.fromWire(null)).hasMessageStartingWith("policy: ");
        assertThatThrownBy(() -> DetectorKind.fromWire("kinds[3]", "pan"))
                .hasMessage("kinds[3]: must be one of card, ssn, iban, email, phone, custom");
    }

    @Test
    void mapRoundTrip() {
        RedactionSettings settings = new RedactionSettings(RedactionPolicy.REJECT,
                EnumSet.of(DetectorKind.PHONE, DetectorKind.CARD, DetectorKind.CUSTOM), "gb",
                List.of(new CustomPattern("mrn", "MRN-\\d{8}"), new CustomPattern("case_id", "CASE-[0-9]+")));

        Map<String, Object> map = settings.toMap();

        assertThat(settings.phoneRegion()).isEqualTo("GB");
        assertThat(map).containsExactly(
                Map.entry("policy", "reject"),
                Map.entry("kinds", List.of("card", "phone", "custom")),
                Map.entry("phone_region", "GB"),
                Map.entry("custom_patterns", List.of(Map.of("name", "mrn", "pattern", "MRN-\\d{8}"),
                        Map.of("name", "case_id", "pattern", "CASE-[0-9]+"))));
        assertThat(RedactionSettings.fromMap(map)).isEqualTo(settings);
    }

    @Test
    void fromMapAcceptsPartialInput() {
        RedactionSettings settings = RedactionSettings.fromMap(Map.of("policy", "mask", "kinds", List.of()));
        assertThat(settings.policy()).isEqualTo(RedactionPolicy.MASK);
        assertThat(settings.kinds()).isEmpty();
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("phone_region", null);
        assertThat(RedactionSettings.fromMap(withNull).phoneRegion()).isEqualTo("US");
    }

    @Test
    void anInvalidCustomPatternIsReportedByItsPath() {
        Map<String, Object> map = Map.of("policy", "mask", "custom_patterns", List.of(
                Map.of("name", "mrn", "pattern", "MRN-\\d{8}"),
                Map.of("name", "ok", "pattern", "x"),
                Map.of("name", "broken", "pattern", "MRN-(\\d{8}")));

        assertThatThrownBy(() -> RedactionSettings.fromMap(map))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("custom_patterns[2].pattern: is not a valid RE2 expression (");
    }

    @Test
    void fromMapErrorsNameTheField() {
        assertError(Map.of("polcy", "mask"), "polcy: is not a redaction setting (expected policy, kinds, phone_region, custom_patterns)");
        assertError(Map.of("policy", "redact"), "policy: must be one of off, mask, reject");
        assertError(Map.of("policy", 1), "policy: must be a string");
        assertError(Map.of("kinds", "card"), "kinds: must be an array");
        assertError(Map.of("kinds", List.of("card", "ssn", "passport")), "kinds[2]: must be one of card, ssn, iban, email, phone, custom");
        assertError(Map.of("kinds", Arrays.asList("card", null)), "kinds[1]: must be a string");
        assertError(Map.of("phone_region", "XX"), "phone_region: must be a two-letter region code such as US or GB");
        assertError(Map.of("custom_patterns", List.of("MRN-\\d+")), "custom_patterns[0]: must be an object with name and pattern");
        assertError(Map.of("custom_patterns", List.of(Map.of("name", "mrn"))), "custom_patterns[0].pattern: is required");
        assertError(Map.of("custom_patterns", List.of(Map.of("pattern", "x"))), "custom_patterns[0].name: is required");
        assertError(Map.of("custom_patterns", List.of(Map.of("name", "MRN", "pattern", "x"))),
                "custom_patterns[0].name: may hold 1-32 of the characters a-z 0-9 _ -");
        assertError(Map.of("custom_patterns", List.of(Map.of("name", "a", "pattern", "x", "flags", "i"))),
                "custom_patterns[0].flags: is not a custom pattern field (expected name, pattern)");
        assertError(Map.of("custom_patterns", List.of(Map.of("name", "a", "pattern", "x"), Map.of("name", "a", "pattern", "y"))),
                "custom_patterns[1].name: repeats an earlier name");
        assertError(Map.of("custom_patterns", Collections.nCopies(21, Map.of("name", "a", "pattern", "x"))),
                "custom_patterns: at most 20 allowed, got 21");
    }

    private static void assertError(Map<String, ?> map, String message) {
        assertThatThrownBy(() -> RedactionSettings.fromMap(map))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void customPatternRules() {
        assertThat(new CustomPattern("mrn-2_x", "MRN-\\d{8}").name()).isEqualTo("mrn-2_x");
        assertThat(new CustomPattern("a".repeat(32), "x".repeat(500)).regex()).hasSize(500);

        assertThatThrownBy(() -> new CustomPattern("a".repeat(33), "x")).hasMessage("name: may hold 1-32 of the characters a-z 0-9 _ -");
        assertThatThrownBy(() -> new CustomPattern("x", "x".repeat(501))).hasMessage("pattern: is longer than 500 characters");
        assertThatThrownBy(() -> new CustomPattern("x", "(a)\\1")).hasMessageStartingWith("pattern: is not a valid RE2 expression");
        assertThatThrownBy(() -> new CustomPattern("x", "(?=a)b")).hasMessageStartingWith("pattern: is not a valid RE2 expression");
        assertThatThrownBy(() -> new CustomPattern("x", "\\d*")).hasMessage("pattern: must not match the empty string");
        assertThatThrownBy(() -> new CustomPattern("x", "(a{1000}){1000}"))
                .hasMessageStartingWith("pattern: is too complex (compiles to ").hasMessageEndingWith(" instructions, at most 1000)");
        assertThat(new CustomPattern("x", "[\\p{L}]{900}").compiled().programSize()).isLessThanOrEqualTo(1000);
    }

    @Test
    void constructorChecks() {
        List<CustomPattern> twentyOne = IntStream.range(0, 21).mapToObj(i -> new CustomPattern("p" + i, "x")).toList();
        RedactionSettings defaults = RedactionSettings.DEFAULT;

        assertThat(defaults.withCustomPatterns(twentyOne.subList(0, 20)).customPatterns()).hasSize(20);
        assertThatThrownBy(() -> defaults.withCustomPatterns(twentyOne)).hasMessage("custom_patterns: at most 20 allowed, got 21");
        assertThatThrownBy(() -> defaults.withPolicy(null)).hasMessage("policy: is required");
        assertThatThrownBy(() -> defaults.withKinds(null)).hasMessage("kinds: is required (may be empty)");
        assertThatThrownBy(() -> defaults.withPhoneRegion("")).hasMessage("phone_region: is required");
        assertThatThrownBy(() -> defaults.withPhoneRegion("USA")).hasMessageStartingWith("phone_region: ");
        assertThat(defaults.withPhoneRegion("de").phoneRegion()).isEqualTo("DE");
        assertThatThrownBy(() -> defaults.kinds().add(DetectorKind.CARD)).isInstanceOf(UnsupportedOperationException.class);
    }
}
