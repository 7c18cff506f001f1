package io.chatsdk.jakarta;

import io.chatsdk.engine.wire.Wire;
import io.chatsdk.engine.model.Message;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Compares the read-only fields of a message sent back in an update with the stored message. */
final class MessageFields {
    private MessageFields() {
    }

    /** Throws {@code validation_error} naming the first field of {@link MessagesResource#FIXED_FIELDS} that differs. */
    static void requireUnchanged(JsonBody sent, Message stored) {
        Map<String, Object> wire = Wire.message(stored);
        for (String key : new TreeSet<>(sent.asMap().keySet())) {
            if (!MessagesResource.FIXED_FIELDS.contains(key)) {
                continue;
            }
            Object value = sent.asMap().get(key);
            boolean same = switch (key) {
                case "user" -> value == null || value instanceof Map<?, ?> u && Objects.equals(u.get("id"), stored.userId());
                case "mentioned_users" -> value == null || Objects.equals(ids(value), new TreeSet<>(stored.mentionedUsers()));
                case "created_at" -> sameInstant(value, stored.createdAt());
                default -> sameValue(value, wire.get(key));
            };
            if (!same) {
                String field = "message." + key;
                throw ApiException.badRequest("validation_error", field + ": is read-only and differs from the stored message; "
                        + "send it unchanged or leave it out", field);
            }
        }
    }

    private static Set<String> ids(Object value) {
        Set<String> out = new TreeSet<>();
        if (!(value instanceof List<?> list)) {
            return null;
        }
        for (Object o : list) {
            if (o instanceof String s) {
                out.add(s);
            } else if (o instanceof Map<?, ?> m && m.get("id") instanceof String s) {
                out.add(s);
            } else {
                return null;
            }
        }
        return out;
    }

    private static boolean sameInstant(Object value, Instant stored) {
        if (!(value instanceof String s)) {
            return false;
        }
        try {
            return Instant.parse(s).equals(stored);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean sameValue(Object sent, Object stored) {
        if (sent instanceof Number a && stored instanceof Number b) {
            return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
        }
        if (sent == null) {
            return stored == null || Boolean.FALSE.equals(stored);
        }
        return sent.equals(stored);
    }
}
