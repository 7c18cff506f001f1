package io.chatsdk.engine.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.chatsdk.engine.export.ExportFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

class ExportCsvTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void headerRowThenOneRowPerMessageOrMembershipChange() throws Exception {
        try (CSVParser csv = parse()) {
            assertThat(csv.getHeaderNames()).containsExactlyElementsOf(CsvExportWriter.COLUMNS);
            List<CSVRecord> rows = csv.getRecords();

            assertThat(rows).extracting(row -> row.get("type")).containsExactly(
                    "member.joined", "member.joined", "member.joined", "regular", "regular", "member.left",
                    "regular", "regular", "reply", "regular");
            assertThat(rows).allSatisfy(row -> {
                assertThat(row.get("app_id")).isEqualTo(APP);
                assertThat(row.get("cid")).isEqualTo(CID);
                assertThat(row.get("channel_name")).isEqualTo(CHANNEL_NAME);
                assertThat(row.size()).isEqualTo(CsvExportWriter.COLUMNS.size());
            });
            CSVRecord left = rows.get(5);
            assertThat(left.get("user_id")).isEqualTo("bob");
            assertThat(left.get("created_at")).isEqualTo(at(30).toString());
            assertThat(left.get("message_id")).isEmpty();
        }
    }

    @Test
    void messageRowsKeepTextMarkersRevisionsAndMembers() throws Exception {
        try (CSVParser csv = parse()) {
            List<CSVRecord> rows = csv.getRecords();

            CSVRecord plain = rows.get(3);
            assertThat(plain.get("message_id")).isEqualTo("m1");
            assertThat(plain.get("seq")).isEqualTo("1");
            assertThat(plain.get("text")).isEqualTo(PLAIN_TEXT);
            assertThat(plain.get("members_at_time")).isEqualTo("alice bob " + ODD_USER);
            assertThat(plain.get("edited_at")).isEmpty();
            assertThat(plain.get("hard_deleted")).isEqualTo("false");

            CSVRecord edited = rows.get(4);
            assertThat(edited.get("edited_at")).isEqualTo(at(25).toString());
            JsonNode revisions = MAPPER.readTree(edited.get("revisions"));
            assertThat(revisions).extracting(r -> r.get("text").asText()).containsExactly("first draft", "second draft");
            assertThat(revisions.get(0).get("replaced_at").asText()).isEqualTo(at(22).toString());

            assertThat(rows.get(6).get("deleted_at")).isEqualTo(at(41).toString());
            assertThat(rows.get(6).get("hard_deleted")).isEqualTo("false");
            assertThat(rows.get(7).get("hard_deleted")).isEqualTo("true");
            assertThat(rows.get(7).get("text")).isEmpty();

            CSVRecord reply = rows.get(8);
            assertThat(reply.get("parent_id")).isEqualTo("m1");
            assertThat(reply.get("text")).isEqualTo(RTL_EMOJI_TEXT);
            assertThat(reply.get("user_name")).isEqualTo(ODD_USER_NAME);
            assertThat(reply.get("user_id")).isEqualTo(ODD_USER);
        }
    }

    @Test
    void formulaLookingCellsArePrefixedAndTheRestIsExact() throws Exception {
        try (CSVParser csv = parse()) {
            CSVRecord formula = csv.getRecords().get(9);

            assertThat(formula.get("text")).isEqualTo("'" + FORMULA_TEXT);
            assertThat(formula.get("message_id")).isEqualTo(EVIL_ID);
            assertThat(MAPPER.readTree(formula.get("attachments")).get(0).get("asset_url").asText())
                    .isEqualTo("https://cdn.example/cat.png");
        }
    }

    @Test
    void guardPrefixesOnlyDangerousFirstCharacters() {
        assertThat(CsvExportWriter.text("=1+2")).isEqualTo("'=1+2");
        assertThat(CsvExportWriter.text("+1")).isEqualTo("'+1");
        assertThat(CsvExportWriter.text("-1")).isEqualTo("'-1");
        assertThat(CsvExportWriter.text("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(CsvExportWriter.text("\tx")).isEqualTo("'\tx");
        assertThat(CsvExportWriter.text("\rx")).isEqualTo("'\rx");
        assertThat(CsvExportWriter.text("a=1")).isEqualTo("a=1");
        assertThat(CsvExportWriter.text("'quoted")).isEqualTo("'quoted");
        assertThat(CsvExportWriter.text("")).isEmpty();
        assertThat(CsvExportWriter.text(null)).isNull();
    }

    private static CSVParser parse() throws Exception {
        String text = new String(write(ExportFormat.CSV), StandardCharsets.UTF_8);
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        return CSVParser.parse(new StringReader(text), format);
    }
}
