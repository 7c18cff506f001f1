package io.chatsdk.engine.messaging;

import io.chatsdk.engine.event.Event;
import io.chatsdk.engine.event.EventType;
import io.chatsdk.engine.internal.ChannelGate;
import io.chatsdk.engine.internal.ContentKeys;
import io.chatsdk.engine.internal.E2ee;
import io.chatsdk.engine.internal.CustomData;
import io.chatsdk.engine.internal.EngineContext;
import io.chatsdk.engine.internal.FileRows;
import io.chatsdk.engine.internal.FlagRows;
import io.chatsdk.engine.internal.MessageContent;
import io.chatsdk.engine.internal.MessageInput;
import io.chatsdk.engine.internal.MessageLoader;
import io.chatsdk.engine.internal.MessageRevisions;
import io.chatsdk.engine.model.Attachment;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.MessagePage;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.Permission;
import io.chatsdk.engine.persistence.Db;
import io.chatsdk.engine.persistence.HoldSql;
import io.chatsdk.engine.persistence.Outbox;
import io.chatsdk.engine.persistence.Rows;
import io.chatsdk.engine.persistence.Tx;
import io.chatsdk.engine.types.Actor;
import io.chatsdk.engine.types.AppId;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.Validate;
import io.chatsdk.engine.users.Users;
import io.chatsdk.engine.wire.Wire;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Messages of an app as seen by one actor: send (idempotent by client id, gap-free {@code seq} per channel),
 * read, list by cursor, threads, edit, delete, pin. Reactions are in {@link Reactions}. Thread-safe.
 *
 * <p>A send is one transaction: permission and content checks, {@code UPDATE channel SET last_seq = last_seq + 1
 * RETURNING} (which serialises senders of one channel), the message insert, sparse mention flags, the
 * sender's read marker and the {@code message.new} outbox event. Sends to one channel that arrive on this node while
 * another is committing share the next transaction and its commit ({@link io.chatsdk.engine.persistence.Db#inGroupCommit}),
 * where the batch's plain sends take their seqs without a round trip and their rows are written together ({@link MessageRows}).
 */
public final class Messages {
    private final EngineContext ctx;
    private final AppId app;
    private final Actor actor;

    public Messages(EngineContext ctx, AppId app, Actor actor) {
        this.ctx = ctx;
        this.app = app;
        this.actor = actor;
    }

    /** Signals, inside a send transaction, that the client id is taken; the transaction rolls back. */
    private static final class DuplicateId extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DuplicateId() {
            super(null, null, false, false);
        }
    }

    /**
     * Sends a message. If {@code message.id()} was already used by the same user in the same channel, returns the
     * stored message (same seq) instead of a duplicate; if another user or channel used it, fails with
     * {@code message_id_conflict}.
     */
    public Message send(Cid cid, NewMessage message) {
        if (message == null) {
            throw ChatException.invalid("message", "is required");
        }
        String author = ChannelGate.actingUser(actor, message.userId());
        if (author == null) {
            throw ChatException.invalid("user_id", "is required when the server sends a message");
        }
        if (actor instanceof Actor.User u && message.userId() != null && !message.userId().equals(u.userId())) {
            throw ChatException.forbidden("user '" + u.userId() + "' cannot send as '" + message.userId() + "'");
        }
        Validate.userId("user_id", author);
        String id = message.id() == null ? ctx.ids().next().toString() : Validate.messageId("id", message.id());
        String type = message.type() == null ? "regular" : message.type();
        if (!type.equals("regular") && !type.equals("system")) {
            throw ChatException.invalid("type", "must be regular or system");
        }
        List<Map<String, Object>> attachments = MessageInput.attachments(message.attachments());
        List<String> mentions = MessageInput.mentions(message.mentionedUsers());
        // an envelope has its own size rules (E2ee.checkMessage): a first message to three devices is past custom data's limit
        CustomData.check("custom", E2ee.without(message.custom()), MessageInput.RESERVED);
        String text = message.text() == null ? "" : message.text();
        boolean envelope = message.custom() != null && message.custom().containsKey(E2ee.FLAG);
        if (text.isBlank() && attachments.isEmpty() && !envelope) {
            throw ChatException.invalid("text", "a message needs text or at least one attachment");
        }
        // ciphertext goes to no hook (the transaction checks that the channel is the encrypted kind)
        boolean toHook = actor instanceof Actor.User && !envelope && ctx.hook() != null && ctx.hook().configured(app);
        if (message.id() != null && toHook) {
            // a repeated send is answered before the app's hook would see it a second time
            Optional<Message> existing = existing(cid, id, author);
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        List<Map<String, Object>> atts = attachments;
        String body = text;
        Map<String, Object> custom = custom0(message);
        if (toHook) {
            // only a message the user may send reaches the app's hook: otherwise anyone could make the appliance post content
            // to the hook for channels they cannot write to (the send transaction checks again, under its lock)
            ChannelGate.Loaded gate = ctx.db().read(tx -> ChannelGate.requireCanSend(tx, app, actor, cid, author, message.parentId() != null, ctx.now()));
            if (E2ee.of(gate.channel())) {
                // refused here, before the hook would see the plain text (the transaction refuses it too)
                E2ee.checkMessage(true, text, attachments, mentions, message.custom());
            }
            // the app's hook sees what would be stored: redacted first (nothing unmasked leaves), then allow, modify or reject
            MessageContent asSent = new MessageContent(text, attachments, custom);
            MessageContent redacted = ctx.db().read(tx -> ctx.redactors().apply(tx, app, asSent));
            MessageContent hooked = ctx.hook().apply(app, cid.toString(), author, id, redacted);
            atts = hooked.attachments();
            body = hooked.text();
            custom = hooked.custom();
            CustomData.check("custom", custom, MessageInput.RESERVED);
        }
        String finalText = body;
        List<Map<String, Object>> finalAtts = atts;
        Map<String, Object> finalCustom = custom;
        // No look-up of the client id before the transaction (a round trip and a transaction of their own on every send):
        // a repeated id is found by the insert's conflict, which rolls the transaction back, seq increment included.
        // Concurrent sends to one channel on this node share a transaction and its commit (group commit, see Db.inGroupCommit).
        try {
            return ctx.db().inGroupCommit(new SendLane(ctx, app, cid), new ChannelGate.Request(actor, author),
                    tx -> insert(tx, cid, id, author, type, finalText, finalAtts, finalCustom, mentions, message));
        } catch (DuplicateId | Db.UniqueViolation e) {
            return existing(cid, id, author).orElseThrow(() -> new ChatException(ErrorCode.CONFLICT,
                    "message id '" + id + "' was used concurrently; retry", "id", e));
        } catch (ChatException refused) {
            // A retry of a stored send is answered with the stored message, even where the send would now be refused (slow
            // mode, a frozen channel, a lost permission): it was accepted once. Only a send with a client id can be a retry,
            // and a database that is down is not asked a second time (the caller would wait out two connection timeouts).
            ErrorCode.Category why = refused.code().category();
            if (message.id() == null || why == ErrorCode.Category.UNAVAILABLE || why == ErrorCode.Category.INTERNAL) {
                throw refused;
            }
            Optional<Message> stored;
            try {
                stored = existing(cid, id, author);
            } catch (ChatException conflict) {
                throw conflict.code() == ErrorCode.MESSAGE_ID_CONFLICT ? conflict : refused;
            }
            return stored.orElseThrow(() -> refused);
        }
    }

    /**
     * The group-commit key of sends to one channel. After a batch's first send (which locks the channel's row), the
     * batch reads the other senders' views of the channel (its row, type, membership, user and ban) in one query,
     * instead of one query a send.
     */
    private record SendLane(EngineContext ctx, AppId app, Cid cid) implements Db.ReadAhead {
        @Override
        public void readAhead(Tx tx, List<Object> hints) {
            List<ChannelGate.Request> who = hints.stream().map(ChannelGate.Request.class::cast).toList();
            ChannelGate.loadAll(tx, app, cid, who, ctx.now()).forEach((request, loaded) -> tx.keep(new Ahead(app, cid, request), loaded));
        }

        // a lane is the channel's: the context is only the clock's holder
        @Override
        public boolean equals(Object o) {
            return o instanceof SendLane other && app.equals(other.app) && cid.equals(other.cid);
        }

        @Override
        public int hashCode() {
            return 31 * app.hashCode() + cid.hashCode();
        }
    }

    /** Where a send finds its view of the channel that its batch read ahead. */
    private record Ahead(AppId app, Cid cid, ChannelGate.Request who) {
    }

    private Optional<Message> existing(Cid cid, String id, String author) {
        return ctx.db().read(tx -> MessageLoader.byId(tx, app, id, ChannelGate.actingUser(actor, null)).map(l -> {
            Message m = l.message();
            if (!m.cid().equals(cid) || !m.userId().equals(author)) {
                throw new ChatException(ErrorCode.MESSAGE_ID_CONFLICT, "message id '" + id + "' is already used by another message", "id", null);
            }
            return m;
        }));
    }

    private Message insert(Tx tx, Cid cid, String id, String author, String type, String text, List<Map<String, Object>> attachments,
                           Map<String, Object> customIn, List<String> mentions, NewMessage in) {
        Instant now = ctx.now();
        // read ahead by the batch this send is in, or read now
        ChannelGate.Loaded ahead = tx.kept(new Ahead(app, cid, new ChannelGate.Request(actor, author)));
        ChannelGate.Loaded l = ahead != null ? ahead : ChannelGate.load(tx, app, actor, cid, author, now);
        ChannelGate.requireActiveAuthor(l, author);
        l.require(in.parentId() == null ? Permission.SEND_MESSAGE : Permission.SEND_REPLY);
        if (type.equals("system")) {
            l.require(Permission.SEND_SYSTEM_MESSAGE);
        }
        ChannelGate.requireNotFrozen(l);
        boolean encrypted = E2ee.of(l.channel());
        E2ee.checkMessage(encrypted, text, attachments, mentions, customIn);
        if (encrypted) {
            E2ee.checkAddressing(tx, app, l.pk(), author, customIn);
        }
        // card numbers and personal data are masked or refused before anything is stored, published or logged; ciphertext
        // is stored as it came (masking digits in it would only break it: there is no content to protect)
        MessageContent content = encrypted ? new MessageContent(text, List.of(), customIn)
                : ctx.redactors().apply(tx, app, new MessageContent(text, FileRows.trusted(tx, app, l.pk(), attachments), customIn));
        MessageInput.text(content.text(), l.channel().config());
        SendChecks.Verdict verdict = SendChecks.blocklists(tx, ctx, app, l, content.text());
        SendChecks.slowMode(tx, l, author, now);
        boolean shadowed = l.authorShadowBanned() || verdict.shadow();
        if (!attachments.isEmpty()) {
            if (!l.channel().config().uploads()) {
                throw new ChatException(ErrorCode.FEATURE_DISABLED, "attachments are disabled in channel " + cid);
            }
            l.require(Permission.UPLOAD_ATTACHMENT);
        }
        if (in.parentId() != null) {
            if (!l.channel().config().replies()) {
                throw new ChatException(ErrorCode.FEATURE_DISABLED, "replies are disabled in channel " + cid);
            }
            requireSibling(tx, l.pk(), "parent_id", in.parentId(), true);
        }
        if (in.quotedMessageId() != null) {
            if (!l.channel().config().quotes()) {
                throw new ChatException(ErrorCode.FEATURE_DISABLED, "quoted replies are disabled in channel " + cid);
            }
            requireSibling(tx, l.pk(), "quoted_message_id", in.quotedMessageId(), false);
        }
        Users.requireExist(tx, app, "mentioned_users", mentions);
        boolean inMainStream = in.parentId() == null || in.showInChannel();
        String storedType = in.parentId() != null ? "reply" : type;
        boolean showInChannel = in.parentId() != null && in.showInChannel();
        ContentKeys.Sealed sealed = content.seal(tx, app, id);
        long seq = MessageRows.write(tx, new MessageRows.Draft(app, id, l.pk(), author, storedType, mentions, in.parentId(), showInChannel,
                        in.quotedMessageId(), in.silent(), sealed.bytes(), sealed.version(), shadowed, inMainStream, now, !content.attachments().isEmpty()))
                .orElseThrow(DuplicateId::new);
        if (!content.attachments().isEmpty()) {
            FileRows.attach(tx, app, l.pk(), id, author, content.attachments());
        }
        if (in.parentId() != null && !shadowed) {   // a shadowed reply must not show up as a count either
            tx.update("update message set reply_count = reply_count + 1 where app_id = ? and id = ?", app.value(), in.parentId());
        }
        if (!mentions.isEmpty() && !shadowed) {
            tx.update("insert into user_message_flag (app_id, user_id, message_id, channel_pk, seq, flags) "
                    + "select ?, m.user_id, ?, ?, ?, 1 from channel_member m where m.channel_pk = ? and m.user_id = any(?) and m.user_id <> ?",
                    app.value(), id, l.pk(), seq, l.pk(), mentions, author);
        }
        List<Map<String, Object>> linked = content.attachments().isEmpty() ? content.attachments() : FileRows.resigned(tx, app, l.pk(), now, content.attachments());
        Message m = new Message(id, cid, seq, author, storedType, content.text(), linked.stream().map(Wire::attachmentFrom).toList(),
                mentions, in.parentId(), showInChannel, 0, in.quotedMessageId(), null, null, null, in.silent(), content.custom(), Map.of(), Map.of(), List.of(),
                now, now, null, null, shadowed);
        Outbox.write(tx, app, l.pk(), now, new Event.MessageEvent(EventType.MESSAGE_NEW, cid, Wire.message(m), false));
        if (verdict.flag()) {
            FlagRows.raise(tx, ctx, app, "message", id, author, cid.toString(), FlagRows.BLOCKLIST_FLAGGER, "blocklist " + verdict.list(), now);
        }
        return m;
    }

    private static Map<String, Object> custom0(NewMessage in) {
        return in.custom() == null ? Map.of() : in.custom();
    }

    private void requireSibling(Tx tx, UUID channelPk, String field, String id, boolean mustBeTopLevel) {
        Validate.messageId(field, id);
        MessageRows.flush(tx);   // the sibling may be an earlier send of this one's batch
        Optional<String> parent = tx.one("select coalesce(parent_id, '') from message where app_id = ? and id = ? and channel_pk = ? and deleted_at is null",
                rs -> rs.getString(1), app.value(), id, channelPk);
        if (parent.isEmpty()) {
            throw new ChatException(ErrorCode.MESSAGE_NOT_FOUND, field + ": message '" + id + "' does not exist in this channel", field, null);
        }
        if (mustBeTopLevel && !parent.get().isEmpty()) {
            throw ChatException.invalid(field, "replies cannot have replies; reply to the thread's parent");
        }
    }

    /** A message by id; needs read permission on its channel. */
    public Message get(String messageId) {
        Validate.messageId("id", messageId);
        return ctx.db().read(tx -> locate(tx, messageId, Permission.READ_CHANNEL).message());
    }

    /** The channel's main stream (top-level messages and replies shown in the channel), oldest first. */
    public List<Message> list(Cid cid, MessagePage page) {
        return ctx.db().read(tx -> {
            ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, cid, ChannelGate.actingUser(actor, null), ctx.now());
            l.require(Permission.READ_CHANNEL);
            return listIn(tx, l, page, ChannelGate.actingUser(actor, null));
        });
    }

    public List<Message> listIn(Tx tx, ChannelGate.Loaded l, MessagePage page, String reader) {
        return page(tx, "msg.channel_pk = ? and msg.seq > ? and (msg.parent_id is null or msg.show_in_channel)",
                List.of(l.pk(), l.channel().truncatedSeq()), "msg.channel_pk = ?", l.pk(), page, reader);
    }

    /** A thread's replies, oldest first. */
    public List<Message> replies(String parentId, MessagePage page) {
        Validate.messageId("parent_id", parentId);
        return ctx.db().read(tx -> {
            MessageLoader.Located parent = locate(tx, parentId, Permission.READ_CHANNEL);
            return page(tx, "msg.app_id = ? and msg.parent_id = ?", List.of(app.value(), parentId), "msg.channel_pk = ?",
                    parent.channelPk(), page, ChannelGate.actingUser(actor, null));
        });
    }

    private List<Message> page(Tx tx, String scope, List<Object> scopeParams, String cursorScope, UUID channelPk, MessagePage page, String reader) {
        Long gt = page.seqGt() != null ? page.seqGt() : page.idGt() != null ? cursorSeq(tx, cursorScope, channelPk, "id_gt", page.idGt()) : null;
        Long lt = page.seqLt() != null ? page.seqLt() : page.idLt() != null ? cursorSeq(tx, cursorScope, channelPk, "id_lt", page.idLt()) : null;
        List<Object> params = new ArrayList<>(scopeParams);
        StringBuilder sql = new StringBuilder("select " + Rows.MESSAGE_COLUMNS + MessageLoader.FROM + "where " + scope);
        if (gt != null) {
            sql.append(" and msg.seq > ?");
            params.add(gt);
        }
        if (lt != null) {
            sql.append(" and msg.seq < ?");
            params.add(lt);
        }
        if (reader != null) {
            sql.append(" and ").append(MessageLoader.VISIBLE);
            params.add(reader);
            params.add(reader);
        }
        boolean newestFirst = gt == null;
        sql.append(" order by msg.seq ").append(newestFirst ? "desc" : "asc").append(" limit ").append(page.limit());
        List<Message> out = new ArrayList<>(MessageLoader.list(tx, app, sql.toString(), reader, params.toArray()));
        if (newestFirst) {
            Collections.reverse(out);
        }
        return out;
    }

    private long cursorSeq(Tx tx, String cursorScope, UUID channelPk, String field, String id) {
        Validate.messageId(field, id);
        return tx.one("select seq from message msg where msg.app_id = ? and msg.id = ? and " + cursorScope, rs -> rs.getLong(1), app.value(), id, channelPk)
                .orElseThrow(() -> new ChatException(ErrorCode.MESSAGE_NOT_FOUND, field + ": message '" + id + "' is not in this channel", field, null));
    }

    /** Replaces the text, attachments and custom data of a message (GetStream's update message). */
    public Message update(String messageId, String text, List<Attachment> attachments, Map<String, Object> custom) {
        List<Map<String, Object>> atts = MessageInput.attachments(attachments);
        CustomData.check("custom", custom, MessageInput.RESERVED);
        String t = text == null ? "" : text;
        if (t.isBlank() && atts.isEmpty()) {
            throw ChatException.invalid("text", "a message needs text or at least one attachment");
        }
        Map<String, Object> c = custom == null ? Map.of() : custom;
        return edit(messageId, old -> new MessageContent(t, atts, c));
    }

    /** Sets {@code text} and/or custom keys, and removes custom keys listed in {@code unset}. */
    public Message partialUpdate(String messageId, Map<String, Object> set, List<String> unset) {
        Map<String, Object> custom = new LinkedHashMap<>(set == null ? Map.of() : set);
        Object text = custom.remove("text");
        if (text != null && !(text instanceof String)) {
            throw ChatException.invalid("set.text", "must be a string");
        }
        CustomData.check("set", custom, MessageInput.RESERVED);
        List<String> u = unset == null ? List.of() : unset;
        for (String key : u) {
            if (MessageInput.RESERVED.contains(key)) {
                throw ChatException.invalid("unset", "'" + key + "' cannot be unset");
            }
        }
        if (text != null && ((String) text).isBlank()) {
            throw ChatException.invalid("set.text", "cannot be blank");
        }
        return edit(messageId, old -> {
            Map<String, Object> merged = new LinkedHashMap<>(old.custom());
            merged.putAll(custom);
            u.forEach(merged::remove);
            CustomData.check("set", merged, MessageInput.RESERVED);
            return new MessageContent(text == null ? old.text() : (String) text, old.attachments(), merged);
        });
    }

    /**
     * Rewrites a message's sealed content under a row lock. The previous content is kept, sealed, as a revision for
     * compliance exports; {@code edited_at} moves only when the text changed.
     */
    private Message edit(String messageId, java.util.function.UnaryOperator<MessageContent> change) {
        Validate.messageId("id", messageId);
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            Target t = targetForWrite(tx, messageId, Permission.UPDATE_OWN_MESSAGE, Permission.UPDATE_ANY_MESSAGE);
            MessageLoader.Located loc = t.loc();
            if (loc.message().deletedAt() != null) {
                throw new ChatException(ErrorCode.CONFLICT, "message '" + messageId + "' is deleted and cannot be edited", "id", null);
            }
            if (E2ee.of(t.channel().channel())) {
                // an edit would be plain content; a client that wants to correct itself sends a new encrypted message
                throw new ChatException(ErrorCode.E2EE_REQUIRED, "messages of an end-to-end encrypted channel cannot be edited", "id", null);
            }
            MessageContent old = MessageRevisions.lockContent(tx, app, messageId);
            MessageContent changed = change.apply(old);
            MessageContent updated = ctx.redactors().apply(tx, app, new MessageContent(changed.text(),
                    FileRows.trusted(tx, app, loc.channelPk(), changed.attachments()), changed.custom()));
            boolean shadow = false;
            if (!updated.text().equals(old.text())) {
                MessageInput.text(updated.text(), t.channel().channel().config());
                // an edit may not carry what a send could not: blocklists apply, and a shadow-banned author's edit is shadowed
                SendChecks.Verdict verdict = SendChecks.blocklists(tx, ctx, app, t.channel(), updated.text());
                shadow = verdict.shadow() || t.channel().authorShadowBanned();
                if (verdict.flag()) {
                    FlagRows.raise(tx, ctx, app, "message", messageId, loc.message().userId(), loc.message().cid().toString(), FlagRows.BLOCKLIST_FLAGGER,
                            "blocklist " + verdict.list(), now);
                }
            }
            if (shadow) {
                tx.update("update message set shadowed = true where app_id = ? and id = ?", app.value(), messageId);
            }
            MessageRevisions.keep(tx, app, messageId, old, now);
            ContentKeys.Sealed sealed = updated.seal(tx, app, messageId);
            tx.update("update message set text = '', attachments = '[]', custom = '{}', content = ?, key_version = ?, "
                            + "edited_at = case when ? then ?::timestamptz else edited_at end, updated_at = ? where app_id = ? and id = ?",
                    sealed.bytes(), sealed.version(), !updated.text().equals(old.text()), now, now, app.value(), messageId);
            FileRows.attach(tx, app, loc.channelPk(), messageId, loc.message().userId(), updated.attachments());
            return announce(tx, loc, EventType.MESSAGE_UPDATED, now, false);
        });
    }

    /** Soft delete keeps the row (content hidden from reads); hard delete also erases content, reactions and flags. */
    public Message delete(String messageId, boolean hard) {
        Validate.messageId("id", messageId);
        Instant now = ctx.now();
        return ctx.db().inTransaction(tx -> {
            MessageLoader.Located loc = targetForWrite(tx, messageId, Permission.DELETE_OWN_MESSAGE, Permission.DELETE_ANY_MESSAGE).loc();
            tx.update("update message set deleted_at = coalesce(deleted_at, ?), updated_at = ? where app_id = ? and id = ?", now, now, app.value(), messageId);
            // its files go with it: the sweeper removes them, unless a legal hold keeps them
            FileRows.forMessages(tx, app, List.of(messageId));
            if (hard) {
                io.chatsdk.engine.persistence.HoldSql.lockForDelete(tx, app);
                if (HoldSql.holds(tx, app, messageId)) {
                    // hidden from everyone now; erased once no hold keeps it (the retention job does it)
                    tx.update("update message set hold_deleted = true where app_id = ? and id = ?", app.value(), messageId);
                } else {
                    erase(tx, app, messageId);
                }
            }
            return announce(tx, loc, EventType.MESSAGE_DELETED, now, hard);
        });
    }

    /** Erases a message's content, revisions, reactions and flags, keeping a tombstone row so seq stays gap-free. */
    public static void erase(Tx tx, AppId app, String messageId) {
        tx.update("update message set text = '', attachments = '[]', custom = '{}', content = null, key_version = null, mentioned_users = '{}', "
                + "pinned_at = null, pinned_by = null, hold_deleted = false where app_id = ? and id = ?", app.value(), messageId);
        tx.update("delete from message_revision where app_id = ? and message_id = ?", app.value(), messageId);
        tx.update("delete from reaction where app_id = ? and message_id = ?", app.value(), messageId);
        tx.update("delete from user_message_flag where app_id = ? and message_id = ?", app.value(), messageId);
        FileRows.forMessages(tx, app, List.of(messageId));
    }

    /** Pins a message, until {@code expires} when given. */
    public Message pin(String messageId, Instant expires) {
        return setPin(messageId, true, expires);
    }

    public Message unpin(String messageId) {
        return setPin(messageId, false, null);
    }

    private Message setPin(String messageId, boolean pinned, Instant expires) {
        Validate.messageId("id", messageId);
        Instant now = ctx.now();
        if (expires != null && !expires.isAfter(now)) {
            throw ChatException.invalid("pin_expires", "must lie in the future");
        }
        return ctx.db().inTransaction(tx -> {
            MessageLoader.Located loc = locate(tx, messageId, Permission.PIN_MESSAGE);
            tx.update("update message set pinned_at = ?, pinned_by = ?, pin_expires_at = ?, updated_at = ? where app_id = ? and id = ?",
                    pinned ? now : null, pinned ? ChannelGate.actingUser(actor, null) : null, expires, now, app.value(), messageId);
            return announce(tx, loc, EventType.MESSAGE_UPDATED, now, false);
        });
    }

    private Message announce(Tx tx, MessageLoader.Located loc, EventType event, Instant now, boolean hardDelete) {
        Message m = MessageLoader.byId(tx, app, loc.message().id(), null).orElseThrow().message();
        Outbox.write(tx, app, loc.channelPk(), now, new Event.MessageEvent(event, m.cid(), Wire.message(m), hardDelete));
        return m;
    }

    /** A message together with its channel as loaded for one user, so a check and the write share one load. */
    public record Target(MessageLoader.Located loc, ChannelGate.Loaded channel) {
    }

    /** Finds the message and checks {@code permission} on its channel. Unknown ids and other apps' ids are not found. */
    MessageLoader.Located locate(Tx tx, String messageId, Permission permission) {
        return target(tx, messageId, ChannelGate.actingUser(actor, null), permission).loc();
    }

    /**
     * Like {@link #locate}, with the channel loaded for {@code userId} (the acting user, or the user a server call acts
     * for), whose membership and user state the caller may check further.
     */
    public Target target(Tx tx, String messageId, String userId, Permission permission) {
        MessageLoader.Located loc = MessageLoader.byId(tx, app, messageId, userId)
                .orElseThrow(() -> ChatException.notFound(ErrorCode.MESSAGE_NOT_FOUND, "message '" + messageId + "'"));
        ChannelGate.Loaded l = ChannelGate.load(tx, app, actor, loc.message().cid(), userId, ctx.now());
        l.require(permission);
        if (loc.message().seq() <= l.channel().truncatedSeq()) {
            throw ChatException.notFound(ErrorCode.MESSAGE_NOT_FOUND, "message '" + messageId + "'");
        }
        return new Target(loc, l);
    }

    private Target targetForWrite(Tx tx, String messageId, Permission own, Permission any) {
        String reader = ChannelGate.actingUser(actor, null);
        Target t = target(tx, messageId, reader, Permission.READ_CHANNEL);
        ChannelGate.requireActiveAuthor(t.channel(), reader);
        io.chatsdk.engine.internal.Permissions.requireOwnOrAny(t.channel().access(), t.loc().message().userId(), own, any);
        ChannelGate.requireNotFrozen(t.channel());
        return t;
    }
}
