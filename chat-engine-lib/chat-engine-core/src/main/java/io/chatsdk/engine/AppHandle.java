package io.chatsdk.engine;

import io.chatsdk.engine.internal.EngineContext;

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

    /** Bans, shadow bans, mutes, blocks and slow mode. */
    public Moderation moderation() {
        return new Moderation(ctx, appId, actor);
    }

    /** Flags on messages and users, and their review by moderators. */
    public Flags flags() {
        return new Flags(ctx, appId, actor, this);
    }

    /** The app's blocklists and the channel types they apply to. */
    public Blocklists blocklists() {
        return new Blocklists(ctx, appId, actor);
    }

    /** Push devices of the app's users. */
    public Devices devices() {
        return new Devices(ctx, appId, actor);
    }

    /** Legal holds, retention, data keys, redaction, exports and data subject requests. Server side only. */
    public Compliance compliance() {
        requireServer("compliance");
        return engine.compliance(appId);
    }

    /** The app's webhook endpoints. Server side only; deliveries need the engine's HTTP sender. */
    public Webhooks webhooks() {
        requireServer("webhooks");
        return engine.webhooks(appId);
    }

    /** Sets (or, with null, removes) the before-message-send hook. Server side only; needs the engine's HTTP sender. */
    public void setBeforeSendHook(BeforeSendHook.Config config) {
        requireServer("before-send hook");
        engine.setBeforeSendHook(appId, config);
    }

    /** The push notification settings (the defaults when none were set). Server side only. */
    public PushSettings pushSettings() {
        requireServer("push settings");
        return engine.pushSettings(appId);
    }

    /**
     * Changes the push settings from their current value under the app row's lock, so that concurrent partial changes do
     * not overwrite each other. Server side only.
     */
    public PushSettings updatePushSettings(java.util.function.UnaryOperator<PushSettings> change) {
        requireServer("push settings");
        return engine.updatePushSettings(appId, change);
    }

    private void requireServer(String what) {
        if (!(actor instanceof Actor.Server)) {
            throw ChatException.forbidden(what + ": server side only; use ChatEngine.app(appId), not a user's handle");
        }
    }

    /** The same app on the server side. */
    AppHandle server() {
        return new AppHandle(engine, ctx, appId, Actor.SERVER, syncReloadThreshold);
    }
}
