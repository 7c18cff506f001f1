package io.chatsdk.engine.messaging;

import io.chatsdk.engine.event.Event;
import io.chatsdk.engine.event.EventType;
import io.chatsdk.engine.internal.ChannelGate;
import io.chatsdk.engine.internal.CustomData;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.Json;
import io.chatsdk.engine.internal.MessageLoader;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.model.Reaction;
import io.chatsdk.engine.persistence.Outbox;
import io.chatsdk.engine.persistence.Rows;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;
import io.chatsdk.engine.wire.Wire;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reactions to messages: one reaction of each type per user and message, with a score. Thread-safe. */
public final class Reactions {
    public static final int MAX_SCORE = 1000;

    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;
    private final Messages messages;

    public Reactions(EngineContext ctx, AppId app, Actor actor, Messages messages) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
        this.messages = messages;
    }

    /**
     * Adds or updates the user's reaction of {@code type}. With {@code enforceUnique} the user's other reactions
     * to the message are removed first (GetStream's {@code enforce_unique}).
     *
     * @param serverSideUserId the reacting user for server calls; ignored for user actors
     */
    public Message react(String messageId, String type, int score, Map<String, Object> custom, boolean enforceUnique, String serverSideUserId) {
        Validate.messageId("id", messageId);
        Validate.name("reaction.type", type);
        Validate.range("reaction.score", score, 1, MAX_SCORE);
        CustomData.check("reaction", custom, Set.of("type", "score", "user_id", "message_id", "created_at", "updated_at"));
        String userId = requireUser(serverSideUserId);
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            Messages.Target t = messages.target(tx, messageId, userId, Permission.READ_CHANNEL);
            MessageLoader.Located loc = t.loc();
            ChannelGate.Loaded l = t.channel();
            ChannelGate.requireActiveAuthor(l, userId);
            if (!l.channel().config().reactions()) {
                throw new ChatException(ErrorCode.FEATURE_DISABLED, "reactions are disabled in channel " + l.cid());
            }
            l.require(Permission.SEND_REACTION);
            ChannelGate.requireNotFrozen(l);
            if (custom != null && !custom.isEmpty() && io.chatsdk.engine.internal.E2ee.of(l.channel())) {
                throw new ChatException(ErrorCode.E2EE_REQUIRED, "a reaction in an end-to-end encrypted channel carries no custom fields (they are not encrypted)",
                        "reaction", null);
            }
            if (loc.message().deletedAt() != null) {
                throw new ChatException(ErrorCode.CONFLICT, "message '" + messageId + "' is deleted", "id", null);
            }
            if (enforceUnique) {
                tx.update("delete from reaction where app_id = ? and message_id = ? and user_id = ? and type <> ?", app.value(), messageId, userId, type);
            }
            Reaction r = tx.one("insert into reaction (app_id, message_id, user_id, type, score, custom, created_at, updated_at) "
                            + "values (?, ?, ?, ?, ?, ?::jsonb, ?, ?) on conflict (app_id, message_id, user_id, type) "
                            + "do update set score = excluded.score, custom = excluded.custom, updated_at = excluded.updated_at "
                            + "returning message_id, user_id, type, score, custom::text as custom, created_at",
                    Rows::reaction, app.value(), messageId, userId, type, score, Json.write(custom == null ? Map.of() : custom), now, now).orElseThrow();
            tx.update("update message set updated_at = ? where app_id = ? and id = ?", now, app.value(), messageId); // sync sees the change
            Message m = MessageLoader.byId(tx, app, messageId, userId).orElseThrow().message();
            Outbox.write(tx, app, loc.channelPk(), now, new Event.ReactionEvent(EventType.REACTION_NEW, m.cid(), Wire.message(m), Wire.reaction(r), userId));
            return m;
        });
    }

    /** Removes the user's reaction of {@code type}; {@code reaction_not_found} if there is none. */
    public Message unreact(String messageId, String type, String serverSideUserId) {
        Validate.messageId("id", messageId);
        Validate.name("type", type);
        String userId = requireUser(serverSideUserId);
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            Messages.Target t = messages.target(tx, messageId, userId, Permission.READ_CHANNEL);
            MessageLoader.Located loc = t.loc();
            ChannelGate.Loaded l = t.channel();
            l.require(Permission.DELETE_OWN_REACTION);
            Reaction r = tx.one("delete from reaction where app_id = ? and message_id = ? and user_id = ? and type = ? "
                                    + "returning message_id, user_id, type, score, custom::text as custom, created_at",
                            Rows::reaction, app.value(), messageId, userId, type)
                    .orElseThrow(() -> ChatException.notFound(ErrorCode.REACTION_NOT_FOUND, "reaction '" + type + "' of user '" + userId + "'"));
            tx.update("update message set updated_at = ? where app_id = ? and id = ?", now, app.value(), messageId);
            Message m = MessageLoader.byId(tx, app, messageId, userId).orElseThrow().message();
            Outbox.write(tx, app, loc.channelPk(), now, new Event.ReactionEvent(EventType.REACTION_DELETED, m.cid(), Wire.message(m), Wire.reaction(r), userId));
            return m;
        });
    }

    /** A page of the message's reactions, newest first. */
    public List<Reaction> list(String messageId, int limit, int offset) {
        Validate.messageId("id", messageId);
        Validate.range("limit", limit, 1, 300);
        Validate.range("offset", offset, 0, 1000);
        return ctx.db().read(tx -> {
            messages.locate(tx, messageId, Permission.READ_CHANNEL);
            return tx.query("select message_id, user_id, type, score, custom::text as custom, created_at from reaction "
                    + "where app_id = ? and message_id = ? order by created_at desc, user_id limit ? offset ?", Rows::reaction, app.value(), messageId, limit, offset);
        });
    }

    private String requireUser(String serverSideUserId) {
        String userId = ChannelGate.actingUser(actor, serverSideUserId);
        if (userId == null) {
            throw ChatException.invalid("user_id", "is required when the server reacts for a user");
        }
        return Validate.userId("user_id", userId);
    }
}
