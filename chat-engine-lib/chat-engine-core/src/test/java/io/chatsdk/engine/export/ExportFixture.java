package io.chatsdk.engine.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A small export every format test writes and parses back: joins and a leave, a plain message, an edit
 * with two revisions, a soft and a hard delete, a thread reply, emoji and right-to-left text, and text
 * that needs escaping in every format.
 */
final class ExportFixture {
    static final String APP = "4f9c2b1e-0000-4000-8000-000000000001";
    static final String CID = "messaging:general";
    static final String CHANNEL_NAME = "Ops, \"R&D\" <team>";
    static final String EMPTY_CID = "team:quiet";
    static final Instant T0 = Instant.parse("2025-03-01T09:00:00Z");
    static final Instant EXPORTED_AT = Instant.parse("2025-03-02T00:00:00Z");

    /** A user id with characters an e-mail local part, a path or a header would choke on. */
    static final String ODD_USER = "carol o'hara+x/../y@z\r\nBcc: evil";
    static final String PLAIN_TEXT = "Hello, \"world\"\nsecond line";
    static final String RTL_EMOJI_TEXT = "👍🏽 𝄞 שלום עולם مرحبا";
    static final String ODD_USER_NAME = "Çarol 😀";
    static final String FORMULA_TEXT = "=HYPERLINK(\"http://evil.example\",\"click\") <&> a\u0007b\r\nend";
    /** A message id that tries to climb out of the ZIP. */
    static final String EVIL_ID = "../../etc/passwd\\x";

    static final ExportHeader HEADER = new ExportHeader(APP, T0, null, EXPORTED_AT,
            Map.of("channels", List.of(CID)));
    static final ExportConversation CONVERSATION = new ExportConversation(APP, CID, "messaging", CHANNEL_NAME, T0);
    static final ExportConversation EMPTY = new ExportConversation(APP, EMPTY_CID, "team", null, T0);

    static final ExportMessage PLAIN = message("m1", 1, "alice", "Alice", "regular", PLAIN_TEXT, 10)
            .build();
    static final ExportMessage EDITED = message("m2", 2, "bob", "Bob", "regular", "final text", 20)
            .edited(at(25), List.of(new ExportRevision("first draft", at(22)), new ExportRevision("second draft", at(25))))
            .build();
    static final ExportMessage SOFT_DELETED = message("m3", 3, "alice", "Alice", "regular", "oops", 40)
            .deleted(at(41), false).build();
    static final ExportMessage HARD_DELETED = message("m4", 4, "alice", "Alice", "regular", null, 42)
            .deleted(at(43), true).build();
    static final ExportMessage REPLY = message("m5", 5, ODD_USER, ODD_USER_NAME, "reply", RTL_EMOJI_TEXT, 50)
            .parent("m1").build();
    static final ExportMessage FORMULA = message(EVIL_ID, 6, "alice", "Alice", "regular", FORMULA_TEXT, 60)
            .attachments(List.of(Map.of("type", "image", "title", "cat.png",
                    "asset_url", "https://cdn.example/cat.png")))
            .build();

    private ExportFixture() {
    }

    static Instant at(int minutes) {
        return T0.plusSeconds(minutes * 60L);
    }

    /** Writes the sample: one busy conversation and one with no events. */
    static byte[] write(ExportFormat format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ExportWriter writer = format.open(out, HEADER)) {
            writer.beginConversation(CONVERSATION);
            writer.membership(new ExportMembership(CID, "alice", "joined", at(1)));
            writer.membership(new ExportMembership(CID, "bob", "joined", at(2)));
            writer.membership(new ExportMembership(CID, ODD_USER, "joined", at(3)));
            writer.message(PLAIN);
            writer.message(EDITED);
            writer.membership(new ExportMembership(CID, "bob", "left", at(30)));
            writer.message(SOFT_DELETED);
            writer.message(HARD_DELETED);
            writer.message(REPLY);
            writer.message(FORMULA);
            writer.endConversation();
            writer.beginConversation(EMPTY);
            writer.endConversation();
        }
        return out.toByteArray();
    }

    static Builder message(String id, long seq, String userId, String userName, String type, String text,
                           int minute) {
        return new Builder(id, seq, userId, userName, type, text, at(minute));
    }

    /** Builds test messages; members at the time are alice, bob and the odd user unless bob has left. */
    static final class Builder {
        private final String id;
        private final long seq;
        private final String userId;
        private final String userName;
        private final String type;
        private final String text;
        private final Instant createdAt;
        private Instant editedAt;
        private List<ExportRevision> revisions = List.of();
        private Instant deletedAt;
        private boolean hard;
        private String parentId;
        private List<Map<String, Object>> attachments = List.of();

        Builder(String id, long seq, String userId, String userName, String type, String text, Instant createdAt) {
            this.id = id;
            this.seq = seq;
            this.userId = userId;
            this.userName = userName;
            this.type = type;
            this.text = text;
            this.createdAt = createdAt;
        }

        Builder edited(Instant at, List<ExportRevision> earlier) {
            editedAt = at;
            revisions = earlier;
            return this;
        }

        Builder deleted(Instant at, boolean hardDelete) {
            deletedAt = at;
            hard = hardDelete;
            return this;
        }

        Builder parent(String parent) {
            parentId = parent;
            return this;
        }

        Builder attachments(List<Map<String, Object>> list) {
            attachments = list;
            return this;
        }

        ExportMessage build() {
            List<String> members = createdAt.isBefore(at(30))
                    ? List.of("alice", "bob", ODD_USER) : List.of("alice", ODD_USER);
            return new ExportMessage(id, CID, seq, userId, userName, type, text, attachments,
                    Map.of("priority", "high"), parentId, createdAt, editedAt, deletedAt, hard, revisions, members);
        }
    }
}
