package io.chatsdk.engine.spi;

import io.chatsdk.engine.types.AppId;

import java.time.Instant;
import java.util.Map;

/**
 * A committed change that clients must hear about, as read from the outbox.
 *
 * @param id        the outbox row id: increases with commit order within a channel, unique across the app
 * @param type      GetStream's event name, for example {@code message.new}
 * @param cid       the channel, or {@code null} for events not about one channel
 * @param seq       the channel sequence number the event concerns (the message's seq), or {@code null}
 * @param payload   the event body (message, member, channel, user ... as maps in wire shape)
 */
public record ChatEvent(long id, AppId appId, String type, String cid, Long seq, Instant createdAt, Map<String, Object> payload) {
}
