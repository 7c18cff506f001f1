package io.chatsdk.engine.blocklist;

import java.util.Objects;

/**
 * Which blocklist a message matched and how, as returned by {@link BlocklistMatcher#match(String)}. It
 * deliberately holds neither the matched text nor the word or pattern that matched, so that it can be
 * logged, stored with a flag and shown to moderators without repeating message content. Immutable.
 *
 * @param listName the {@link Blocklist#name()} of the list that matched
 * @param behavior that list's behaviour, which the caller applies
 * @param kind whether one of its words or one of its patterns matched
 */
public record BlocklistMatch(String listName, BlocklistBehavior behavior, Kind kind) {
    public BlocklistMatch {
        Objects.requireNonNull(listName, "listName");
        Objects.requireNonNull(behavior, "behavior");
        Objects.requireNonNull(kind, "kind");
    }

    /** What part of a {@link Blocklist} matched. */
    public enum Kind {
        /** An entry of {@link Blocklist#words()}, possibly spaced out letter by letter. */
        WORD,
        /** An entry of {@link Blocklist#patterns()}. */
        PATTERN
    }
}
