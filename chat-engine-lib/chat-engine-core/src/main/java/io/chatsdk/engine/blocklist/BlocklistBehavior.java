package io.chatsdk.engine.blocklist;

import java.util.Locale;

/**
 * What happens to a message that matches a {@link Blocklist}. When several lists match, the strongest
 * behaviour wins: {@link #BLOCK} over {@link #SHADOW} over {@link #FLAG} (see {@link BlocklistMatcher}).
 * Enum constants are immutable and safe to share between threads.
 */
public enum BlocklistBehavior {
    /** The message is sent and flagged for moderators. */
    FLAG,
    /** The message is refused; the sender gets an error. */
    BLOCK,
    /** The message is stored and shown to its sender only, so the sender does not learn it was caught. */
    SHADOW;

    /** The lower-case name used in JSON: {@code flag}, {@code block} or {@code shadow}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name found under {@code field}.
     *
     * @throws IllegalArgumentException {@code "<field>: must be flag, block or shadow"} for any other value,
     *     including {@code null} and other spellings such as {@code BLOCK}
     */
    public static BlocklistBehavior fromWire(String field, String value) {
        for (BlocklistBehavior behavior : values()) {
            if (behavior.wire().equals(value)) {
                return behavior;
            }
        }
        // The rejected value is left out: it is caller input and may be long.
        throw new IllegalArgumentException(field + ": must be flag, block or shadow");
    }

    /** Precedence among matches: higher wins. Not the declaration order, which follows the wire documentation. */
    int strength() {
        return switch (this) {
            case BLOCK -> 3;
            case SHADOW -> 2;
            case FLAG -> 1;
        };
    }
}
