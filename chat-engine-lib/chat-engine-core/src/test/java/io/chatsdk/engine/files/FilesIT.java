package io.chatsdk.engine.files;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.compliance.Compliance;
import io.chatsdk.engine.compliance.DataSubjects;
import io.chatsdk.engine.model.Attachment;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Files through the engine with the filesystem store: how long a file lives (its message, retention, erasure, holds,
 * shredding, the sweeper), signed links and their expiry, key rotation, and tampering.
 */
class FilesIT extends EngineTest {
    AppHandle app;
    Cid cid;

    @BeforeEach
    void setUp() {
        app = fx.newApp(3);
        cid = app.channels().getOrCreate("messaging", "files-" + UUID.randomUUID(), ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
    }

    StoredFile upload(String user, String text) {
        return app.as(user).files().upload(cid, io.chatsdk.engine.files.Files.Kind.FILE, "n.txt", "text/plain",
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), null);
    }

    String read(AppHandle as, UUID id) throws Exception {
        try (var d = as.files().open(id)) {
            ByteBuffer buf = ByteBuffer.allocate((int) d.file().size());
            while (buf.hasRemaining() && d.content().read(buf) > 0) {
                // fill
            }
            return new String(buf.array(), StandardCharsets.UTF_8);
        }
    }

    Message attach(String user, StoredFile f) {
        return app.as(user).messages().send(cid, NewMessage.text("file").withAttachments(List.of(
                Attachment.file("https://chat.example/api/v1/files/" + f.id() + "?exp=1&sig=x", f.contentType(), f.size(), f.name()))));
    }

    long blobs() throws Exception {
        try (Stream<Path> s = Files.walk(fx.filesDir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    void sql(String statement, Object... params) {
        fx.execute(statement, params);
    }

    @Test
    void aFileIsReadByTheChannelAndItsLinkExpires() throws Exception {
        StoredFile f = upload("u1", "hello files");
        assertThat(f.contentType()).isEqualTo("text/plain");
        assertThat(f.sha256()).hasSize(64);
        assertThat(read(app.as("u2"), f.id())).isEqualTo("hello files");
        assertThatThrownBy(() -> read(app.as("u3"), f.id())).isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        AppHandle other = fx.newApp(1);
        assertThatThrownBy(() -> read(other, f.id())).isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FILE_NOT_FOUND));

        var link = app.files().link(f.id(), Duration.ofMinutes(5));
        try (var d = app.files().openSigned(f.id(), link.version(), link.exp(), link.sig())) {
            assertThat(d.file().id()).isEqualTo(f.id());
        }
        var expired = app.files().link(f.id(), Duration.ofHours(-2));
        assertThatThrownBy(() -> app.files().openSigned(f.id(), expired.version(), expired.exp(), expired.sig()))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FILE_LINK_EXPIRED));
        assertThatThrownBy(() -> app.files().openSigned(f.id(), link.version(), link.exp() + 3600, link.sig()))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FILE_LINK_INVALID));
        assertThatThrownBy(() -> app.as("u3").files().link(f.id(), Duration.ofHours(1))).as("a link only for who may read it")
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> other.files().openSigned(f.id(), link.version(), link.exp(), link.sig())).as("another app's key signs differently")
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FILE_LINK_INVALID));
    }

    @Test
    void readingAMessageSignsItsFileLinksAfresh() throws Exception {
        StoredFile f = upload("u1", "linked");
        String stale = "https://chat.example/api/v1/files/" + f.id() + "?api_key=k&w=10&v=1&exp=1&sig=00";
        Message sent = app.as("u1").messages().send(cid, NewMessage.text("see").withAttachments(List.of(Attachment.file(stale, "text/plain", 6, "n.txt"))));
        for (Message m : List.of(sent, app.as("u2").messages().get(sent.id()))) {
            String url = m.attachments().get(0).assetUrl();
            assertThat(url).startsWith("https://chat.example/api/v1/files/" + f.id() + "?api_key=k&w=10&v=").doesNotContain("exp=1&");
            java.util.Map<String, String> q = new java.util.HashMap<>();
            for (String p : url.substring(url.indexOf('?') + 1).split("&")) {
                q.put(p.substring(0, p.indexOf('=')), p.substring(p.indexOf('=') + 1));
            }
            assertThat(Long.parseLong(q.get("exp"))).isGreaterThan(java.time.Instant.now().plus(Duration.ofHours(23)).getEpochSecond());
            try (var d = app.files().openSigned(f.id(), Integer.parseInt(q.get("v")), Long.parseLong(q.get("exp")), q.get("sig"))) {
                assertThat(d.file().id()).isEqualTo(f.id());
            }
        }
    }

    @Test
    void aMessageCannotReachAnotherChannelsFileOrClaimAnotherUsersUpload() throws Exception {
        StoredFile f = upload("u1", "only for this channel");
        Cid elsewhere = app.channels().getOrCreate("messaging", "other-" + UUID.randomUUID(), ChannelInput.withMembers("u3", List.of())).channel().cid();
        String link = "https://chat.example/api/v1/files/" + f.id() + "?api_key=k&v=1&exp=1&sig=00";
        Message m = app.as("u3").messages().send(elsewhere, NewMessage.text("x").withAttachments(List.of(Attachment.file(link, "text/plain", 1, "x"))));
        assertThat(m.attachments().get(0).assetUrl()).as("not signed: the file is not this channel's").isEqualTo(link);
        assertThat(app.as("u3").messages().get(m.id()).attachments().get(0).assetUrl()).isEqualTo(link);

        Message claim = app.as("u2").messages().send(cid, NewMessage.text("mine now").withAttachments(List.of(Attachment.file(link, "text/plain", 1, "x"))));
        assertThat(app.files().get(f.id()).messageId()).as("u2 cannot attach u1's upload").isNull();
        app.as("u2").messages().delete(claim.id(), true);
        assertThat(read(app.as("u1"), f.id())).isEqualTo("only for this channel");
    }

    @Test
    void aServersUploadIsHeldByTheHoldOnItsMessagesAuthor() throws Exception {
        StoredFile f = app.files().upload(cid, io.chatsdk.engine.files.Files.Kind.FILE, "s.txt", null,
                new ByteArrayInputStream("server upload".getBytes(StandardCharsets.UTF_8)), null);
        assertThat(f.uploadedBy()).isNull();
        Message m = attach("u1", f);
        var hold = app.compliance().holds().create("case", "litigation", List.of("u1"), List.of(), null, null, "officer");
        app.as("u1").messages().delete(m.id(), true);
        app.files().sweep();
        try (var d = app.files().openForCompliance(f.id())) {
            assertThat(d.file().id()).isEqualTo(f.id());
        }
        app.compliance().holds().release(hold.id(), "officer");
    }

    @Test
    void aFileLivesAsLongAsItsMessageUnlessAHoldKeepsIt() throws Exception {
        StoredFile f = upload("u1", "attached");
        Message m = attach("u1", f);
        assertThat(app.files().get(f.id()).messageId()).isEqualTo(m.id());
        long before = blobs();
        app.as("u1").messages().delete(m.id(), false);
        app.files().sweep();
        assertThatThrownBy(() -> app.files().get(f.id())).isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FILE_NOT_FOUND));
        assertThat(blobs()).as("deleted with its message's soft delete, swept").isEqualTo(before - 1);

        // a hold on the uploader keeps the next one, even when its message goes
        Compliance compliance = app.compliance();
        var hold = compliance.holds().create("case", "litigation", List.of("u1"), List.of(), null, null, "officer");
        StoredFile held = upload("u1", "kept");
        assertThatThrownBy(() -> app.as("u1").files().delete(cid, held.id()))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.LEGAL_HOLD));
        Message hm = attach("u1", held);
        app.as("u1").messages().delete(hm.id(), true);
        app.files().sweep();
        assertThat(blobs()).as("the held file's blob stays").isEqualTo(before);
        compliance.holds().release(hold.id(), "officer");
        assertThat(app.files().sweep()).isEqualTo(1);
        assertThat(blobs()).isEqualTo(before - 1);
    }

    @Test
    void retentionErasureAndTheSweeperRemoveFiles() throws Exception {
        StoredFile old = upload("u1", "old");
        Message m = attach("u1", old);
        sql("update message set created_at = now() - interval '40 days' where id = ?", m.id());
        var policy = app.compliance().retention().set(null, null, Duration.ofDays(30));
        assertThat(app.compliance().retention().purge()).containsEntry("files", 1L);
        assertThatThrownBy(() -> app.files().get(old.id())).isInstanceOf(ChatException.class);
        app.compliance().retention().remove(policy.id());

        StoredFile mine = upload("u2", "u2's unattached upload");
        StoredFile kept = upload("u1", "u1's");
        java.io.ByteArrayOutputStream export = new java.io.ByteArrayOutputStream();
        app.compliance().dataSubjects().export("u2", export, "officer");
        assertThat(export.toString(StandardCharsets.UTF_8)).as("the data subject's export lists their files with their hashes")
                .contains("\"files\":[{\"id\":\"" + mine.id()).contains(mine.sha256()).doesNotContain(kept.id().toString());
        assertThat(app.compliance().dataSubjects().erase("u2", DataSubjects.ErasureMode.DELETE, "officer")).containsEntry("files", 1L);
        assertThatThrownBy(() -> app.files().get(mine.id())).isInstanceOf(ChatException.class);
        assertThat(read(app, kept.id())).isEqualTo("u1's");

        // an upload nobody attached within a day goes; one a crash cut off goes after six hours
        sql("update file_object set created_at = now() - interval '25 hours' where id = ?", kept.id());
        UUID crashed = UUID.randomUUID();
        String key = "apps/" + app.id().value() + "/00/" + crashed;
        Files.createDirectories(fx.filesDir.resolve(key).getParent());
        Files.writeString(fx.filesDir.resolve(key), "half a file");
        sql("insert into file_object (id, app_id, channel_pk, kind, content_type, key_version, storage_key, created_at) "
                + "select ?, app_id, pk, 'file', 'text/plain', 1, ?, now() - interval '7 hours' from channel where app_id = ? limit 1", crashed, key, app.id().value());
        app.files().sweep();
        assertThat(fx.filesDir.resolve(key)).doesNotExist();
        assertThatThrownBy(() -> app.files().get(kept.id())).isInstanceOf(ChatException.class);
    }

    @Test
    void rotationKeepsFilesReadableAndShreddingMakesThemUnreadable() throws Exception {
        StoredFile f = upload("u1", "before rotation");
        app.compliance().keys().rotate();
        app.compliance().keys().reencrypt();
        sql("update app_data_key set retired_at = now() - interval '1 hour' where app_id = ? and retired_at is not null", app.id().value());
        app.compliance().keys().reencrypt();
        assertThat(read(app, f.id())).isEqualTo("before rotation");

        // a flipped bit in the stored blob is caught, not served
        StoredFile g = upload("u1", "to be tampered with");
        Path blob;
        try (Stream<Path> s = Files.walk(fx.filesDir)) {
            blob = s.filter(p -> p.getFileName().toString().equals(g.id().toString())).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length - 20] ^= 1;
        Files.write(blob, bytes);
        assertThatThrownBy(() -> read(app, g.id())).isInstanceOf(Exception.class);

        app.compliance().keys().destroy();
        assertThatThrownBy(() -> read(app, f.id())).isInstanceOf(ChatException.class);
        app.files().sweep();
        try (Stream<Path> s = Files.walk(fx.filesDir)) {
            assertThat(s.filter(p -> p.toString().contains(app.id().value().toString())).filter(Files::isRegularFile).toList()).isEmpty();
        }
    }

    @Test
    void voiceNotesAreMeasuredAndTheClientsNumbersReplaced() throws Exception {
        // one second of 8 kHz 16-bit mono: half a second at half volume, then silence
        int rate = 8000;
        ByteBuffer pcm = ByteBuffer.allocate(rate * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rate; i++) {
            pcm.putShort((short) (i < rate / 2 ? Math.round(16384 * Math.sin(i * 2 * Math.PI * 440 / rate)) : 0));
        }
        ByteBuffer wav = ByteBuffer.allocate(44 + pcm.capacity()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes()).putInt(36 + pcm.capacity()).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16).putShort((short) 1)
                .putShort((short) 1).putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16).put("data".getBytes()).putInt(pcm.capacity())
                .put(pcm.array());
        StoredFile v = app.as("u1").files().upload(cid, io.chatsdk.engine.files.Files.Kind.FILE, "voice.wav", "audio/wav",
                new ByteArrayInputStream(wav.array()), null);
        assertThat(v.duration()).isEqualTo(1.0);
        assertThat(v.waveform()).hasSize(100);
        assertThat(v.waveform().subList(0, 45)).allSatisfy(p -> assertThat(p).isBetween(0.45, 0.55));
        assertThat(v.waveform().subList(55, 100)).containsOnly(0.0);

        // Ogg Opus: the duration comes from the last page's granule position, less the pre-skip
        byte[] head = ByteBuffer.allocate(19).order(java.nio.ByteOrder.LITTLE_ENDIAN).put("OpusHead".getBytes()).put((byte) 1).put((byte) 1)
                .putShort((short) 312).putInt(48000).putShort((short) 0).put((byte) 0).array();
        byte[] ogg = concat(concat(oggPage(0, head), oggPage(0, "OpusTags\0\0\0\0\0\0\0\0".getBytes())), oggPage(48000 * 2 + 312, new byte[40]));
        StoredFile o = app.as("u1").files().upload(cid, io.chatsdk.engine.files.Files.Kind.FILE, "voice.ogg", null, new ByteArrayInputStream(ogg), null);
        assertThat(o.contentType()).startsWith("audio/");
        assertThat(o.duration()).isEqualTo(2.0);

        // WebM, as browsers' MediaRecorder writes it: the EBML header's DocType says webm; declared audio/webm it is kept
        // as such (the header cannot tell audio-only from video), and a name ending .webm agrees
        byte[] webm = webmHeader("webm");
        StoredFile w = app.as("u1").files().upload(cid, io.chatsdk.engine.files.Files.Kind.FILE, "voice-note.webm", "audio/webm",
                new ByteArrayInputStream(webm), null);
        assertThat(w.contentType()).isEqualTo("audio/webm");
        assertThat(app.as("u1").files().upload(cid, io.chatsdk.engine.files.Files.Kind.FILE, "clip.webm", null, new ByteArrayInputStream(webm), null)
                .contentType()).isEqualTo("video/webm");
        assertThatThrownBy(() -> app.as("u1").files().upload(cid, io.chatsdk.engine.files.Files.Kind.FILE, "voice-note.webm", "text/plain",
                new ByteArrayInputStream(webm), null)).hasFieldOrPropertyWithValue("code", ErrorCode.FILE_TYPE_MISMATCH);
        // plain Matroska is not WebM, whatever the client says
        assertThatThrownBy(() -> app.as("u1").files().upload(cid, io.chatsdk.engine.files.Files.Kind.FILE, "voice-note.webm", "audio/webm",
                new ByteArrayInputStream(webmHeader("matroska")), null)).hasFieldOrPropertyWithValue("code", ErrorCode.FILE_TYPE_MISMATCH);

        // a voice recording that links the WAV but claims other numbers is stored with the measured ones
        Message m = app.as("u1").messages().send(cid, NewMessage.text("").withAttachments(List.of(new Attachment("voiceRecording",
                "https://chat.example/api/v1/files/" + v.id(), "audio/mpeg", 5L, "voice", null, 999.0, List.of(1.0, 1.0), null))));
        Attachment stored = m.attachments().get(0);
        assertThat(stored.duration()).isEqualTo(1.0);
        assertThat(stored.fileSize()).isEqualTo((long) wav.capacity());
        assertThat(stored.mimeType()).isEqualTo(v.contentType());
        assertThat(stored.waveformData()).hasSize(100);
    }

    /** An EBML header with the given DocType, then the start of a Segment, as MediaRecorder writes them. */
    static byte[] webmHeader(String docType) {
        ByteBuffer e = ByteBuffer.allocate(64);
        e.put(new byte[] {0x42, (byte) 0x86, (byte) 0x81, 1, 0x42, (byte) 0xF7, (byte) 0x81, 1, 0x42, (byte) 0xF2, (byte) 0x81, 4,
                0x42, (byte) 0xF3, (byte) 0x81, 8, 0x42, (byte) 0x82, (byte) (0x80 | docType.length())}).put(docType.getBytes())
                .put(new byte[] {0x42, (byte) 0x87, (byte) 0x81, 4, 0x42, (byte) 0x85, (byte) 0x81, 2});
        byte[] body = java.util.Arrays.copyOf(e.array(), e.position());
        byte[] head = concat(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, (byte) (0x80 | body.length)}, body);
        return concat(head, new byte[] {0x18, 0x53, (byte) 0x80, 0x67, 0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, 0x15, 0x49, (byte) 0xA9, 0x66, (byte) 0x80});
    }

    static byte[] oggPage(long granule, byte[] body) {
        ByteBuffer p = ByteBuffer.allocate(27 + 1 + body.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        p.put("OggS".getBytes()).put((byte) 0).put((byte) (granule == 0 ? 2 : 0)).putLong(granule).putInt(1).putInt(0).putInt(0)
                .put((byte) 1).put((byte) body.length).put(body);
        return p.array();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void uploadsFollowThePermissionsAndTheChannelsSwitch() {
        assertThatThrownBy(() -> upload("u3", "not a member")).isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        app.channels().freeze(cid, true);
        assertThatThrownBy(() -> upload("u2", "frozen (u1 owns the channel and may write to it frozen)")).isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CHANNEL_FROZEN));
        app.channels().freeze(cid, false);
        app.channelTypes().update("messaging", app.channelTypes().get("messaging").config().with(java.util.Map.of("uploads", false)), null);
        assertThatThrownBy(() -> upload("u1", "switched off")).isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FEATURE_DISABLED));
        app.channelTypes().update("messaging", app.channelTypes().get("messaging").config().with(java.util.Map.of("uploads", true)), null);
    }
}
