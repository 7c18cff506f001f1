package io.chatsdk.jakarta;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.delivery.Audience;
import io.chatsdk.engine.event.Event;
import io.chatsdk.engine.event.EventJson;
import io.chatsdk.engine.event.EventType;
import io.chatsdk.engine.model.Channel;
import io.chatsdk.engine.model.UnreadCounts;
import io.chatsdk.engine.moderation.Moderation;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.spi.EventBus;
import io.chatsdk.engine.spi.PresenceRegistry;
import io.chatsdk.engine.spi.TypingRegistry;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.wire.Wire;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * This node's WebSocket connections and the delivery of events to them. It subscribes to the engine's event bus and,
 * for each event of a channel, delivers it to the connections of that channel's members in the event's app (looked
 * up in PostgreSQL, which decides membership). Typing events are ephemeral: they go through the bus without the
 * outbox and expire when no {@code typing.stop} comes. A user is online while any of their connections on any node
 * is open, as the {@link PresenceRegistry} knows; {@code user.presence.changed} goes to the connections that asked for
 * presence, of users who share a channel with them. Presence is opt-in because its cost grows with the square of a
 * channel's connected members (each connect notifies every other member).
 *
 * <p>Fan-out runs on one thread so that a channel's events leave in bus order; with early delivery
 * ({@link LocalDelivery}) this node's own messages join that order straight after their commit. That thread finds each
 * event's audience and hands the frames to {@link #WRITE_LANES} writing threads, each connection always to the same one,
 * so every connection gets its events in that order while the writes to many connections use every core. Health
 * checks, idle timeouts and typing expiry run on a scheduler. Thread-safe.
 */
final class Hub implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Hub.class.getName());
    static final Duration HEALTH_INTERVAL = Duration.ofSeconds(30);
    static final Duration TYPING_TTL = Duration.ofSeconds(7);

    private final ChatEngine engine;
    private final Clock clock;
    private final int maxQueue;
    private final Map<AppId, Map<String, Set<Connection>>> byUser = new ConcurrentHashMap<>();
    /** Explicit watchers per channel, members or not (livestream audiences). */
    private final Watchers watchers = new Watchers();
    /** Most connections one user may hold open on one node. */
    static final int MAX_CONNECTIONS_PER_USER = 25;
    /** Up to this many users of an app connected to this node, an event's audience is looked up among them only. */
    static final int ASK_AMONG_CONNECTED = 1_000;
    /** Most channels one connection may watch. */
    static final int MAX_WATCHES_PER_CONNECTION = 1_000;
    private final Map<String, Connection> byId = new ConcurrentHashMap<>();
    /**
     * Per app, this node's connections that asked for presence: a presence event with none of them is dropped at once.
     * (Looking for one among every connection made each connect's presence event cost the fan-out thread time in
     * proportion to the connections open, so opening many connections queued messages behind seconds of it.)
     */
    private final Map<AppId, Set<Connection>> presenceListeners = new ConcurrentHashMap<>();
    private final ExecutorService fanout = Executors.newSingleThreadExecutor(r -> daemon(r, "chatsdk-ws-fanout"));
    /**
     * Threads that write the fan-out's frames to connections: one per core, at most four. A connection is always written
     * by the same one (by its id), so its frames keep the fan-out's order.
     */
    static final int WRITE_LANES = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    /** Logged once, when the hub starts, with the number of writing threads. */
    static final String LANES_LOGGED = "WebSocket frames are written on %d threads, each connection always on the same one";
    /** Tasks (an event's writes to one lane's connections) a lane may have waiting before the fan-out thread waits. */
    static final int LANE_TASKS = 256;
    /** Makes the writing threads of the container's kind once a connection shows it ({@link WriterThreads}). */
    private final WriterThreads writers = new WriterThreads();
    private final Lane[] lanes = lanes(writers);
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "chatsdk-ws-timers"));
    private final EventBus.Subscription subscription;

    private final PresenceRegistry presence;
    private final TypingRegistry typing;
    private final Duration idleTimeout;
    private final Authenticator authenticator;

    /** How often every connection's token and app are checked again (expiry, app revocation, secret rotation, disabling). */
    static final int REAUTHORIZE_EVERY_SECONDS = 5;

    /** Early delivery of this node's own messages, or null when every event waits for the bus. */
    private final LocalDelivery local;

    /** {@code localDelivery}: see {@link ChatApiSettings#localDelivery()}. */
    Hub(ChatEngine engine, PresenceRegistry presence, TypingRegistry typing, Clock clock, int maxQueue, Duration idleTimeout,
        Authenticator authenticator, boolean localDelivery) {
        this.engine = engine;
        this.authenticator = authenticator;
        this.typing = typing;
        this.idleTimeout = idleTimeout;
        typing.onExpired((app, cid, userId) -> publish(app, new Event.TypingEvent(EventType.TYPING_STOP, Cid.parse(cid), userId, null)));
        this.presence = presence;
        this.clock = clock;
        this.maxQueue = maxQueue;
        presence.onLost((app, userId) -> presence(app, userId, false));
        if (localDelivery) {
            this.local = new LocalDelivery(e -> fanout.execute(() -> deliver(e)));
            this.subscription = engine.eventBus().subscribe(local::fromBus);
            engine.commitListener(local);   // once the bus copies are heard: an early event's copy must find it awaited
        } else {
            this.local = null;
            this.subscription = engine.eventBus().subscribe(e -> fanout.execute(() -> deliver(e)));
        }
        timers.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    private static Lane[] lanes(WriterThreads writers) {
        Lane[] lanes = new Lane[WRITE_LANES];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane("chatsdk-ws-write-" + i, writers);
        }
        LOG.log(Level.INFO, String.format(LANES_LOGGED, lanes.length));
        return lanes;
    }

    /**
     * One writing thread. Its tasks run in the order they were handed over; the fan-out thread waits while
     * {@link #LANE_TASKS} are waiting, as it waited for its own writes before there were lanes, so a lagging lane holds
     * back the events behind it rather than a growing backlog of frames. Its thread starts with its first task, after a
     * connection opened, so that {@link WriterThreads} has learned the container's kind of thread by then.
     */
    private static final class Lane {
        private final ExecutorService thread;
        private final Semaphore room = new Semaphore(LANE_TASKS);

        Lane(String name, WriterThreads writers) {
            thread = Executors.newSingleThreadExecutor(r -> writers.newThread(r, name));
        }

        /** Runs {@code task} after every task handed over before it. */
        void run(Runnable task) throws InterruptedException {
            room.acquire();
            try {
                thread.execute(() -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "a WebSocket write task failed: " + e.getClass().getName());
                    } finally {
                        room.release();
                    }
                });
            } catch (RejectedExecutionException e) {
                room.release();
                throw e;
            }
        }
    }

    private Lane lane(Connection c) {
        return lanes[Math.floorMod(c.id.hashCode(), lanes.length)];
    }

    /** One frame for one connection, written on the connection's lane. */
    private record Write(Connection to, FrameSender.Text text) {
    }

    /** One write, on its lane: a connection that fails is logged and the lane goes on with the next. */
    private static void write(Write w) {
        try {
            w.to.send(w.text);
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "could not write an event to connection " + w.to.id + ": " + ex.getClass().getName());
        }
    }

    /**
     * Hands the writes to their connections' lanes, one task per lane, in this order; runs on the fan-out thread. A
     * connection's queue decides the rest ({@link Connection#send(FrameSender.Text)}).
     */
    private void write(List<Write> writes) {
        Map<Lane, List<Write>> byLane = new LinkedHashMap<>();
        for (Write w : writes) {
            byLane.computeIfAbsent(lane(w.to), l -> new ArrayList<>()).add(w);
        }
        byLane.forEach((lane, mine) -> onLane(lane, () -> mine.forEach(Hub::write)));
    }

    /** Runs {@code task} on {@code lane}, after the writes handed to it so far; runs on the fan-out thread. */
    private static void onLane(Lane lane, Runnable task) {
        try {
            lane.run(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();   // the hub is closing
            throw new RejectedExecutionException("the hub is closing", e);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    int maxQueue() {
        return maxQueue;
    }

    /** Registers an authenticated connection and sends the first {@code health.check} with the user's unread counts. */
    void open(Connection c) {
        writers.learnFrom(Thread.currentThread());   // the container's thread, which opened the connection
        boolean[] admitted = {false};
        byUser.computeIfAbsent(c.appId, a -> new ConcurrentHashMap<>()).compute(c.userId, (u, set) -> {
            Set<Connection> mine = set != null ? set : ConcurrentHashMap.newKeySet();
            if (mine.size() < MAX_CONNECTIONS_PER_USER) {
                mine.add(c);
                admitted[0] = true;
            }
            return mine;
        });
        if (!admitted[0]) {
            c.close(Connection.TOO_MANY_CONNECTIONS, "too_many_connections: a user holds at most " + MAX_CONNECTIONS_PER_USER
                    + " connections on one node; close one first");
            return;
        }
        byId.put(c.id, c);
        if (c.presence) {
            // inside compute, as the removal below is: an add never lands in a set that was just dropped
            presenceListeners.compute(c.appId, (a, listening) -> {
                Set<Connection> set = listening != null ? listening : ConcurrentHashMap.newKeySet();
                set.add(c);
                return set;
            });
        }
        boolean first = presence.connected(c.appId, c.userId, c.id);
        Map<String, Object> me = me(c.caller.app(), c.userId);
        c.send(ApiJson.write(healthCheck(c, me)));
        c.healthCheckSent(clock.instant());
        c.caller.app().users().touch(c.userId);
        if (first) {
            presence(c.appId, c.userId, true);
        }
        if (!c.isOpen()) {
            // closed while it was being registered (a re-check on the timer thread, say): its closed() may have run
            // before the registration, so run it again (it is idempotent) rather than keep a dead connection
            closed(c);
        }
    }

    /**
     * GetStream's own-user object of the connect payload: the user, their unread counts, mutes of users and channels, and
     * push devices.
     */
    /** This node's open WebSocket connections. */
    int connectionCount() {
        return byId.size();
    }

    static Map<String, Object> me(AppHandle app, String userId) {
        UnreadCounts unread = app.reads().unreadCounts(null);
        Map<String, Object> me = new LinkedHashMap<>(Wire.user(app.users().get(userId)));
        me.put("online", true);
        me.put("unread_count", unread.totalUnreadCount());
        me.put("total_unread_count", unread.totalUnreadCount());
        me.put("total_unread_mentions", unread.totalUnreadMentions());
        me.put("unread_channels", unread.unreadChannels());
        List<Object> channels = new ArrayList<>();
        for (UnreadCounts.ChannelUnread u : unread.channels()) {
            channels.add(Map.of("channel_id", u.cid(), "unread_count", u.unreadCount(), "last_read_seq", u.lastReadSeq(), "last_seq", u.lastSeq()));
        }
        me.put("channels", channels);
        List<Object> mutes = new ArrayList<>();
        List<Object> channelMutes = new ArrayList<>();
        for (Moderation.Mute m : app.moderation().mutes()) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("user", Map.of("id", userId));
            if (m.cid() == null) {
                w.put("target", Map.of("id", m.targetUserId()));
            } else {
                Cid cid = Cid.parse(m.cid());
                w.put("channel", Map.of("cid", m.cid(), "type", cid.type(), "id", cid.id()));
            }
            w.put("created_at", m.createdAt().toString());
            w.put("updated_at", m.createdAt().toString());
            w.put("expires", m.expiresAt() == null ? null : m.expiresAt().toString());
            (m.cid() == null ? mutes : channelMutes).add(w);
        }
        me.put("mutes", mutes);
        me.put("channel_mutes", channelMutes);
        me.put("devices", app.devices().list(null).stream().map(DevicesResource::wire).toList());
        return me;
    }

    void closed(Connection c) {
        byId.remove(c.id);
        if (c.presence) {
            presenceListeners.computeIfPresent(c.appId, (a, listening) -> {
                listening.remove(c);
                return listening.isEmpty() ? null : listening;
            });
        }
        for (String cid : c.watched()) {
            watchers.remove(c, cid);
        }
        Map<String, Set<Connection>> app = byUser.get(c.appId);
        if (app == null) {
            return;
        }
        app.computeIfPresent(c.userId, (u, mine) -> {
            mine.remove(c);
            return mine.isEmpty() ? null : mine;   // no empty entry per user who ever connected
        });
        if (presence.disconnected(c.appId, c.userId, c.id)) {
            presence(c.appId, c.userId, false);
        }
    }

    boolean online(AppId app, String userId) {
        return presence.isOnline(app, userId);
    }

    /** A client's {@code channel.watch} / {@code channel.stop_watching}: needs read permission on the channel. */
    void watch(Connection c, Cid cid, boolean on) {
        if (on) {
            if (!c.watchesExplicitly(cid.toString()) && c.watched().size() >= MAX_WATCHES_PER_CONNECTION) {
                throw ApiException.badRequest("too_many_watches", "a connection watches at most " + MAX_WATCHES_PER_CONNECTION
                        + " channels; stop watching some first", "cid");
            }
            c.caller.app().channels().get(cid);
            c.watch(cid.toString(), true);
            watchers.add(c, cid.toString());
        } else {
            c.watch(cid.toString(), false);
            watchers.remove(c, cid.toString());
        }
    }

    /** The REST side of watching ({@code watch: true} with {@code connection_id}): only the connection's own user may. */
    void watch(Caller caller, String connectionId, Cid cid) {
        Connection c = connectionId == null ? null : byId.get(connectionId);
        if (c == null || caller.server() || !c.appId.equals(caller.appId()) || !c.userId.equals(caller.userId())) {
            throw ApiException.badRequest("validation_error", "connection_id: no open connection of this user on this node", "connection_id");
        }
        watch(c, cid, true);
    }

    /** A client's {@code typing.start} / {@code typing.stop}: needs membership and the channel type's typing flag. */
    void typing(Connection c, Cid cid, boolean start) {
        typing(c.caller.app(), c.appId, c.userId, cid, start, null);
    }

    /**
     * {@code typing.start} / {@code typing.stop} by {@code userId}, checked through {@code acting} (the user's handle, or
     * the server's for a server-side call). Returns the event as published, or null when it changed nothing (a second
     * start within the typing window). {@code parentId} names the thread typed in, if any.
     */
    Map<String, Object> typing(AppHandle acting, AppId app, String userId, Cid cid, boolean start, String parentId) {
        Channel channel = acting.channels().get(cid);
        if (!channel.config().typingEvents()) {
            throw new ApiException(403, "feature_disabled", "typing events are disabled in channel " + cid);
        }
        if (parentId != null && !parentId.matches("[A-Za-z0-9_\\-:.]{1,255}")) {
            throw ApiException.badRequest("validation_error", "event.parent_id: must be a message id", "event.parent_id");
        }
        if (start) {
            if (typing.start(app, cid.toString(), userId, TYPING_TTL)) {
                return publish(app, new Event.TypingEvent(EventType.TYPING_START, cid, userId, parentId));
            }
        } else if (typing.stop(app, cid.toString(), userId)) {
            return publish(app, new Event.TypingEvent(EventType.TYPING_STOP, cid, userId, parentId));
        }
        return null;
    }

    /**
     * A client's custom event {@code {"type": "my_event", ...}}, delivered to the channel's members under its own type.
     * Types that the server itself uses cannot be sent, so a client cannot forge a {@code message.new}.
     */
    void custom(Connection c, Cid cid, Map<String, Object> event) {
        custom(c.caller.app(), c.appId, c.userId, cid, event);
    }

    /** A custom event by {@code userId}, checked through {@code acting}; returns the event as published. */
    Map<String, Object> custom(AppHandle acting, AppId app, String userId, Cid cid, Map<String, Object> event) {
        Object type = event.get("type");
        if (!(type instanceof String t) || !EventType.isCustom(t)) {
            throw ApiException.badRequest("validation_error", "event.type: must be 1-64 of a-z 0-9 _ . - and not a built-in event type", "event.type");
        }
        // a custom event reaches every member like a message: the sender must be able to send one (permission, not banned, not frozen)
        acting.channels().requireCanSend(cid, userId);
        Map<String, Object> extra = new LinkedHashMap<>(event);
        extra.remove("type");
        // keys the hub itself routes or filters by may not come from a client
        extra.keySet().removeAll(Set.of("cid", "channel_type", "channel_id", "user", "user_id", "created_at", "recipient_ids", "member_ids",
                "message", "reaction"));
        // custom events are published, so the app's card number and PHI policy applies to them as to messages
        return publish(app, new Event.CustomEvent(t, cid, userId, engine.app(app).compliance().redact("event", extra)));
    }

    /** Publishes an event that is not stored (typing, presence, custom) and returns its payload. */
    private Map<String, Object> publish(AppId app, Event event) {
        Instant now = clock.instant();
        Map<String, Object> payload = EventJson.payload(event, now);
        engine.eventBus().publish(new ChatEvent(0, app, event.typeName(), event.cid() == null ? null : event.cid().toString(), null, now, payload));
        return payload;
    }

    private void presence(AppId app, String userId, boolean online) {
        publish(app, new Event.PresenceEvent(userId, online));
    }

    /** Runs on the fan-out thread. */
    private void deliver(ChatEvent e) {
        try {
            Map<String, Set<Connection>> app = byUser.get(e.appId());
            if (app == null || app.isEmpty()) {
                return;
            }
            boolean presenceEvent = e.type().equals(EventType.USER_PRESENCE_CHANGED.wireName());
            if (presenceEvent && !presenceListeners.containsKey(e.appId())) {
                return; // nobody on this node asked for presence: skip the peer lookup
            }
            Event event = EventJson.read(e.type(), e.cid(), e.payload());
            Audience audience = engine.app(e.appId()).audience();
            // with few users connected here, ask only about them: a node pays for its own connections, not the channel's size
            Audience.Recipients recipients = audience.recipients(event, e.id() > 0, app.size() <= ASK_AMONG_CONNECTED ? app.keySet() : null);
            Map<String, Object> payload = e.payload();
            if (payload.containsKey("recipient_ids")) {
                payload = new LinkedHashMap<>(payload);
                payload.remove("recipient_ids");   // who else was told is not part of the event
            }
            // one text (and on Tyrus one frame) for every connection it goes to
            FrameSender.Text json = new FrameSender.Text(ApiJson.write(payload));
            FrameSender.Text notification = null;
            boolean newMessage = e.type().equals(EventType.MESSAGE_NEW.wireName());
            List<Connection> targets = new ArrayList<>();
            for (String userId : recipients.users()) {
                targets.addAll(app.getOrDefault(userId, Set.of()));
            }
            if (recipients.watchersToo() && e.cid() != null) {
                Set<Connection> watching = watchers.of(e.appId(), e.cid());
                List<Connection> outsiders = watching.stream().filter(w -> !recipients.users().contains(w.userId)).toList();
                if (!outsiders.isEmpty()) {
                    Set<String> allowed = audience.allowedWatchers(event, outsiders.stream().map(w -> w.userId).toList());
                    outsiders.stream().filter(w -> allowed.contains(w.userId)).forEach(targets::add); // livestream audiences
                }
            }
            List<Write> writes = new ArrayList<>(targets.size());
            for (Connection c : targets) {
                if (presenceEvent && !c.presence) {
                    continue;
                }
                if (newMessage && !c.watches(e.cid())) {
                    if (notification == null) {
                        Map<String, Object> n = new LinkedHashMap<>(payload);
                        n.put("type", EventType.NOTIFICATION_MESSAGE_NEW.wireName());
                        notification = new FrameSender.Text(ApiJson.write(n));
                    }
                    writes.add(new Write(c, notification));
                } else {
                    writes.add(new Write(c, json));
                }
            }
            write(writes);
            if (event instanceof Event.MemberEvent m) {
                notifications(app, m, payload);
            }
            afterDelivery(e.appId(), app, event);
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "could not deliver " + e.type() + " #" + e.id() + ": " + ex.getClass().getName() + ": " + ex.getMessage());
        }
    }

    /** GetStream's notification events for the user a membership change is about. */
    private void notifications(Map<String, Set<Connection>> app, Event.MemberEvent e, Map<String, Object> payload) {
        String kind = switch (e.type()) {
            case MEMBER_ADDED -> EventType.NOTIFICATION_ADDED_TO_CHANNEL.wireName();
            case MEMBER_REMOVED -> EventType.NOTIFICATION_REMOVED_FROM_CHANNEL.wireName();
            default -> null;
        };
        if (kind == null || e.userId() == null) {
            return;
        }
        Map<String, Object> n = new LinkedHashMap<>(payload);
        n.put("type", kind);
        FrameSender.Text json = new FrameSender.Text(ApiJson.write(n));
        write(app.getOrDefault(e.userId(), Set.of()).stream().map(c -> new Write(c, json)).toList());
    }

    private int ticks;
    private boolean databaseUp = true;

    /** Every 2 s: tells connected clients when the database goes away (retry later) and when it is back. */
    private void watchDatabase() {
        if (++ticks % 2 != 0 || byUser.isEmpty()) {
            return;
        }
        boolean up = engine.ping();
        if (up == databaseUp) {
            return;
        }
        databaseUp = up;
        Map<String, Object> m = new LinkedHashMap<>();
        if (up) {
            m.put("type", "connection.recovered");
        } else {
            m.put("type", "connection.error");
            m.put("error", Map.of("code", "unavailable", "status", 503, "retry_after", 5,
                    "detail", "the database is unavailable: retry writes later, then resync from your last seq"));
        }
        m.put("created_at", clock.instant().toString());
        FrameSender.Text json = new FrameSender.Text(ApiJson.write(m));
        byUser.values().forEach(app -> app.values().forEach(conns -> conns.forEach(c -> c.send(json))));
    }

    private void tick() {
        try {
            watchDatabase();
            if (ticks % REAUTHORIZE_EVERY_SECONDS == 0) {
                reauthorizeAll();
            }
            Instant now = clock.instant();
            for (Map<String, Set<Connection>> app : byUser.values()) {
                for (Set<Connection> conns : app.values()) {
                    for (Connection c : conns) {
                        if (c.lastReceived().plus(idleTimeout).isBefore(now)) {
                            c.close(Connection.IDLE, "idle: nothing received for " + idleTimeout.toSeconds() + " s");
                        } else if (!c.lastHealthCheck().plus(HEALTH_INTERVAL).isAfter(now)) {
                            c.healthCheckSent(now);
                            c.send(ApiJson.write(healthCheck(c, null)));
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "WebSocket timer pass failed: " + e.getClass().getName());
        }
    }

    /**
     * Checks every connection's token and app again, as a new request would be checked except for the user's own state
     * (which user events trigger, see {@link #reauthorize(Connection, Authenticator.UserChecks)}): an expired token, a revocation of the
     * app's tokens, a rotated secret past its grace and a disabled or erased app close the connection.
     */
    private void reauthorizeAll() {
        for (Connection c : byId.values()) {
            reauthorize(c, Authenticator.UserChecks.NONE);
        }
    }

    /** Re-checks one connection; closes it (4401 for token problems, 4403 otherwise) when it would no longer be let in. */
    private void reauthorize(Connection c, Authenticator.UserChecks userChecks) {
        if (authenticator == null) {
            return;
        }
        try {
            authenticator.authenticate(c.caller.apiKey(), c.credential, userChecks);
        } catch (ApiException e) {
            c.close(e.status() == 401 ? Connection.UNAUTHENTICATED : Connection.FORBIDDEN, e.code() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // a database outage must not close everyone: the next pass tries again
            LOG.log(Level.DEBUG, "could not re-check a connection: " + e.getClass().getName());
        }
    }

    /**
     * What an event changes for live connections on this node, after it was delivered: a user's state changed (their
     * connections are checked again in full); a member was removed (their watches of the channel end unless they may
     * still read it); a channel was deleted (its watches end). Runs the checks on the timer thread, off the fan-out.
     */
    private void afterDelivery(AppId appId, Map<String, Set<Connection>> app, Event event) {
        if (event instanceof Event.UserEvent u && u.type() != EventType.USER_REACTIVATED || event instanceof Event.BanEvent) {
            String userId = event instanceof Event.UserEvent u2 ? u2.userId() : ((Event.BanEvent) event).userId();
            // after the event's own frame: a deactivated or banned user's connection gets it before it is closed
            for (Connection c : app.getOrDefault(userId, Set.of())) {
                onLane(lane(c), () -> timers.execute(() -> reauthorize(c, Authenticator.UserChecks.FRESH)));
            }
        } else if (event instanceof Event.MemberEvent m && m.type() == EventType.MEMBER_REMOVED && m.cid() != null) {
            String cid = m.cid().toString();
            List<Connection> watching = app.getOrDefault(m.userId(), Set.of()).stream().filter(c -> c.watched().contains(cid)).toList();
            if (!watching.isEmpty()) {
                timers.execute(() -> watching.forEach(c -> {
                    try {
                        c.caller.app().channels().get(m.cid());   // still readable (a livestream): the watch stays
                    } catch (ChatException e) {
                        if (e.code() == ErrorCode.FORBIDDEN || e.code() == ErrorCode.CHANNEL_NOT_FOUND) {
                            unwatch(c, cid);
                        }
                    } catch (RuntimeException e) {
                        LOG.log(Level.DEBUG, "could not re-check a watch: " + e.getClass().getName());
                    }
                }));
            }
        } else if (event instanceof Event.ChannelEvent ch && ch.type() == EventType.CHANNEL_DELETED && ch.cid() != null) {
            watchers.removeChannel(appId, ch.cid().toString()).forEach(c -> c.watch(ch.cid().toString(), false));
        }
    }

    private void unwatch(Connection c, String cid) {
        c.watch(cid, false);
        watchers.remove(c, cid);
    }

    Map<String, Object> healthCheck(Connection c, Map<String, Object> me) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "health.check");
        m.put("connection_id", c.id);
        m.put("created_at", clock.instant().toString());
        if (me != null) {
            m.put("me", me);
        }
        return m;
    }

    @Override
    public void close() {
        if (local != null) {
            engine.removeCommitListener(local);
        }
        subscription.close();
        typing.close();
        timers.shutdownNow();
        fanout.shutdownNow();
        for (Map<String, Set<Connection>> app : byUser.values()) {
            for (Set<Connection> conns : app.values()) {
                for (Connection c : conns) {
                    c.close(1001, "server shutting down");
                }
            }
        }
        for (Lane lane : lanes) {
            lane.thread.shutdown();   // after the closes: a write then fails at once, and no thread is interrupted mid-write
        }
    }
}
