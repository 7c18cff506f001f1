package io.chatsdk.engine.internal;

import io.chatsdk.engine.blocklist.Blocklist;
import io.chatsdk.engine.blocklist.BlocklistMatcher;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.AppId;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The blocklist matcher of each app's channel type, built from the lists attached to the type and cached per node
 * for {@link #TTL} (changes made on this node apply at once). Thread-safe.
 */
public final class BlocklistCache {
    public static final Duration TTL = Duration.ofSeconds(10);
    private static final BlocklistMatcher NONE = new BlocklistMatcher(List.of());
    private final NodeCache<String, BlocklistMatcher> cache;

    public BlocklistCache(Clock clock) {
        this.cache = new NodeCache<>(clock, TTL);
    }

    public BlocklistMatcher matcher(Tx tx, AppId app, String channelType) {
        return cache.get(app.value() + "/" + channelType, () -> {
            List<Blocklist> lists = tx.query("select b.definition from blocklist b join channel_type_blocklist l on l.app_id = b.app_id "
                            + "and l.blocklist = b.name where l.app_id = ? and l.channel_type = ? order by b.name",
                    rs -> Blocklist.fromMap(Json.readMap(rs.getString(1))), app.value(), channelType);
            return lists.isEmpty() ? NONE : new BlocklistMatcher(lists);
        });
    }

    /** Forgets this node's matchers of an app. */
    public void forget(AppId app) {
        cache.forgetIf(k -> k.startsWith(app.value() + "/"));
    }
}
