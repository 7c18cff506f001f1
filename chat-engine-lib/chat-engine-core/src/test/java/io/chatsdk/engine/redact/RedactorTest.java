package io.chatsdk.engine.redact;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedactorTest {
    private static final RedactionSettings MASK = RedactionSettings.of(RedactionPolicy.MASK);
    private static final Redactor MASKING = new Redactor(MASK);

    private static Redactor only(DetectorKind... kinds) {
        return new Redactor(MASK.withKinds(EnumSet.of(kinds[0], kinds)));
    }

    @Test
    void theJavadocExampleHolds() {
        Redactor.Result result = MASKING.redact("card 4111 1111 1111 1111, call (212) 555-0123");
        assertThat(result.text()).isEqualTo("card 4111 11** **** 1111, call [phone]");
        assertThat(result.findings()).extracting(Finding::kind).containsExactly(DetectorKind.CARD, DetectorKind.PHONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"123-45-6789", "123 45 6789", "078-05-1120", "899-99-9999", "123\u201345\u20136789"})
    void validSsnsAreMaskedToTheirLastFour(String ssn) {
        Redactor.Result result = only(DetectorKind.SSN).redact("SSN: " + ssn + ".");
        assertThat(result.findings()).containsExactly(new Finding(DetectorKind.SSN, null, 5, 5 + ssn.length()));
        assertThat(result.text()).isEqualTo("SSN: " + ssn.replaceAll("\\d(?=.*\\D\\d{4}$)", "*") + ".");
        assertThat(result.text()).endsWith(ssn.substring(ssn.length() - 4) + ".").contains("***");
    }

    @Test
    void ssnMaskLooksLikeTheSpec() {
        assertThat(only(DetectorKind.SSN).redact("123-45-6789").text()).isEqualTo("***-**-6789");
    }

    @ParameterizedTest
    @ValueSource(strings = {"000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000",
        "123456789", "123-456789", "12-345-6789", "1234-56-7890", "123-45-6789-1", "1-123-45-6789", "a123-45-6789",
        "123-45 6789", "123/45/6789"})
    void invalidOrAmbiguousSsnsAreNotFound(String text) {
        assertThat(only(DetectorKind.SSN).scan(text)).isEmpty();
    }

    @Test
    void ssnNextToOtherNumbersJoinedDifferently() {
        assertThat(only(DetectorKind.SSN).redact("123-45-6789 2024").text()).isEqualTo("***-**-6789 2024");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jane@example.com", "john.doe+tag@mail.example.co.uk", "o'neil@x.io",
        "user_1%x@sub-domain.example.org", "müller@bücher.de", "A.B@EXAMPLE.COM", "a@b.cd"})
    void emailsAreReplaced(String email) {
        Redactor.Result result = only(DetectorKind.EMAIL).redact("write to " + email + ", today");
        assertThat(result.text()).isEqualTo("write to [email], today");
        assertThat(result.findings()).containsExactly(new Finding(DetectorKind.EMAIL, null, 9, 9 + email.length()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jane@localhost", "@example.com", "jane@", "jane at example dot com", "jane@example.c",
        "a@b@", "me@-example.com"})
    void nonEmailsAreLeftAlone(String text) {
        assertThat(only(DetectorKind.EMAIL).scan(text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"(212) 555-0123", "212-555-0123", "+1 212 555 0123", "+44 20 7946 0958", "+49 30 901820",
        "+33 1 42 68 53 00"})
    void phonesAreReplaced(String phone) {
        assertThat(only(DetectorKind.PHONE).redact("call " + phone + " now").text()).isEqualTo("call [phone] now");
    }

    @Test
    void nationalNumbersAreReadInTheAppsRegion() {
        String london = "call 020 7946 0958";
        assertThat(only(DetectorKind.PHONE).scan(london)).isEmpty();
        assertThat(new Redactor(MASK.withKinds(EnumSet.of(DetectorKind.PHONE)).withPhoneRegion("GB")).redact(london).text())
                .isEqualTo("call [phone]");
        assertThat(only(DetectorKind.PHONE).scan("order 12345 shipped")).isEmpty();
    }

    @Test
    void customPatternsAreReplacedByTheirName() {
        Redactor redactor = new Redactor(MASK.withCustomPatterns(List.of(
                new CustomPattern("mrn", "MRN-\\d{8}"), new CustomPattern("case-id", "(?i)case#[a-z]{3}\\d{3}"))));

        Redactor.Result result = redactor.redact("MRN-12345678 and CASE#abc123; MRN-1234 is too short");

        assertThat(result.text()).isEqualTo("[mrn] and [case-id]; MRN-1234 is too short");
        assertThat(result.findings()).containsExactly(new Finding(DetectorKind.CUSTOM, "mrn", 0, 12),
                new Finding(DetectorKind.CUSTOM, "case-id", 17, 28));
        assertThat(new Redactor(redactor.settings().withKinds(EnumSet.of(DetectorKind.CARD))).scan("MRN-12345678")).isEmpty();
    }

    @Test
    void overlapsGoToTheKindThatComesFirst() {
        // libphonenumber alone sees a phone inside the address; the e-mail wins
        String email = "john.2125550123@example.com";
        assertThat(only(DetectorKind.PHONE).scan(email)).isNotEmpty();
        assertThat(MASKING.scan(email)).containsExactly(new Finding(DetectorKind.EMAIL, null, 0, email.length()));

        // a German mobile number that is also a Luhn-valid Visa-range number: the card wins
        String number = "+49 1512 3456787";
        Redactor german = new Redactor(MASK.withPhoneRegion("DE"));
        assertThat(new Redactor(MASK.withPhoneRegion("DE").withKinds(EnumSet.of(DetectorKind.PHONE))).scan(number)).isNotEmpty();
        assertThat(german.scan(number)).containsExactly(new Finding(DetectorKind.CARD, null, 1, number.length()));
        assertThat(german.redact(number).text()).isEqualTo("+49 1512 ***6787");

        // a valid IBAN whose account part holds a Luhn-valid Visa-range run: the IBAN wins
        String iban = IbanTest.iban("DE", "411111111111111100").replaceAll("(.{4})(?!$)", "$1 ");
        assertThat(only(DetectorKind.CARD).scan(iban)).isNotEmpty();
        assertThat(MASKING.scan(iban)).containsExactly(new Finding(DetectorKind.IBAN, null, 0, iban.length()));
        assertThat(MASKING.redact(iban).text()).isEqualTo("DE** **** **** **** **11 00");

        // two custom patterns over the same text: the longer match wins, then the one listed first
        Redactor custom = new Redactor(MASK.withCustomPatterns(List.of(
                new CustomPattern("short", "AB\\d"), new CustomPattern("long", "AB\\d+"), new CustomPattern("same", "AB\\d"))));
        assertThat(custom.redact("AB1 AB12").text()).isEqualTo("[short] [long]");
    }

    @Test
    void rejectReportsFindingsAndLeavesTheTextAlone() {
        Redactor redactor = new Redactor(RedactionSettings.of(RedactionPolicy.REJECT));
        String text = "card 4111111111111111 ssn 123-45-6789";

        Redactor.Result result = redactor.redact(text);

        assertThat(result.text()).isSameAs(text);
        assertThat(result.hasFindings()).isTrue();
        assertThat(result.findings()).extracting(Finding::kind).containsExactly(DetectorKind.CARD, DetectorKind.SSN);
        assertThat(redactor.redact("nothing to see").hasFindings()).isFalse();
    }

    @Test
    void offLeavesTheTextAloneAndFindsNothingButScanStillWorks() {
        Redactor redactor = new Redactor(RedactionSettings.DEFAULT);
        String text = "card 4111111111111111";

        Redactor.Result result = redactor.redact(text);

        assertThat(result.text()).isSameAs(text);
        assertThat(result.findings()).isEmpty();
        assertThat(redactor.scan(text)).hasSize(1);
    }

    @Test
    void noKindsFindsNothing() {
        assertThat(new Redactor(MASK.withKinds(EnumSet.noneOf(DetectorKind.class))).redact("4111111111111111 a@b.io").text())
                .isEqualTo("4111111111111111 a@b.io");
    }

    @Test
    void findingsNeverCarryTheMatchedText() {
        Redactor redactor = new Redactor(MASK.withCustomPatterns(List.of(new CustomPattern("mrn", "MRN-\\d{8}"))));
        String text = "4111111111111111 123-45-6789 GB82WEST12345698765432 jane@example.com (212) 555-0123 MRN-12345678";

        List<Finding> findings = redactor.scan(text);

        assertThat(findings).extracting(Finding::kind).containsExactly(DetectorKind.CARD, DetectorKind.SSN,
                DetectorKind.IBAN, DetectorKind.EMAIL, DetectorKind.PHONE, DetectorKind.CUSTOM);
        for (Finding finding : findings) {
            String matched = text.substring(finding.start(), finding.end());
            assertThat(finding.toString()).doesNotContain(matched).doesNotContain(matched.substring(matched.length() - 4));
            assertThat(new FieldFinding("custom.note", finding).toString()).doesNotContain(matched);
        }
        assertThat(redactor.redact(text).toString()).doesNotContain("4111111111111111");
    }

    @Test
    void walksJsonLikeValuesWithPaths() {
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("title", "card 4111 1111 1111 1111");
        attachment.put("size", 1024);
        attachment.put("4111111111111111", null); // keys are not scanned
        Map<String, Object> custom = new LinkedHashMap<>();
        custom.put("note", "reach me at jane@example.com");
        custom.put("tags", List.of("ok", "ssn 123-45-6789"));
        custom.put("flag", true);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("attachments", List.of(attachment));
        message.put("custom", custom);

        Redactor.ValueResult result = MASKING.redactValue(message);

        assertThat(result.findings()).extracting(FieldFinding::path)
                .containsExactly("attachments[0].title", "custom.note", "custom.tags[1]");
        assertThat(result.findings()).extracting(f -> f.finding().kind())
                .containsExactly(DetectorKind.CARD, DetectorKind.EMAIL, DetectorKind.SSN);
        assertThat(result.findings().get(0).finding()).isEqualTo(new Finding(DetectorKind.CARD, null, 5, 24));
        Map<?, ?> masked = (Map<?, ?>) result.value();
        Map<?, ?> maskedAttachment = (Map<?, ?>) ((List<?>) masked.get("attachments")).get(0);
        assertThat(maskedAttachment.get("title")).isEqualTo("card 4111 11** **** 1111");
        assertThat(maskedAttachment.get("size")).isEqualTo(1024);
        assertThat(maskedAttachment.containsKey("4111111111111111")).isTrue();
        assertThat(((Map<?, ?>) masked.get("custom")).get("note")).isEqualTo("reach me at [email]");
        assertThat(((Map<?, ?>) masked.get("custom")).get("tags")).isEqualTo(List.of("ok", "ssn ***-**-6789"));
        assertThat(((Map<?, ?>) masked.get("custom")).get("flag")).isEqualTo(true);
        assertThat(((Map<?, ?>) masked.get("custom")).keySet()).asString().isEqualTo("[note, tags, flag]");
        // the caller's structure is untouched
        assertThat(attachment.get("title")).isEqualTo("card 4111 1111 1111 1111");
    }

    @Test
    void valueWalkUnderAPathAndUnderOtherPolicies() {
        List<Object> attachments = List.of(Map.of("title", "4111111111111111"));

        assertThat(MASKING.redactValue("attachments", attachments).findings()).extracting(FieldFinding::path)
                .containsExactly("attachments[0].title");
        assertThat(MASKING.redactValue("[0]").value()).isEqualTo("[0]");
        assertThat(MASKING.redactValue("note", "4111111111111111").value()).isEqualTo("411111******1111");

        Redactor.ValueResult rejected = new Redactor(RedactionSettings.of(RedactionPolicy.REJECT)).redactValue(attachments);
        assertThat(rejected.value()).isSameAs(attachments);
        assertThat(rejected.findings()).extracting(FieldFinding::path).containsExactly("[0].title");

        Redactor.ValueResult off = new Redactor(RedactionSettings.DEFAULT).redactValue(attachments);
        assertThat(off.value()).isSameAs(attachments);
        assertThat(off.hasFindings()).isFalse();
    }

    @Test
    void tooDeepAValueIsRefusedWithItsPath() {
        List<Object> deep = new ArrayList<>();
        List<Object> at = deep;
        for (int i = 0; i < 600; i++) {
            List<Object> next = new ArrayList<>();
            at.add(next);
            at = next;
        }
        assertThatThrownBy(() -> MASKING.redactValue("custom", deep))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("custom[0][0]")
                .hasMessageEndingWith(": nested deeper than 500 levels");
    }

    @Test
    void aHundredKilobytesOfDigitsIsScannedAndWhatIsInItIsFound() {
        Random random = new Random(42);
        StringBuilder text = new StringBuilder();
        List<Finding> expected = new ArrayList<>();
        String[] planted = {"4111 1111 1111 1111", "123-45-6789", "５５５５５５５５５５５５４４４４", "GB82 WEST 1234 5698 7654 32"};
        DetectorKind[] kinds = {DetectorKind.CARD, DetectorKind.SSN, DetectorKind.CARD, DetectorKind.IBAN};
        while (text.length() < 100_000) {
            // runs of 25 digits are too long for any detector
            for (int i = 0; i < 25; i++) {
                text.append((char) ('0' + random.nextInt(10)));
            }
            text.append(", ");
            if (random.nextInt(40) == 0) {
                int k = random.nextInt(planted.length);
                expected.add(new Finding(kinds[k], null, text.length(), text.length() + planted[k].length()));
                text.append(planted[k]).append(", ");
            }
        }

        List<Finding> found = MASKING.scan(text.toString());

        assertThat(text.length()).isGreaterThanOrEqualTo(100_000);
        assertThat(expected).hasSizeGreaterThan(10);
        assertThat(found).isEqualTo(expected);
        String masked = MASKING.redact(text.toString()).text();
        assertThat(masked).doesNotContain("4111 1111 1111 1111").doesNotContain("123-45-6789");
    }

    @Test
    void nullTextIsAnError() {
        assertThatThrownBy(() -> MASKING.scan(null)).isInstanceOf(NullPointerException.class).hasMessage("text");
        assertThatThrownBy(() -> MASKING.redact(null)).isInstanceOf(NullPointerException.class).hasMessage("text");
    }
}
