package io.chatsdk.engine.export;

import io.chatsdk.engine.types.ChatException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

import static io.chatsdk.engine.export.ExportFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExportWritersTest {

    @Test
    void formatsHaveWireNamesExtensionsAndContentTypes() {
        assertThat(ExportFormat.fromWire("jsonl")).isEqualTo(ExportFormat.JSONL);
        assertThat(ExportFormat.fromWire(" CSV ")).isEqualTo(ExportFormat.CSV);
        assertThat(ExportFormat.EML.fileExtension()).isEqualTo(".zip");
        assertThat(ExportFormat.EML.contentType()).isEqualTo("application/zip");
        assertThat(ExportFormat.JSONL.contentType()).isEqualTo("application/x-ndjson");
        assertThat(ExportFormat.XML.fileExtension()).isEqualTo(".xml");
        assertThat(ExportFormat.CSV.contentType()).isEqualTo("text/csv");
    }

    @Test
    void unknownFormatIsAValidationErrorOnFieldFormat() {
        assertThatThrownBy(() -> ExportFormat.fromWire("pdf"))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.field()).isEqualTo("format"))
                .hasMessageContaining("jsonl, csv, eml, xml");
        assertThatThrownBy(() -> ExportFormat.fromWire(null))
                .isInstanceOfSatisfying(ChatException.class, e -> assertThat(e.field()).isEqualTo("format"));
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void eventsOutsideAConversationAreRefused(ExportFormat format) throws IOException {
        ExportWriter writer = format.open(new ByteArrayOutputStream(), HEADER);

        assertThatThrownBy(() -> writer.message(PLAIN)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("beginConversation");
        assertThatThrownBy(() -> writer.membership(new ExportMembership(CID, "alice", "joined", T0)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(writer::endConversation).isInstanceOf(IllegalStateException.class);
        writer.close();
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void nestedConversationsAndForeignEventsAreRefused(ExportFormat format) throws IOException {
        ExportWriter writer = format.open(new ByteArrayOutputStream(), HEADER);
        writer.beginConversation(CONVERSATION);

        assertThatThrownBy(() -> writer.beginConversation(EMPTY)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("endConversation");
        ExportMessage elsewhere = new ExportMessage("x", EMPTY_CID, 1, "alice", null, "regular", "hi", null, null,
                null, T0, null, null, false, null, null);
        assertThatThrownBy(() -> writer.message(elsewhere)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message.cid");
        writer.endConversation();
        writer.close();
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void closingInsideAConversationFailsAndEverythingAfterCloseIsRefused(ExportFormat format) throws IOException {
        ExportWriter writer = format.open(new ByteArrayOutputStream(), HEADER);
        writer.beginConversation(CONVERSATION);

        assertThatThrownBy(writer::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("unfinished");
        assertThatThrownBy(() -> writer.beginConversation(EMPTY)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        writer.close();
    }

    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void closeFlushesButLeavesTheCallersStreamOpen(ExportFormat format) throws IOException {
        TrackingStream out = new TrackingStream();
        ExportWriter writer = format.open(out, HEADER);
        writer.beginConversation(CONVERSATION);
        writer.message(PLAIN);
        writer.endConversation();
        writer.close();
        long written = out.bytes;
        writer.close();

        assertThat(out.closed).isFalse();
        assertThat(out.flushed).isTrue();
        assertThat(written).isPositive();
        assertThat(out.bytes).as("a second close writes nothing").isEqualTo(written);
    }

    /**
     * Writes 100,000 messages to a stream that keeps nothing. The writers hold only counters, the open
     * conversation and (XML) the set of present members, so this runs in constant memory; the EML ZIP
     * also keeps its central directory, which the format requires.
     */
    @ParameterizedTest
    @EnumSource(ExportFormat.class)
    void streamsAHundredThousandMessages(ExportFormat format) throws IOException {
        TrackingStream out = new TrackingStream();
        List<String> members = List.of("alice", "bob");
        try (ExportWriter writer = format.open(out, HEADER)) {
            writer.beginConversation(CONVERSATION);
            writer.membership(new ExportMembership(CID, "alice", "joined", T0));
            for (int i = 1; i <= 100_000; i++) {
                writer.message(new ExportMessage("msg-" + i, CID, i, i % 2 == 0 ? "alice" : "bob", "Name",
                        "regular", "message number " + i + ", with some text", List.of(), Map.of(), null,
                        T0.plusMillis(i), null, null, false, List.of(), members));
            }
            writer.endConversation();
        }
        assertThat(out.bytes).isGreaterThan(100_000L * 20);
    }

    @Test
    void recordsNameTheFieldTheyRefuse() {
        assertThatThrownBy(() -> new ExportMembership(CID, "alice", "kicked", T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("kind:");
        assertThatThrownBy(() -> new ExportConversation(APP, null, "messaging", null, T0))
                .isInstanceOf(NullPointerException.class).hasMessage("cid");
        assertThatThrownBy(() -> new ExportHeader(APP, at(10), at(5), EXPORTED_AT, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("to:");
        ExportMessage bare = new ExportMessage("m", CID, 1, "u", null, "regular", null, null, null, null, T0,
                null, null, false, null, null);
        assertThat(bare.text()).isEmpty();
        assertThat(bare.edited()).isFalse();
        assertThat(bare.deleted()).isFalse();
        assertThat(HARD_DELETED.deleted()).isTrue();
        assertThat(EDITED.edited()).isTrue();
    }

    @Test
    void safeNamesKeepIdsInsideTheirSlot() {
        assertThat(SafeNames.localPart("alice_01-x")).isEqualTo("alice_01-x");
        assertThat(SafeNames.localPart("a.b@c d")).isEqualTo("a=2Eb=40c=20d");
        assertThat(SafeNames.localPart("=")).isEqualTo("=3D");
        assertThat(SafeNames.localPart("ü")).isEqualTo("=C3=BC");
        assertThat(SafeNames.zipSegment("../x")).isEqualTo("%2E%2E%2Fx");
        assertThat(SafeNames.domain("My App.1")).isEqualTo("my-app-1.chatsdk.invalid");
        assertThat(SafeNames.domain("!!!")).isEqualTo("app.chatsdk.invalid");

        String longId = "ü".repeat(40);
        String local = SafeNames.localPart(longId);
        assertThat(local).hasSizeLessThanOrEqualTo(SafeNames.LOCAL_PART_MAX).matches("(=[0-9A-F]{2})+_[0-9a-f]{16}");
        assertThat(SafeNames.localPart(longId + "x")).isNotEqualTo(local);
        assertThat(SafeNames.zipSegment("y".repeat(500))).hasSize(SafeNames.ZIP_SEGMENT_MAX);
    }

    /** Counts what it is given and keeps none of it. */
    private static final class TrackingStream extends OutputStream {
        long bytes;
        boolean flushed;
        boolean closed;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }

        @Override
        public void flush() {
            flushed = true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
