package io.chatsdk.engine.internal;

import io.chatsdk.engine.model.Channel;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * End-to-end encrypted channels: 1:1 {@code messaging} channels created with {@code "e2ee": true}, whose messages
 * carry only the Signal protocol's ciphertext, one per recipient device. The flag lives in the channel's custom data
 * under a reserved key, set at creation and kept for life. A message of such a channel has no text, attachments or
 * mentions, and its {@code e2ee} envelope is stored as the sender made it: redaction, the before-send hook, search,
 * AI and push previews never see content, because there is none to see.
 */
public final class E2ee {
    /** The reserved custom key of channels and messages. */
    public static final String FLAG = "e2ee";
    /** Largest ciphertext body (base64 characters) and most ciphertexts per message. */
    static final int MAX_BODY = 65_536;
    static final int MAX_CIPHERTEXTS = 32;
    /** Largest envelope: every body together (a first message to a device carries a 1568-byte Kyber ciphertext). */
    static final int MAX_TOTAL = 512 * 1024;

    private E2ee() {
    }

    /** Whether a channel's data asks for end-to-end encryption ({@code "e2ee": true}); anything but a boolean is refused. */
    public static boolean requested(Map<String, Object> custom) {
        if (custom == null || !custom.containsKey(FLAG)) {
            return false;
        }
        if (!(custom.get(FLAG) instanceof Boolean b)) {
            throw ChatException.invalid(FLAG, "must be true or false");
        }
        return b;
    }

    /** The data without the flag ({@code "e2ee": false} asks for nothing, and is dropped too). */
    public static Map<String, Object> without(Map<String, Object> custom) {
        if (custom == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>(custom);
        m.remove(FLAG);
        return m;
    }

    /**
     * An existing channel asked for with {@code e2ee: true}: it must be encrypted and have exactly the members asked
     * for, so that a client never takes another channel (a plain one, or one someone else made under that id with
     * other members) for the conversation it meant.
     */
    public static io.chatsdk.engine.model.ChannelState requireSame(io.chatsdk.engine.model.ChannelState existing, String creator, List<String> asked) {
        if (!of(existing.channel())) {
            throw new ChatException(ErrorCode.CONFLICT, "e2ee: channel " + existing.channel().cid() + " exists and is not end-to-end encrypted", FLAG, null);
        }
        Set<String> want = new HashSet<>(asked == null ? List.of() : asked);
        if (creator != null) {
            want.add(creator);
        }
        Set<String> have = new HashSet<>();
        existing.members().forEach(m -> have.add(m.userId()));
        if (!want.isEmpty() && !(want.size() == 1 && have.containsAll(want)) && !have.equals(want)) {
            throw new ChatException(ErrorCode.CONFLICT, "e2ee: channel " + existing.channel().cid() + " exists with other members", "members", null);
        }
        return existing;
    }

    /** Whether the channel is end-to-end encrypted. */
    public static boolean of(Channel channel) {
        return channel != null && channel.custom() != null && Boolean.TRUE.equals(channel.custom().get(FLAG));
    }

    /** An encrypted channel is a 1:1 {@code messaging} channel: its creator and one other user. */
    public static void requireOneToOne(Cid cid, Set<String> members) {
        if (!cid.type().equals("messaging")) {
            throw ChatException.invalid(FLAG, "only messaging channels can be end-to-end encrypted");
        }
        if (members.size() != 2) {
            throw ChatException.invalid("members", "an end-to-end encrypted channel has exactly two members (the creator and one other)");
        }
    }

    /**
     * Checks a message for an encrypted channel, or a message for a plain channel that carries an envelope. In an
     * encrypted channel the message must be {@code {"e2ee": {"sender_device": n, "ciphertexts": [{"user_id",
     * "device_id", "type": 2|3, "body": base64}, ...]}}} and nothing readable: no text, attachments, mentions or other
     * custom data.
     */
    public static void checkMessage(boolean encryptedChannel, String text, List<?> attachments, List<String> mentions, Map<String, Object> custom) {
        boolean envelope = custom != null && custom.containsKey(FLAG);
        if (!encryptedChannel) {
            if (envelope) {
                throw ChatException.invalid(FLAG, "only messages of end-to-end encrypted channels carry an e2ee envelope");
            }
            return;
        }
        if (!envelope) {
            throw new ChatException(ErrorCode.E2EE_REQUIRED, "this channel is end-to-end encrypted: send ciphertext in e2ee, never plain text", FLAG, null);
        }
        if ((text != null && !text.isEmpty()) || (attachments != null && !attachments.isEmpty()) || (mentions != null && !mentions.isEmpty())
                || custom.size() > 1) {
            throw new ChatException(ErrorCode.E2EE_REQUIRED, "a message of an end-to-end encrypted channel carries nothing but its e2ee envelope "
                    + "(no text, attachments, mentions or custom fields)", "text", null);
        }
        if (!(custom.get(FLAG) instanceof Map<?, ?> e)) {
            throw ChatException.invalid(FLAG, "must be an object");
        }
        Set<String> known = Set.of("sender_device", "ciphertexts");
        for (Object k : e.keySet()) {
            if (!known.contains(k)) {
                throw ChatException.invalid(FLAG + "." + k, "is not a field of the envelope");
            }
        }
        deviceId(FLAG + ".sender_device", e.get("sender_device"));
        if (!(e.get("ciphertexts") instanceof List<?> list) || list.isEmpty() || list.size() > MAX_CIPHERTEXTS) {
            throw ChatException.invalid(FLAG + ".ciphertexts", "must list 1-" + MAX_CIPHERTEXTS + " ciphertexts, one per recipient device");
        }
        Set<String> seen = new HashSet<>();
        long total = 0;
        for (int i = 0; i < list.size(); i++) {
            String f = FLAG + ".ciphertexts[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> c) || !Set.of("user_id", "device_id", "type", "body").containsAll(c.keySet()) || c.size() != 4) {
                throw ChatException.invalid(f, "must be {\"user_id\", \"device_id\", \"type\", \"body\"}");
            }
            if (!(c.get("user_id") instanceof String u) || u.isEmpty() || u.length() > 255) {
                throw ChatException.invalid(f + ".user_id", "must be a user id");
            }
            int device = deviceId(f + ".device_id", c.get("device_id"));
            if (!seen.add(u + "/" + device)) {
                throw ChatException.invalid(f, "names a device twice");
            }
            if (!(c.get("type") instanceof Integer t) || (t != 2 && t != 3)) {
                throw ChatException.invalid(f + ".type", "must be 2 (a message) or 3 (a prekey message)");
            }
            if (!(c.get("body") instanceof String body) || body.isEmpty() || body.length() > MAX_BODY) {
                throw ChatException.invalid(f + ".body", "must be base64, at most " + MAX_BODY + " characters");
            }
            total += body.length();
            if (total > MAX_TOTAL) {
                throw ChatException.invalid(FLAG + ".ciphertexts", "at most " + MAX_TOTAL + " characters of ciphertext in all");
            }
            try {
                Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException x) {
                throw ChatException.invalid(f + ".body", "must be base64");
            }
        }
    }

    /**
     * In the send's transaction: every ciphertext goes to a member of the channel, and the sender's device is one the
     * author published, so that an envelope cannot address outsiders or claim a device its author does not have.
     */
    public static void checkAddressing(io.chatsdk.engine.persistence.Tx tx, io.chatsdk.engine.types.AppId app, java.util.UUID channelPk,
                                       String author, Map<String, Object> custom) {
        Map<?, ?> e = (Map<?, ?>) custom.get(FLAG);
        Set<String> members = new HashSet<>(tx.query("select user_id from channel_member where channel_pk = ?", rs -> rs.getString(1), channelPk));
        List<?> list = (List<?>) e.get("ciphertexts");
        for (int i = 0; i < list.size(); i++) {
            Object user = ((Map<?, ?>) list.get(i)).get("user_id");
            if (!members.contains(user)) {
                throw ChatException.invalid(FLAG + ".ciphertexts[" + i + "].user_id", "is not a member of this channel");
            }
        }
        if (tx.one("select 1 from e2ee_device where app_id = ? and user_id = ? and device_id = ?", rs -> 1, app.value(), author,
                e.get("sender_device")).isEmpty()) {
            throw ChatException.invalid(FLAG + ".sender_device", "is not a published device of the author");
        }
    }

    private static int deviceId(String field, Object v) {
        if (!(v instanceof Integer d) || d < 1 || d > 127) {
            throw ChatException.invalid(field, "must be a device id 1-127");
        }
        return d;
    }
}
