package io.chatsdk.engine.export;

import java.time.Instant;
import java.util.Objects;

/**
 * A channel as it opens in a compliance export: everything an {@link ExportWriter} needs to head the
 * channel's section. Immutable, so safe to share between threads.
 *
 * @param appId       the app (tenant) the channel belongs to
 * @param cid         the channel's full id, {@code type:id}
 * @param channelType the channel type, for example {@code messaging}
 * @param channelName the channel's display name, or {@code null} when it has none
 * @param createdAt   when the channel was created
 */
public record ExportConversation(String appId, String cid, String channelType, String channelName, Instant createdAt) {
    public ExportConversation {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(channelType, "channelType");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The name people see: the channel name, or the cid when the channel has none. */
    public String displayName() {
        return channelName == null || channelName.isBlank() ? cid : channelName;
    }
}
