package io.chatsdk.engine.delivery;

import io.chatsdk.engine.channels.Channels;
import io.chatsdk.engine.event.Event.BanEvent;
import io.chatsdk.engine.event.Event.ChannelEvent;
import io.chatsdk.engine.event.Event.ChannelVisibilityEvent;
import io.chatsdk.engine.event.Event.FlagEvent;
import io.chatsdk.engine.event.Event.MemberEvent;
import io.chatsdk.engine.event.Event.MessageEvent;
import io.chatsdk.engine.event.Event.PresenceEvent;
import io.chatsdk.engine.event.Event.ReactionEvent;
import io.chatsdk.engine.event.Event.ReadEvent;
import io.chatsdk.engine.event.Event.UserEvent;
import io.chatsdk.engine.event.Event;
import io.chatsdk.engine.event.EventType;
import io.chatsdk.engine.moderation.Moderation;
import io.chatsdk.engine.users.Users;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The one rule for who hears about an event: the WebSocket hub, push and webhooks all ask here.
 *
 * <ul>
 *   <li>a shadowed message, and reactions to it, exist for its author only, and not for the app's back end;</li>
 *   <li>a message's or reaction's blockers do not receive it (nor the reactions of someone they block);</li>
 *   <li>events about one user (bans, deactivation, their own read marker moved back, their hidden channels) go to that
 *       user only;</li>
 *   <li>{@code message.flagged} goes to the moderators the event names, and only when it came from the outbox;</li>
 *   <li>presence goes to the user's peers (users who share a channel with them);</li>
 *   <li>every other channel event goes to the channel's members (a deleted channel's members travel with the event, a
 *       removed member hears of the removal) and to connections watching the channel without being members.</li>
 * </ul>
 *
 * <p>Reads membership, peers and blocks through the app's server-side services. Thread-safe; each call may query the
 * database.
 *
 * <pre>{@code
 * Audience audience = engine.app(appId).audience();
 * Audience.Recipients r = audience.recipients(EventJson.read(e.type(), e.cid(), e.payload()), e.id() > 0);
 * }</pre>
 */
public final class Audience {
    /** Most members looked up for one event. */
    public static final int MAX_RECIPIENTS = 10_000;

    private final Users users;
    private final Channels channels;
    private final Moderation moderation;

    /** The services of the events' app, all server side: {@code AppHandle.audience()} passes them. */
    public Audience(Users users, Channels channels, Moderation moderation) {
        this.users = users;
        this.channels = channels;
        this.moderation = moderation;
    }

    /**
     * Who receives an event over live connections.
     *
     * @param users           the users all of whose connections receive it
     * @param watchersToo     connections watching the channel without being members receive it as well, except those of
     *                        {@link #allowedWatchers excluded users}
     */
    public record Recipients(Set<String> users, boolean watchersToo) {
        public Recipients {
            users = Set.copyOf(users);
        }

        static Recipients none() {
            return new Recipients(Set.of(), false);
        }
    }

    /**
     * @param stored whether the event came from the outbox (the only source of events that name their own audience);
     *               ephemeral events (typing, presence, custom) come straight from the bus
     */
    public Recipients recipients(Event e, boolean stored) {
        return recipients(e, stored, null);
    }

    /**
     * The same, where only the users in {@code among} matter (a node's connected users): a channel's members are then
     * looked up among them only, so that a node with few connections pays little for a large channel. Users outside
     * {@code among} may still be named (the event's own user, say); null means everyone.
     */
    public Recipients recipients(Event e, boolean stored, Set<String> among) {
        if (e instanceof FlagEvent f) {
            return stored ? new Recipients(new LinkedHashSet<>(f.moderatorIds()), false) : Recipients.none();
        }
        if (e instanceof PresenceEvent p) {
            Set<String> r = new LinkedHashSet<>(users.peers(p.userId(), MAX_RECIPIENTS));
            r.add(p.userId());
            return new Recipients(r, false);
        }
        if (e instanceof UserEvent u) {
            return new Recipients(Set.of(u.userId()), false);
        }
        if (e instanceof io.chatsdk.engine.event.Event.KeysChangedEvent k) {
            // the user's other devices, and everyone who may hold a session with them
            Set<String> r = new LinkedHashSet<>(users.peers(k.userId(), MAX_RECIPIENTS));
            r.add(k.userId());
            return new Recipients(r, false);
        }
        if (e instanceof BanEvent b) {
            return new Recipients(Set.of(b.userId()), false);
        }
        if (e instanceof ChannelVisibilityEvent v) {
            return new Recipients(Set.of(v.userId()), false);
        }
        if (e instanceof ReadEvent r && r.type() == EventType.NOTIFICATION_MARK_UNREAD) {
            return new Recipients(Set.of(r.userId()), false);
        }
        if (e.cid() == null) {
            return Recipients.none();
        }
        if (shadowed(e)) {
            return e.author().map(a -> new Recipients(Set.of(a), false)).orElse(Recipients.none());
        }
        // a deleted channel's members travel with its event; otherwise the members less the blockers of the event's
        // authors, in one query (only messages and reactions have authors)
        Set<String> members = new LinkedHashSet<>(e instanceof ChannelEvent c && c.memberIds() != null ? c.memberIds()
                : channels.memberIdsExceptBlockersOf(e.cid(), authors(e), among, MAX_RECIPIENTS));
        if (e instanceof MemberEvent m && m.type() == EventType.MEMBER_REMOVED) {
            members.add(m.userId());
        }
        return new Recipients(members, true);
    }

    /** Of {@code candidates} (watchers of the event's channel who are not members), those who may receive it. */
    public Set<String> allowedWatchers(Event e, Collection<String> candidates) {
        Set<String> allowed = new LinkedHashSet<>(candidates);
        allowed.removeAll(moderation.blockersOf(authors(e), candidates));
        return allowed;
    }

    /** Whether the app's back end (webhooks) hears about the event: everything but what only an author may see. */
    public static boolean toBackEnd(Event e) {
        return !shadowed(e);
    }

    /** Whether the event is a push notification: a new message that is not silent, a system message or shadowed. */
    public static boolean pushed(Event e) {
        return e instanceof MessageEvent m && m.type() == EventType.MESSAGE_NEW && !m.silent() && !m.system() && !m.shadowed();
    }

    /** A shadowed message, or a reaction to one: for its author's eyes only. */
    public static boolean shadowed(Event e) {
        return e instanceof MessageEvent m && m.shadowed() || e instanceof ReactionEvent r && r.shadowed();
    }

    /** The users whose blockers must not hear of the event: a message's author; a reaction's and its message's. */
    private static Set<String> authors(Event e) {
        Set<String> authors = new LinkedHashSet<>();
        e.author().ifPresent(authors::add);
        if (e instanceof ReactionEvent r && r.userId() != null) {
            authors.add(r.userId());
        }
        return authors;
    }
}
