package io.chatsdk.engine.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.chatsdk.engine.export.ExportFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

class ExportJsonlTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void everyLineIsOneObjectInWriteOrder() throws Exception {
        List<JsonNode> lines = parse(write(ExportFormat.JSONL));

        assertThat(lines).extracting(line -> line.get("type").asText()).containsExactly(
                "header", "conversation", "membership", "membership", "membership", "message", "message",
                "membership", "message", "message", "message", "message", "end", "conversation", "end", "end");
        JsonNode header = lines.get(0);
        assertThat(header.get("app_id").asText()).isEqualTo(APP);
        assertThat(header.get("from").asText()).isEqualTo("2025-03-01T09:00:00Z");
        assertThat(header.get("to").isNull()).isTrue();
        assertThat(header.get("filters").get("channels").get(0).asText()).isEqualTo(CID);
        JsonNode conversation = lines.get(1);
        assertThat(conversation.get("cid").asText()).isEqualTo(CID);
        assertThat(conversation.get("channel_name").asText()).isEqualTo(CHANNEL_NAME);
        assertThat(lines.get(13).get("channel_name").isNull()).isTrue();
    }

    @Test
    void membershipLinesCarryUserKindAndTime() throws Exception {
        List<JsonNode> lines = parse(write(ExportFormat.JSONL));

        JsonNode odd = lines.get(4);
        assertThat(odd.get("user_id").asText()).isEqualTo(ODD_USER);
        assertThat(odd.get("kind").asText()).isEqualTo("joined");
        JsonNode left = lines.get(7);
        assertThat(left.get("user_id").asText()).isEqualTo("bob");
        assertThat(left.get("kind").asText()).isEqualTo("left");
        assertThat(left.get("at").asText()).isEqualTo(at(30).toString());
    }

    @Test
    void messagesKeepTextFlagsRevisionsAndMembers() throws Exception {
        List<JsonNode> lines = parse(write(ExportFormat.JSONL));

        JsonNode plain = lines.get(5);
        assertThat(plain.get("text").asText()).isEqualTo(PLAIN_TEXT);
        assertThat(plain.get("edited").asBoolean()).isFalse();
        assertThat(plain.get("deleted").asBoolean()).isFalse();
        assertThat(plain.get("members_at_time")).extracting(JsonNode::asText)
                .containsExactly("alice", "bob", ODD_USER);
        assertThat(plain.get("custom").get("priority").asText()).isEqualTo("high");

        JsonNode edited = lines.get(6);
        assertThat(edited.get("edited").asBoolean()).isTrue();
        assertThat(edited.get("edited_at").asText()).isEqualTo(at(25).toString());
        assertThat(edited.get("revisions")).extracting(r -> r.get("text").asText())
                .containsExactly("first draft", "second draft");

        JsonNode soft = lines.get(8);
        assertThat(soft.get("deleted").asBoolean()).isTrue();
        assertThat(soft.get("hard_deleted").asBoolean()).isFalse();
        assertThat(soft.get("text").asText()).isEqualTo("oops");
        assertThat(soft.get("members_at_time")).extracting(JsonNode::asText).containsExactly("alice", ODD_USER);

        JsonNode hard = lines.get(9);
        assertThat(hard.get("deleted").asBoolean()).isTrue();
        assertThat(hard.get("hard_deleted").asBoolean()).isTrue();
        assertThat(hard.get("text").asText()).isEmpty();

        JsonNode reply = lines.get(10);
        assertThat(reply.get("parent_id").asText()).isEqualTo("m1");
        assertThat(reply.get("message_type").asText()).isEqualTo("reply");
        assertThat(reply.get("text").asText()).isEqualTo(RTL_EMOJI_TEXT);
        assertThat(reply.get("user_name").asText()).isEqualTo(ODD_USER_NAME);

        JsonNode formula = lines.get(11);
        assertThat(formula.get("message_id").asText()).isEqualTo(EVIL_ID);
        assertThat(formula.get("text").asText()).isEqualTo(FORMULA_TEXT);
        assertThat(formula.get("attachments").get(0).get("asset_url").asText())
                .isEqualTo("https://cdn.example/cat.png");
    }

    @Test
    void endLinesCountTheConversationAndTheExport() throws Exception {
        List<JsonNode> lines = parse(write(ExportFormat.JSONL));

        JsonNode conversationEnd = lines.get(12);
        assertThat(conversationEnd.get("scope").asText()).isEqualTo("conversation");
        assertThat(conversationEnd.get("cid").asText()).isEqualTo(CID);
        assertThat(conversationEnd.get("messages").asLong()).isEqualTo(6);
        assertThat(conversationEnd.get("memberships").asLong()).isEqualTo(4);
        assertThat(lines.get(14).get("messages").asLong()).isZero();
        JsonNode exportEnd = lines.get(15);
        assertThat(exportEnd.get("scope").asText()).isEqualTo("export");
        assertThat(exportEnd.get("conversations").asLong()).isEqualTo(2);
        assertThat(exportEnd.get("messages").asLong()).isEqualTo(6);
        assertThat(exportEnd.get("memberships").asLong()).isEqualTo(4);
    }

    @Test
    void rawNewlinesOnlySeparateLines() throws Exception {
        String text = new String(write(ExportFormat.JSONL), StandardCharsets.UTF_8);

        assertThat(text).endsWith("}\n");
        assertThat(text.split("\n")).hasSize(16).allSatisfy(line -> assertThat(line).startsWith("{").endsWith("}"));
    }

    private static List<JsonNode> parse(byte[] bytes) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            lines.add(MAPPER.readTree(line));
        }
        return lines;
    }
}
