package io.chatsdk.engine.model;

import java.time.Instant;
import java.util.List;

/**
 * What happened in a user's channels since their last sync, as events (GetStream's sync).
 *
 * @param changes      message changes in the order they happened
 * @param inaccessible requested channels the user can no longer read (left, removed or deleted)
 * @param hasMore      more changes remain: sync again with the last change's {@link Change#at()} as the last sync time
 */
public record SyncEvents(List<Change> changes, List<String> inaccessible, boolean hasMore) {

    /**
     * One message's change.
     *
     * @param type    {@code message.new}, {@code message.updated} or {@code message.deleted}
     * @param message the message as it is now (deleted messages without content)
     * @param at      when the message last changed (its update time), which orders the changes
     */
    public record Change(String type, Message message, Instant at) {
    }
}
