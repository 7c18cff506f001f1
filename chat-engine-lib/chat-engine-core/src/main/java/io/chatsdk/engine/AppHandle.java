package io.chatsdk.engine;

import io.chatsdk.engine.channels.ChannelTypes;
import io.chatsdk.engine.channels.Channels;
import io.chatsdk.engine.compliance.Compliance;
import io.chatsdk.engine.delivery.Audience;
import io.chatsdk.engine.delivery.PushSettings;
import io.chatsdk.engine.delivery.Webhooks;
import io.chatsdk.engine.files.Files;
import io.chatsdk.engine.internal.AppSettings;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.messaging.BeforeSendHook;
import io.chatsdk.engine.messaging.Messages;
import io.chatsdk.engine.messaging.Reactions;
import io.chatsdk.engine.messaging.ReadState;
import io.chatsdk.engine.messaging.Stars;
import io.chatsdk.engine.messaging.Sync;
import io.chatsdk.engine.moderation.Blocklists;
import io.chatsdk.engine.moderation.Flags;
import io.chatsdk.engine.moderation.Moderation;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.users.Devices;
import io.chatsdk.engine.users.Users;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything scoped to one app (tenant), as one actor. {@link ChatEngine#app(AppId)} gives the server-side handle,
 * which skips permission checks; {@link #as(String)} gives a handle acting as one of the app's users, on which every
 * call is permission-checked. There is no way to reach another app's data through a handle.
 *
 * <pre>{@code
 * AppHandle app = engine.app(appId);
 * app.users().upsert(UserInput.of("alice"));
 * Cid general = app.channels().getOrCreate("messaging", "general", ChannelInput.withMembers("alice", List.of("bob"))).channel().cid();
 * app.as("bob").messages().send(general, NewMessage.text("hi alice"));
 * }</pre>
 *
 * <p>Handles are cheap, immutable and thread-safe.
 */
public final class AppHandle {
    private final ChatEngine engine;
    private final EngineContext ctx;
    private final AppId appId;
    private final Actor actor;
    private final int syncReloadThreshold;

    AppHandle(ChatEngine engine, EngineContext ctx, AppId appId, Actor actor, int syncReloadThreshold) {
        this.engine = engine;
        this.ctx = ctx;
        this.appId = appId;
        this.actor = actor;
        this.syncReloadThreshold = syncReloadThreshold;
    }

    public AppId id() {
        return appId;
    }

    public Actor actor() {
        return actor;
    }

    /** The same app, acting as {@code userId}; every call is checked against that user's permissions. */
    public AppHandle as(String userId) {
        return new AppHandle(engine, ctx, appId, Actor.user(userId), syncReloadThreshold);
    }

    public Users users() {
        return new Users(ctx, appId, actor);
    }

    public ChannelTypes channelTypes() {
        return new ChannelTypes(ctx, appId, actor);
    }

    public Channels channels() {
        return new Channels(ctx, appId, actor, messages());
    }

    public Messages messages() {
        return new Messages(ctx, appId, actor);
    }

    public Reactions reactions() {
        return new Reactions(ctx, appId, actor, messages());
    }

    public Stars stars() {
        return new Stars(ctx, appId, actor, messages());
    }

    /** Offline sync for the acting user; gaps larger than the engine's reload threshold are answered with "reload". */
    public Sync sync() {
        return new Sync(ctx, appId, actor, syncReloadThreshold);
    }

    public ReadState reads() {
        return new ReadState(ctx, appId, actor);
    }

    /** Message search over the channels the actor can read (docs/search.md). */
    public io.chatsdk.engine.search.MessageSearch search() {
        return new io.chatsdk.engine.search.MessageSearch(ctx, appId, actor);
    }

    /** The app's opt-in AI: its switches, smart replies, catch-up summaries (docs/search.md). */
    public io.chatsdk.engine.ai.Ai ai() {
        return new io.chatsdk.engine.ai.Ai(ctx, appId, actor);
    }

    /** The app's external search engines (Meilisearch, Qdrant): their switches, and sending what is queued. Server-side only. */
    public io.chatsdk.engine.search.SearchSync searchEngines() {
        requireServer("searchEngines");
        return new io.chatsdk.engine.search.SearchSync(ctx);
    }

    /** The app's search index: rebuild it, or count what it holds. Server-side only. */
    public SearchIndexAdmin searchIndex() {
        requireServer("searchIndex");
        return new SearchIndexAdmin(engine.searchIndex, appId);
    }

    /** The app's search index, for operators. */
    public static final class SearchIndexAdmin {
        private final io.chatsdk.engine.search.SearchIndex index;
        private final AppId app;

        SearchIndexAdmin(io.chatsdk.engine.search.SearchIndex index, AppId app) {
            this.index = index;
            this.app = app;
        }

        /** Drops the app's index and indexes every message again from PostgreSQL; returns how many messages. */
        public int rebuild() {
            return index.rebuild(app);
        }

        /** Indexes up to {@code max} messages that are not indexed yet (or under a retired key); returns how many. */
        public int backfill(int max) {
            return index.backfill(app, max);
        }

        /** Indexes one message now, as it is. */
        public void index(String messageId) {
            index.index(app, messageId);
        }

        /** How many of the app's messages are indexed. */
        public long indexed() {
            return index.indexed(app);
        }
    }

    /** Bans, shadow bans, mutes, blocks and slow mode. */
    public Moderation moderation() {
        return new Moderation(ctx, appId, actor);
    }

    /** Flags on messages and users, and their review by moderators. */
    public Flags flags() {
        return new Flags(ctx, appId, actor);
    }

    /** The app's blocklists and the channel types they apply to. */
    public Blocklists blocklists() {
        return new Blocklists(ctx, appId, actor);
    }

    /** The prekey directory of end-to-end encrypted chats (Signal protocol): devices, their public keys, bundles. */
    public io.chatsdk.engine.e2ee.KeyDirectory e2ee() {
        return new io.chatsdk.engine.e2ee.KeyDirectory(ctx, appId, actor);
    }

    /** Push devices of the app's users. */
    public Devices devices() {
        return new Devices(ctx, appId, actor);
    }

    /**
     * Files, images and voice notes uploaded to the app's channels. Needs the engine's
     * {@link ChatEngine.Builder#blobStore blob store}; without one, {@code feature_disabled}.
     */
    public Files files() {
        if (engine.blobStore == null) {
            throw new ChatException(ErrorCode.FEATURE_DISABLED, "this engine keeps no files: ChatEngine.builder().blobStore(...)");
        }
        return new Files(ctx, appId, actor, engine.blobStore, engine.maxUploadBytes);
    }

    /** Who hears each of the app's events (members, watchers, blocks, moderators). Server side only. */
    public Audience audience() {
        requireServer("audience");
        return new Audience(users(), channels(), moderation());
    }

    /** The app's push credentials (a Firebase service-account key, sealed). Server side only. */
    public io.chatsdk.engine.delivery.PushCredentials pushCredentials() {
        requireServer("push credentials");
        engine.apps().get(appId);
        return new io.chatsdk.engine.delivery.PushCredentials(ctx, appId);
    }

    /** Legal holds, retention, data keys, redaction, exports and data subject requests. Server side only. */
    public Compliance compliance() {
        requireServer("compliance");
        engine.apps().get(appId);
        return new Compliance(ctx, appId, engine.exportRunner);
    }

    /** The app's webhook endpoints. Server side only; deliveries need the engine's {@link ChatEngine.Builder#httpSender HTTP sender}. */
    public Webhooks webhooks() {
        requireServer("webhooks");
        engine.apps().get(appId);
        return new Webhooks(ctx, appId, engine.apps());
    }

    /**
     * Sets (or, with null, removes) the before-message-send hook. Server side only. Calls need the engine's
     * {@link ChatEngine.Builder#httpSender HTTP sender}; without one the hook is refused as {@code feature_disabled}.
     */
    public void setBeforeSendHook(BeforeSendHook.Config config) {
        requireServer("before-send hook");
        engine.apps().get(appId);
        if (engine.hook == null) {
            throw new ChatException(ErrorCode.FEATURE_DISABLED, "this engine has no HTTP sender: ChatEngine.builder().httpSender(...)");
        }
        engine.hook.set(ctx, appId, config);
    }

    /** The push notification settings (the defaults when none were set). Server side only. */
    public PushSettings pushSettings() {
        requireServer("push settings");
        return PushSettings.of(engine.apps().get(appId).settings());
    }

    /** Sets the push notification settings; they apply to pushes sent from now on. Server side only. */
    public PushSettings setPushSettings(PushSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return updatePushSettings(current -> settings);
    }

    /**
     * Changes the push settings from their current value under the app row's lock, so that concurrent partial changes (one
     * sets the preview, another the window) do not overwrite each other. Returns the stored settings. Server side only.
     */
    public PushSettings updatePushSettings(UnaryOperator<PushSettings> change) {
        requireServer("push settings");
        Objects.requireNonNull(change, "change");
        return ctx.db().inTransaction(tx -> {
            PushSettings[] next = new PushSettings[1];
            AppSettings.update(tx, appId, all -> {
                next[0] = Objects.requireNonNull(change.apply(PushSettings.of(all)), "settings");
                all.put(PushSettings.KEY, next[0].toMap());
            });
            return next[0];
        });
    }

    private void requireServer(String what) {
        if (!(actor instanceof Actor.Server)) {
            throw ChatException.forbidden(what + ": server side only; use ChatEngine.app(appId), not a user's handle");
        }
    }

}
