package io.chatsdk.engine.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Address;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static io.chatsdk.engine.export.ExportFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

class ExportEmlTest {
    private static final Session SESSION = Session.getInstance(new Properties());

    @Test
    void oneEmailPerMessageAndMembershipChangeUnderSafeNames() throws Exception {
        Map<String, byte[]> entries = unzip(write(ExportFormat.EML));

        assertThat(entries.keySet()).hasSize(11).allSatisfy(name -> {
            assertThat(name).matches("manifest\\.json|[A-Za-z0-9_%-]+/\\d{8}-(message|member-joined|member-left)-[A-Za-z0-9_%-]*\\.eml");
            assertThat(name).doesNotContain("..").doesNotContain("\\").doesNotStartWith("/");
        });
        assertThat(entries.keySet()).filteredOn(name -> name.contains("-message-")).hasSize(6);
        assertThat(entries.keySet()).filteredOn(name -> name.contains("-member-")).hasSize(4);
        JsonNode manifest = new ObjectMapper().readTree(entries.get(EmlExportWriter.MANIFEST));
        assertThat(manifest.get("app_id").asText()).isEqualTo(APP);
        assertThat(manifest.get("messages").asLong()).isEqualTo(6);
        assertThat(manifest.get("memberships").asLong()).isEqualTo(4);
    }

    @Test
    void headersNameSenderMembersChannelAndDate() throws Exception {
        MimeMessage plain = email("m1");

        InternetAddress from = (InternetAddress) plain.getFrom()[0];
        assertThat(from.getAddress()).isEqualTo("alice@" + SafeNames.domain(APP));
        assertThat(from.getPersonal()).isEqualTo("Alice");
        assertThat(addresses(plain.getRecipients(RecipientType.TO))).containsExactly(
                SafeNames.mailbox(APP, "alice"), SafeNames.mailbox(APP, "bob"), SafeNames.mailbox(APP, ODD_USER));
        assertThat(plain.getSubject()).isEqualTo(CHANNEL_NAME);
        assertThat(plain.getSentDate()).isEqualTo(Date.from(at(10)));
        assertThat(plain.getMessageID()).isEqualTo("<m1@" + SafeNames.domain(APP) + ">");
        assertThat(plain.getHeader("In-Reply-To")).isNull();
        assertThat(plain.getHeader("X-ChatSDK-Cid", null)).isEqualTo(CID);
        assertThat(plain.getHeader("X-ChatSDK-Seq", null)).isEqualTo("1");
        assertThat(plain.getHeader("X-ChatSDK-Message-Id", null)).isEqualTo("m1");
        assertThat(plain.getHeader("X-ChatSDK-Edited", null)).isEqualTo("false");
        assertThat(plain.getHeader("X-ChatSDK-Deleted", null)).isEqualTo("false");
        assertThat(plain.getContentType()).containsIgnoringCase("text/plain").containsIgnoringCase("charset=UTF-8");
        assertThat((String) plain.getContent()).isEqualTo(EmlComposer.crlf(PLAIN_TEXT + "\n"));
    }

    @Test
    void oddUserIdsBecomeValidAddressesAndCannotInjectHeaders() throws Exception {
        MimeMessage reply = email("m5");

        InternetAddress from = (InternetAddress) reply.getFrom()[0];
        InternetAddress strict = new InternetAddress(from.getAddress(), true);
        strict.validate();
        assertThat(from.getAddress()).isEqualTo(SafeNames.mailbox(APP, ODD_USER));
        assertThat(from.getAddress().indexOf('@')).isEqualTo(from.getAddress().lastIndexOf('@'));
        assertThat(from.getAddress().substring(0, from.getAddress().indexOf('@'))).hasSizeLessThanOrEqualTo(64);
        assertThat(from.getPersonal()).isEqualTo(ODD_USER_NAME);
        assertThat(MimeUtility.decodeText(MimeUtility.unfold(reply.getHeader("X-ChatSDK-User-Id", null))))
                .isEqualTo(ODD_USER);
        assertThat(reply.getHeader("Bcc")).isNull();
        assertThat(reply.getRecipients(RecipientType.BCC)).isNull();
    }

    @Test
    void displayNamesAndChannelNamesCannotInjectHeaders() throws Exception {
        String name = "Eve \"the\" <boss>\r\nBcc: x@example.com";
        String channel = "=?UTF-8?B?Zm9v?= room\r\nX-Injected: 1";
        ExportConversation conversation = new ExportConversation(APP, CID, "messaging", channel, T0);
        ExportMessage message = new ExportMessage("m9", CID, 9, "eve", name, "regular", "hi", null, null, null,
                T0, null, null, false, null, List.of("eve"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ExportWriter writer = ExportFormat.EML.open(out, HEADER)) {
            writer.beginConversation(conversation);
            writer.message(message);
            writer.endConversation();
        }
        byte[] eml = unzip(out.toByteArray()).entrySet().stream().filter(e -> e.getKey().endsWith(".eml"))
                .findFirst().orElseThrow().getValue();
        MimeMessage parsed = new MimeMessage(SESSION, new ByteArrayInputStream(eml));

        assertThat(((InternetAddress) parsed.getFrom()[0]).getPersonal()).isEqualTo(name.replace("\r\n", "  "));
        assertThat(parsed.getSubject()).isEqualTo(channel);
        assertThat(parsed.getHeader("Bcc")).isNull();
        assertThat(parsed.getHeader("X-Injected")).isNull();
    }

    @Test
    void repliesPointAtTheirParentAndBodiesKeepUtf8Text() throws Exception {
        MimeMessage reply = email("m5");

        assertThat(reply.getHeader("In-Reply-To", null)).isEqualTo("<m1@" + SafeNames.domain(APP) + ">");
        assertThat(reply.getHeader("References", null)).isEqualTo("<m1@" + SafeNames.domain(APP) + ">");
        assertThat(reply.getHeader("X-ChatSDK-Parent-Id", null)).isEqualTo("m1");
        assertThat((String) reply.getContent()).isEqualTo(RTL_EMOJI_TEXT + "\r\n");
    }

    @Test
    void bodiesMarkEditsAndDeletionsAndListEarlierVersions() throws Exception {
        MimeMessage edited = email("m2");
        assertThat(edited.getHeader("X-ChatSDK-Edited", null)).isEqualTo("true");
        assertThat((String) edited.getContent()).startsWith("[Edited " + at(25) + "]\r\n\r\nfinal text\r\n")
                .containsSubsequence("Earlier versions, oldest first:", "version 1", "first draft",
                        "version 2", "second draft");

        MimeMessage soft = email("m3");
        assertThat(soft.getHeader("X-ChatSDK-Deleted", null)).isEqualTo("true");
        assertThat(soft.getHeader("X-ChatSDK-Hard-Deleted", null)).isEqualTo("false");
        assertThat((String) soft.getContent()).startsWith("[Deleted " + at(41) + ": hidden").contains("oops");

        MimeMessage hard = email("m4");
        assertThat(hard.getHeader("X-ChatSDK-Hard-Deleted", null)).isEqualTo("true");
        assertThat((String) hard.getContent()).startsWith("[Deleted permanently " + at(43));
    }

    @Test
    void controlCharactersFormulasAndAttachmentLinksSurviveInTheBody() throws Exception {
        MimeMessage formula = email(SafeNames.zipSegment(EVIL_ID));

        assertThat(formula.getHeader("X-ChatSDK-Message-Id", null)).isEqualTo(EVIL_ID);
        assertThat((String) formula.getContent()).startsWith(FORMULA_TEXT)
                .contains("- cat.png\r\n  https://cdn.example/cat.png");
    }

    @Test
    void membershipChangesAreEmailsToo() throws Exception {
        Map<String, byte[]> entries = unzip(write(ExportFormat.EML));
        String name = entries.keySet().stream().filter(n -> n.endsWith("-member-left-bob.eml")).findFirst().orElseThrow();
        MimeMessage left = new MimeMessage(SESSION, new ByteArrayInputStream(entries.get(name)));

        assertThat(left.getHeader("X-ChatSDK-Event", null)).isEqualTo("member.left");
        assertThat(((InternetAddress) left.getFrom()[0]).getAddress()).isEqualTo(SafeNames.mailbox(APP, "bob"));
        assertThat(left.getSentDate()).isEqualTo(Date.from(at(30)));
    }

    @Test
    void bodyLineBreaksAreCanonicalCrlf() {
        assertThat(EmlComposer.crlf("a\nb\r\nc\rd")).isEqualTo("a\r\nb\r\nc\r\nd");
        assertThat(EmlComposer.body(PLAIN)).doesNotContainPattern("[^\r]\n").doesNotContainPattern("\r[^\n]");
    }

    @Test
    void encodedWordsStayShortAndDecodeBack() throws Exception {
        String long8 = "😀 long \r\n header value with é and more ".repeat(6);
        String encoded = EmlComposer.encodedWords(long8);

        assertThat(encoded.split("\r\n ")).allSatisfy(word -> assertThat(word.length()).isLessThanOrEqualTo(75));
        assertThat(MimeUtility.decodeText(MimeUtility.unfold(encoded))).isEqualTo(long8);
    }

    private static MimeMessage email(String messageIdSegment) throws Exception {
        Map<String, byte[]> entries = unzip(write(ExportFormat.EML));
        String name = entries.keySet().stream().filter(n -> n.endsWith("-message-" + messageIdSegment + ".eml"))
                .findFirst().orElseThrow();
        return new MimeMessage(SESSION, new ByteArrayInputStream(entries.get(name)));
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        }
        return entries;
    }

    private static List<String> addresses(Address[] addresses) {
        return List.of(addresses).stream().map(a -> ((InternetAddress) a).getAddress()).toList();
    }
}
