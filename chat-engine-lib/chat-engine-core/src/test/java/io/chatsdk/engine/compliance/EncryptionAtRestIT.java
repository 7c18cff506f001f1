package io.chatsdk.engine.compliance;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.Attachment;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.testing.DataFiles;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Message content and event payloads reach PostgreSQL only sealed under the app's data key. */
class EncryptionAtRestIT extends EngineTest {
    AppHandle app;
    Cid cid;

    @BeforeEach
    void setUp() {
        app = fx.newApp(3);
        cid = app.channels().getOrCreate("messaging", "secret", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
    }

    @Test
    void canaryTextAttachmentsAndCustomDataNeverReachTheDataFiles() throws Exception {
        String canary = "canary-" + UUID.randomUUID();
        String clearMarker = "clear-" + UUID.randomUUID();   // message ids are not encrypted: proves the scan finds clear text
        Message sent = app.as("u1").messages().send(cid, NewMessage.text("text " + canary).withId(clearMarker)
                .withAttachments(List.of(Attachment.file("https://files.example/" + canary, "text/plain", 10, "title " + canary)))
                .withCustom(Map.of("note", "custom " + canary)));
        app.as("u1").messages().partialUpdate(sent.id(), Map.of("text", "edited " + canary), List.of());
        fx.engine.relayPendingEvents();

        assertThat(app.as("u2").messages().get(sent.id()).text()).isEqualTo("edited " + canary);
        assertThat(app.as("u2").messages().get(sent.id()).attachments().get(0).title()).isEqualTo("title " + canary);
        assertThat(app.as("u2").messages().get(sent.id()).custom()).containsEntry("note", "custom " + canary);

        Path dataDir = DataFiles.checkpoint(fx.dataSource);
        assertThat(DataFiles.containing(dataDir, clearMarker)).as("the scan sees clear text").isNotEmpty();
        assertThat(DataFiles.containing(dataDir, canary)).as("files holding the canary").isEmpty();
    }

    @Test
    void sealedContentMovedToAnotherRowDoesNotOpen() throws Exception {
        Message a = app.as("u1").messages().send(cid, NewMessage.text("message a"));
        Message b = app.as("u1").messages().send(cid, NewMessage.text("message b"));
        sql("update message set content = (select content from message where id = '" + a.id() + "') where id = '" + b.id() + "'");
        assertThatThrownBy(() -> app.messages().get(b.id())).isInstanceOf(ChatException.class)
                .extracting("code").isEqualTo(ErrorCode.INTERNAL);
        assertThat(app.messages().get(a.id()).text()).isEqualTo("message a");
    }

    @Test
    void rotationKeepsOldContentReadableAndReencryptionRetiresTheOldKey() throws Exception {
        Message before = app.as("u1").messages().send(cid, NewMessage.text("before rotation"));
        DataKeys keys = fx.engine.app(app.id()).compliance().keys();
        assertThat(keys.currentVersion()).isEqualTo(1);
        assertThat(keys.rotate()).isEqualTo(2);
        Message after = app.as("u1").messages().send(cid, NewMessage.text("after rotation"));
        assertThat(keyVersion(before.id())).isEqualTo(1);
        assertThat(keyVersion(after.id())).isEqualTo(2);
        assertThat(app.messages().get(before.id()).text()).isEqualTo("before rotation");

        Map<String, Long> done = keys.reencrypt();
        assertThat(done).as("a just-retired key may still be in use on other nodes for a few seconds")
                .containsEntry("messages", 1L).containsEntry("keys_deleted", 0L);
        assertThat(keyVersion(before.id())).isEqualTo(2);
        assertThat(app.messages().get(before.id()).text()).isEqualTo("before rotation");
        sql("update app_data_key set retired_at = retired_at - interval '6 minutes' where app_id = '" + app.id() + "'");
        assertThat(keys.reencrypt()).containsEntry("messages", 0L).containsEntry("keys_deleted", 1L);
        assertThat(keys.reencrypt()).containsEntry("keys_deleted", 0L);
    }

    @Test
    void rowsWrittenBeforeEncryptionAreReadableAndGetSealed() throws Exception {
        Message m = app.as("u1").messages().send(cid, NewMessage.text("sealed"));
        sql("update message set content = null, key_version = null, text = 'legacy clear text' where id = '" + m.id() + "'");
        assertThat(app.messages().get(m.id()).text()).isEqualTo("legacy clear text");
        assertThat(fx.engine.app(app.id()).compliance().keys().reencrypt()).containsEntry("messages", 1L);
        assertThat(keyVersion(m.id())).isEqualTo(1);
        assertThat(app.messages().get(m.id()).text()).isEqualTo("legacy clear text");
    }

    @Test
    void destroyedKeysMakeContentUnreadableWithAClearError() {
        Message m = app.as("u1").messages().send(cid, NewMessage.text("to be shredded"));
        fx.engine.app(app.id()).compliance().keys().destroy();
        assertThatThrownBy(() -> app.messages().get(m.id())).isInstanceOf(ChatException.class)
                .extracting("code").isEqualTo(ErrorCode.CONTENT_ERASED);
        assertThatThrownBy(() -> app.as("u1").messages().send(cid, NewMessage.text("more"))).isInstanceOf(ChatException.class)
                .extracting("code").isEqualTo(ErrorCode.CONTENT_ERASED);
        assertThat(fx.engine.apps().get(app.id()).disabled()).isTrue();
        // another app is untouched
        AppHandle other = fx.newApp(2);
        Cid c = other.channels().getOrCreate("messaging", "x", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        assertThat(other.messages().get(other.as("u1").messages().send(c, NewMessage.text("fine")).id()).text()).isEqualTo("fine");
    }

    private int keyVersion(String messageId) throws SQLException {
        try (Connection c = fx.dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select key_version from message where id = '" + messageId + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = fx.dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
