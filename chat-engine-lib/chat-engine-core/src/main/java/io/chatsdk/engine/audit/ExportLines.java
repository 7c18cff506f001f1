package io.chatsdk.engine.audit;

import io.chatsdk.engine.types.ChatException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Encodes and parses the lines of an audit export (JSON Lines, see docs/compliance.md). Parsing is strict: exact
 * member sets, exact types, lowercase hex, and the line must be byte for byte what {@code encode} writes for the
 * values it holds, so that no byte of a line can change without the verifier noticing, even one that JSON would
 * consider equivalent. Stateless and thread-safe.
 */
final class ExportLines {
    static final String FORMAT = "chatsdk-audit-export/1";

    private static final JsonFactory FACTORY =
            JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper MAPPER =
            new ObjectMapper(FACTORY).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final List<String> RECORD_MEMBERS = List.of("type", "chain", "seq", "at", "actor_type", "actor_id",
            "actor_role", "action", "resource_type", "resource_id", "ip", "user_agent", "outcome", "reason",
            "details", "prev_hash", "hash");

    /** One parsed line. */
    sealed interface Line permits Header, RecordLine, CheckpointLine, EndLine {
    }

    record Header(Instant exportedAt, List<String> chains) implements Line {
    }

    record RecordLine(AuditRecord record) implements Line {
    }

    record CheckpointLine(Checkpoint checkpoint) implements Line {
    }

    record EndLine(ExportEnd end) implements Line {
    }

    /** Why a line could not be read; the message names the member and the problem, never a value. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        private final String chain;
        private final long seq;

        Malformed(String message) {
            this(message, null, 0);
        }

        Malformed(String message, String chain, long seq) {
            super(message);
            this.chain = chain;
            this.seq = seq;
        }

        /** The chain the line names, if it could be read, else {@code null}. */
        String chain() {
            return chain;
        }

        /** The seq the line names, if it could be read, else 0. */
        long seq() {
            return seq;
        }
    }

    private ExportLines() {
    }

    static byte[] header(Instant exportedAt, List<String> chains) {
        return write(g -> {
            g.writeStringField("type", "header");
            g.writeStringField("format", FORMAT);
            g.writeStringField("exported_at", exportedAt.toString());
            g.writeArrayFieldStart("chains");
            for (String chain : chains) {
                g.writeString(chain);
            }
            g.writeEndArray();
        });
    }

    static byte[] record(AuditRecord r) {
        return write(g -> {
            g.writeStringField("type", "record");
            g.writeStringField("chain", r.chain());
            g.writeNumberField("seq", r.seq());
            g.writeStringField("at", r.at().toString());
            g.writeStringField("actor_type", r.actorType());
            g.writeStringField("actor_id", r.actorId());
            g.writeStringField("actor_role", r.actorRole());
            g.writeStringField("action", r.action());
            g.writeStringField("resource_type", r.resourceType());
            g.writeStringField("resource_id", r.resourceId());
            g.writeStringField("ip", r.ip());
            g.writeStringField("user_agent", r.userAgent());
            g.writeStringField("outcome", r.outcome());
            g.writeStringField("reason", r.reason());
            g.writeObjectFieldStart("details");
            for (Map.Entry<String, String> e : r.details().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeStringField("prev_hash", Fields.hex(r.prevHash()));
            g.writeStringField("hash", Fields.hex(r.hash()));
        });
    }

    static byte[] checkpoint(Checkpoint c) {
        return write(g -> {
            g.writeStringField("type", "checkpoint");
            g.writeStringField("chain", c.chain());
            g.writeNumberField("seq", c.seq());
            g.writeStringField("hash", Fields.hex(c.hash()));
            g.writeStringField("at", c.at().toString());
            g.writeStringField("key_id", c.keyId());
            g.writeStringField("signature", Base64.getEncoder().encodeToString(c.signature()));
        });
    }

    static byte[] end(ExportEnd e) {
        return write(g -> {
            g.writeStringField("type", "end");
            g.writeObjectFieldStart("heads");
            for (Map.Entry<String, ExportEnd.Head> head : e.heads().entrySet()) {
                g.writeObjectFieldStart(head.getKey());
                g.writeNumberField("seq", head.getValue().seq());
                g.writeStringField("hash", Fields.hex(head.getValue().hash()));
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeNumberField("records", e.records());
            g.writeStringField("at", e.at().toString());
            g.writeStringField("key_id", e.keyId());
            g.writeStringField("signature", Base64.getEncoder().encodeToString(e.signature()));
        });
    }

    /** Parses one line (without its newline); {@code utf8} are the bytes it was decoded from. */
    static Line parse(String text, byte[] utf8) throws Malformed {
        JsonNode node = tree(text);
        try {
            return parse(node, utf8);
        } catch (Malformed e) {
            // Name the record when the damage left its chain and seq readable: the auditor looks for it by them.
            JsonNode chain = node.get("chain");
            JsonNode seq = node.get("seq");
            throw new Malformed(e.getMessage(), chain != null && chain.isTextual() ? chain.textValue() : null,
                    seq != null && seq.canConvertToLong() && seq.isIntegralNumber() ? seq.longValue() : 0);
        }
    }

    private static Line parse(JsonNode node, byte[] utf8) throws Malformed {
        Line line;
        try {
            line = switch (type(node)) {
                case "header" -> parseHeader(node);
                case "record" -> new RecordLine(parseRecord(node));
                case "checkpoint" -> new CheckpointLine(parseCheckpoint(node));
                case "end" -> new EndLine(parseEnd(node));
                default -> throw new Malformed("member \"type\" is not header, record, checkpoint or end");
            };
        } catch (ChatException e) {
            // "actor_type: must be ..." from the record's own validation, phrased like the other member errors
            String problem = e.field() == null ? e.getMessage() : e.getMessage().substring(e.field().length() + 2);
            throw new Malformed(e.field() == null ? problem : "member \"" + e.field() + "\" " + problem);
        }
        if (!Arrays.equals(utf8, encode(line))) {
            throw new Malformed("the line is not in the exact form the exporter writes"
                    + " (member order, spacing, escapes, letter case or number form changed)");
        }
        return line;
    }

    /** The record on a line, or {@code null} if the line is not a readable record: for the second, lenient pass. */
    static AuditRecord recordOrNull(String text) {
        try {
            JsonNode node = tree(text);
            return "record".equals(type(node)) ? parseRecord(node) : null;
        } catch (Malformed | RuntimeException e) {
            return null;
        }
    }

    private static byte[] encode(Line line) {
        if (line instanceof Header h) {
            return header(h.exportedAt(), h.chains());
        } else if (line instanceof RecordLine r) {
            return record(r.record());
        } else if (line instanceof CheckpointLine c) {
            return checkpoint(c.checkpoint());
        }
        return end(((EndLine) line).end());
    }

    private static JsonNode tree(String text) throws Malformed {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the offending text, which may be record content: say where, not what.
            throw new Malformed("is not valid JSON" + (e.getLocation() == null ? ""
                    : " (column " + e.getLocation().getColumnNr() + ")"));
        }
        if (node == null || !node.isObject()) {
            throw new Malformed("is not a JSON object");
        }
        return node;
    }

    private static String type(JsonNode node) throws Malformed {
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new Malformed("member \"type\" is missing or not a string");
        }
        return type.textValue();
    }

    private static Header parseHeader(JsonNode node) throws Malformed {
        members(node, List.of("type", "format", "exported_at", "chains"));
        if (!FORMAT.equals(text(node, "format", false))) {
            throw new Malformed("member \"format\" is not " + FORMAT);
        }
        JsonNode chains = node.get("chains");
        if (!chains.isArray()) {
            throw new Malformed("member \"chains\" is not an array");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode chain : chains) {
            if (!chain.isTextual() || chain.textValue().isBlank()) {
                throw new Malformed("member \"chains\" holds something other than a chain name");
            }
            names.add(chain.textValue());
        }
        if (Set.copyOf(names).size() != names.size()) {
            throw new Malformed("member \"chains\" names a chain twice");
        }
        return new Header(instant(node, "exported_at"), List.copyOf(names));
    }

    private static AuditRecord parseRecord(JsonNode node) throws Malformed {
        members(node, RECORD_MEMBERS);
        JsonNode details = node.get("details");
        if (!details.isObject()) {
            throw new Malformed("member \"details\" is not an object");
        }
        Map<String, String> map = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : details.properties()) {
            if (!e.getValue().isTextual()) {
                throw new Malformed("member \"details\" holds a value that is not a string");
            }
            map.put(e.getKey(), e.getValue().textValue());
        }
        return new AuditRecord(text(node, "chain", false), integer(node, "seq"), instant(node, "at"),
                text(node, "actor_type", false), text(node, "actor_id", true), text(node, "actor_role", true),
                text(node, "action", false), text(node, "resource_type", true), text(node, "resource_id", true),
                text(node, "ip", true), text(node, "user_agent", true), text(node, "outcome", false),
                text(node, "reason", true), map, hash(node, "prev_hash"), hash(node, "hash"));
    }

    private static Checkpoint parseCheckpoint(JsonNode node) throws Malformed {
        members(node, List.of("type", "chain", "seq", "hash", "at", "key_id", "signature"));
        return new Checkpoint(text(node, "chain", false), integer(node, "seq"), hash(node, "hash"),
                instant(node, "at"), text(node, "key_id", false), signature(node));
    }

    private static ExportEnd parseEnd(JsonNode node) throws Malformed {
        members(node, List.of("type", "heads", "records", "at", "key_id", "signature"));
        JsonNode heads = node.get("heads");
        if (!heads.isObject()) {
            throw new Malformed("member \"heads\" is not an object");
        }
        Map<String, ExportEnd.Head> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : heads.properties()) {
            JsonNode head = e.getValue();
            if (!head.isObject()) {
                throw new Malformed("member \"heads\" holds a value that is not an object");
            }
            members(head, List.of("seq", "hash"));
            map.put(e.getKey(), new ExportEnd.Head(integer(head, "seq"), hash(head, "hash")));
        }
        long records = integer(node, "records");
        String keyId = text(node, "key_id", false);
        if (Fields.parseHex(keyId, AuditPublicKey.KEY_ID_LENGTH / 2) == null) {
            throw new Malformed("member \"key_id\" is not " + AuditPublicKey.KEY_ID_LENGTH + " lowercase hex characters");
        }
        return new ExportEnd(new TreeMap<>(map), records, instant(node, "at"), keyId, signature(node));
    }

    /** Requires exactly {@code names}, in that order: the order is part of the canonical form. */
    private static void members(JsonNode node, List<String> names) throws Malformed {
        for (String name : names) {
            if (!node.has(name)) {
                throw new Malformed("member \"" + name + "\" is missing");
            }
        }
        for (Map.Entry<String, JsonNode> member : node.properties()) {
            if (!names.contains(member.getKey())) {
                throw new Malformed("a member is not part of the format");
            }
        }
    }

    private static String text(JsonNode node, String name, boolean nullable) throws Malformed {
        JsonNode value = node.get(name);
        if (value.isNull() && nullable) {
            return null;
        }
        if (!value.isTextual()) {
            throw new Malformed("member \"" + name + "\" is not a string" + (nullable ? " or null" : ""));
        }
        return value.textValue();
    }

    private static long integer(JsonNode node, String name) throws Malformed {
        JsonNode value = node.get(name);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new Malformed("member \"" + name + "\" is not a whole number");
        }
        return value.longValue();
    }

    private static Instant instant(JsonNode node, String name) throws Malformed {
        try {
            return Instant.parse(text(node, name, false));
        } catch (DateTimeParseException e) {
            throw new Malformed("member \"" + name + "\" is not an ISO-8601 instant");
        }
    }

    private static byte[] hash(JsonNode node, String name) throws Malformed {
        byte[] hash = Fields.parseHex(text(node, name, false), AuditHash.LENGTH);
        if (hash == null) {
            throw new Malformed("member \"" + name + "\" is not " + AuditHash.LENGTH * 2 + " lowercase hex characters");
        }
        return hash;
    }

    private static byte[] signature(JsonNode node) throws Malformed {
        try {
            return Base64.getDecoder().decode(text(node, "signature", false));
        } catch (IllegalArgumentException e) {
            throw new Malformed("member \"signature\" is not base64");
        }
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
