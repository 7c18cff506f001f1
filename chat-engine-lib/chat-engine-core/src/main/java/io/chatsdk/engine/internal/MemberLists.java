package io.chatsdk.engine.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.List;
import java.util.UUID;

/**
 * Channels' member ids as this node last read them, each kept with the channel's {@code member_version}: triggers
 * give the channel a fresh number from a sequence with every statement that inserts or deletes its member rows
 * (migration V18), and a number is never shown twice, so a list is still the channel's members exactly while the
 * channel's row shows the number it was read with. Readers compare the number first; nothing needs to be told of a
 * change, on this node or another. A later change takes a larger number, which is how {@link #keep} tells a newer
 * list from an older one.
 *
 * <p>Bounded by the member ids held (least used channels go first). Thread-safe.
 */
public final class MemberLists {
    /**
     * A channel's member ids in the database's order of {@code user_id}, as of {@code version}; null ids when it had more
     * than {@link #maxMembers} then (kept so that its readers know without reading them all again).
     */
    public record Members(long version, List<String> userIds) {
        public Members {
            userIds = userIds == null ? null : List.copyOf(userIds);
        }

        public boolean tooMany() {
            return userIds == null;
        }
    }

    private final int maxMembers;
    private final Cache<UUID, Members> lists;

    /**
     * @param maxMembers   a channel with more members is not kept (its readers filter in the database)
     * @param maxMemberIds the most member ids kept in all
     */
    public MemberLists(int maxMembers, long maxMemberIds) {
        this.maxMembers = maxMembers;
        this.lists = Caffeine.newBuilder().maximumWeight(maxMemberIds)
                .weigher((UUID pk, Members m) -> 1 + (m.tooMany() ? 0 : m.userIds().size())).build();
    }

    /** The most members a channel may have for its list to be kept. */
    public int maxMembers() {
        return maxMembers;
    }

    /** What was read of the channel's members at {@code version}, else null. */
    public Members at(UUID channelPk, long version) {
        Members m = lists.getIfPresent(channelPk);
        return m != null && m.version() == version ? m : null;
    }

    /**
     * Keeps the member ids read at {@code version} (past {@link #maxMembers}, or null, only that there were too many; a
     * reader need read no more than one past it), unless what is kept is newer; returns what was read.
     */
    public Members keep(UUID channelPk, long version, List<String> userIds) {
        Members read = new Members(version, userIds == null || userIds.size() > maxMembers ? null : userIds);
        lists.asMap().merge(channelPk, read, (kept, fresh) -> fresh.version() >= kept.version() ? fresh : kept);
        return read;
    }

    /** Runs the cache's pending evictions now (tests). */
    void cleanUp() {
        lists.cleanUp();
    }
}
