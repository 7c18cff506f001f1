package io.chatsdk.engine.compliance;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.compliance.DataSubjects.ErasureMode;
import io.chatsdk.engine.export.ExportFormat;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Compliance exports from the database in every format, and data subject requests. */
class ComplianceExportIT extends EngineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    AppHandle app;
    Compliance compliance;
    Cid cid;
    Message plain;
    Message edited;
    Message soft;
    Message hard;
    Message reply;

    @BeforeEach
    void setUp() {
        app = fx.newApp(4);
        compliance = fx.engine.app(app.id()).compliance();
        cid = app.channels().getOrCreate("messaging", "deal", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        plain = app.as("u1").messages().send(cid, NewMessage.text("hello, \"world\" <&>"));
        app.channels().addMembers(cid, List.of("u3"));
        edited = app.as("u2").messages().send(cid, NewMessage.text("first draft"));
        app.as("u2").messages().partialUpdate(edited.id(), Map.of("text", "second draft"), List.of());
        app.as("u2").messages().partialUpdate(edited.id(), Map.of("text", "final 🚀"), List.of());
        soft = app.as("u3").messages().send(cid, NewMessage.text("regret this"));
        app.as("u3").messages().delete(soft.id(), false);
        app.channels().removeMembers(cid, List.of("u3"));
        hard = app.as("u1").messages().send(cid, NewMessage.text("gone for good"));
        app.as("u1").messages().delete(hard.id(), true);
        reply = app.as("u2").messages().send(cid, NewMessage.text("in thread").replyTo(plain.id(), false));
    }

    private String export(ExportFormat format, List<String> users) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, Long> counts = compliance.exports().write(new ComplianceExport.Request(format, null, null, users, List.of(), "officer-1"), out);
        assertThat(counts).containsEntry("conversations", 1L);
        return out.toString(StandardCharsets.ISO_8859_1);   // bytes preserved; parsers below decode as they need
    }

    private List<JsonNode> jsonl(String users) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        compliance.exports().write(new ComplianceExport.Request(ExportFormat.JSONL, null, null, users == null ? List.of() : List.of(users), List.of(), "o"), out);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private static JsonNode message(List<JsonNode> lines, String id) {
        return lines.stream().filter(l -> l.path("type").asText().equals("message") && l.path("message_id").asText().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void jsonlCarriesEditsDeletionsThreadsAndMembershipAtTheTime() throws Exception {
        List<JsonNode> lines = jsonl(null);
        assertThat(lines.get(0).path("type").asText()).isEqualTo("header");
        assertThat(message(lines, plain.id()).path("members_at_time").toString()).isEqualTo("[\"u1\",\"u2\"]");
        assertThat(message(lines, edited.id()).path("members_at_time").toString()).isEqualTo("[\"u1\",\"u2\",\"u3\"]");
        JsonNode e = message(lines, edited.id());
        assertThat(e.path("text").asText()).isEqualTo("final 🚀");
        assertThat(e.path("edited").asBoolean()).isTrue();
        assertThat(e.path("revisions").findValuesAsText("text")).containsExactly("first draft", "second draft");
        JsonNode s = message(lines, soft.id());
        assertThat(s.path("deleted").asBoolean()).isTrue();
        assertThat(s.path("hard_deleted").asBoolean()).isFalse();
        assertThat(s.path("text").asText()).as("soft-deleted content stays exportable").isEqualTo("regret this");
        JsonNode h = message(lines, hard.id());
        assertThat(h.path("hard_deleted").asBoolean()).isTrue();
        assertThat(h.path("text").asText()).isEmpty();
        assertThat(h.path("members_at_time").toString()).isEqualTo("[\"u1\",\"u2\"]");
        assertThat(message(lines, reply.id()).path("parent_id").asText()).isEqualTo(plain.id());
        assertThat(lines.stream().filter(l -> l.path("type").asText().equals("membership")).limit(2).map(l -> l.path("user_id").asText()))
                .containsExactlyInAnyOrder("u1", "u2");
        assertThat(lines.stream().filter(l -> l.path("type").asText().equals("membership")).skip(2).map(l -> l.path("user_id").asText() + " " + l.path("kind").asText()))
                .containsExactly("u3 joined", "u3 left");
        assertThat(lines.get(lines.size() - 1).path("type").asText()).isEqualTo("end");
    }

    @Test
    void csvEmlAndXmlParseBack() throws Exception {
        ByteArrayOutputStream csv = new ByteArrayOutputStream();
        compliance.exports().write(new ComplianceExport.Request(ExportFormat.CSV, null, null, List.of(), List.of(), "o"), csv);
        List<CSVRecord> rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new InputStreamReader(new ByteArrayInputStream(csv.toByteArray()), StandardCharsets.UTF_8)).getRecords();
        assertThat(rows).anySatisfy(r -> assertThat(r.toMap()).containsValue("hello, \"world\" <&>"));

        ByteArrayOutputStream eml = new ByteArrayOutputStream();
        compliance.exports().write(new ComplianceExport.Request(ExportFormat.EML, null, null, List.of(), List.of(), "o"), eml);
        int mails = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(eml.toByteArray()))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (!entry.getName().endsWith(".eml")) {
                    continue;   // the manifest
                }
                MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(zip.readAllBytes()));
                assertThat(m.getHeader("X-ChatSDK-Cid")).containsExactly(cid.toString());
                if ("message".equals(m.getHeader("X-ChatSDK-Event")[0])) {
                    mails++;
                }
            }
        }
        assertThat(mails).isEqualTo(5);

        ByteArrayOutputStream xml = new ByteArrayOutputStream();
        compliance.exports().write(new ComplianceExport.Request(ExportFormat.XML, null, null, List.of(), List.of(), "o"), xml);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml.toByteArray()));
        assertThat(doc.getElementsByTagName("Conversation").getLength()).isEqualTo(1);
        assertThat(doc.getElementsByTagName("ParticipantEntered").getLength()).isEqualTo(3);
        assertThat(doc.getElementsByTagName("ParticipantLeft").getLength()).as("u3 left; u1 and u2 at the end").isEqualTo(3);
    }

    @Test
    void filtersByUserAndDateRangeAndIsAudited() throws Exception {
        assertThat(jsonl("u2").stream().filter(l -> l.path("type").asText().equals("message")).map(l -> l.path("user_id").asText())).containsOnly("u2").hasSize(2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, Long> none = compliance.exports().write(new ComplianceExport.Request(ExportFormat.JSONL, java.time.Instant.now().plusSeconds(60), null,
                List.of(), List.of(), "o"), out);
        assertThat(none).containsEntry("messages", 0L);
        ByteArrayOutputStream ranged = new ByteArrayOutputStream();
        assertThat(compliance.exports().write(new ComplianceExport.Request(ExportFormat.JSONL, edited.createdAt(), null, List.of(), List.of(), "o"), ranged))
                .containsEntry("messages", 4L);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : ranged.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines.stream().filter(l -> l.path("type").asText().equals("membership")).map(l -> l.path("user_id").asText() + " " + l.path("kind").asText()))
                .as("the members present when the range starts are listed as joined at its start").contains("u1 joined", "u2 joined", "u3 joined", "u3 left");
        assertThat(fx.engine.audit().query(new io.chatsdk.engine.audit.AuditQuery(app.id(), "o", "export.completed", null, null, null, null, 0, 10))).isNotEmpty();
        assertThatThrownBy(() -> new ComplianceExport.Request(null, null, null, null, null, "o")).extracting("field").isEqualTo("format");
        assertThatThrownBy(() -> new ComplianceExport.Request(ExportFormat.CSV, null, null, List.of("bad user!"), null, "o")).extracting("field").isEqualTo("user_ids[0]");
    }

    @Test
    void aUsersDataExportsAndErasesRespectingHolds() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        compliance.dataSubjects().export("u2", out, "dpo");
        JsonNode doc = JSON.readTree(out.toByteArray());
        assertThat(doc.path("user").path("id").asText()).isEqualTo("u2");
        assertThat(doc.path("memberships")).hasSize(1);
        assertThat(doc.path("messages")).hasSize(2);

        Message held = app.as("u2").messages().send(cid, NewMessage.text("held evidence"));
        compliance.holds().create("m", "r", List.of(), List.of(cid.toString()), held.createdAt(), null, "officer");
        Map<String, Long> erased = compliance.dataSubjects().erase("u2", ErasureMode.DELETE, "dpo");
        assertThat(erased).containsEntry("held_messages", 1L).containsEntry("deleted_messages", 2L).containsEntry("memberships", 1L);
        assertThat(app.messages().get(held.id()).text()).isEmpty();
        List<JsonNode> lines = jsonl(null);
        assertThat(message(lines, held.id()).path("text").asText()).as("the hold keeps it for compliance").isEqualTo("held evidence");
        assertThat(message(lines, edited.id()).path("hard_deleted").asBoolean()).isTrue();
        assertThat(app.users().get("u2").name()).isNull();
        assertThat(app.users().get("u2").deactivatedAt()).isNotNull();

        Map<String, Long> anonymized = compliance.dataSubjects().erase("u1", ErasureMode.ANONYMIZE, "dpo");
        assertThat(anonymized.get("anonymized_messages") + anonymized.get("held_messages")).isEqualTo(2L);
        assertThatThrownBy(() -> compliance.dataSubjects().erase("nobody", ErasureMode.DELETE, "dpo")).extracting("code").isEqualTo(ErrorCode.USER_NOT_FOUND);
    }
}
