package io.chatsdk.engine.messaging;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.Attachment;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.MessagePage;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessagesIT extends EngineTest {
    AppHandle app;
    Cid general;

    @BeforeEach
    void setUp() {
        app = fx.newApp(4);
        general = app.channels().getOrCreate("messaging", "general", ChannelInput.withMembers("u1", List.of("u2", "u3"))).channel().cid();
    }

    @Test
    void sendAssignsGapFreeSeqAndListsOldestFirst() {
        for (int i = 1; i <= 5; i++) {
            Message m = app.as("u1").messages().send(general, NewMessage.text("hello " + i));
            assertThat(m.seq()).isEqualTo(i);
            assertThat(m.userId()).isEqualTo("u1");
            assertThat(m.type()).isEqualTo("regular");
        }
        List<Message> latest = app.as("u2").messages().list(general, MessagePage.latest(3));
        assertThat(latest).extracting(Message::seq).containsExactly(3L, 4L, 5L);
        assertThat(app.as("u2").messages().list(general, MessagePage.afterSeq(1, 2))).extracting(Message::seq).containsExactly(2L, 3L);
        assertThat(app.as("u2").messages().list(general, MessagePage.beforeSeq(3, 10))).extracting(Message::seq).containsExactly(1L, 2L);
        String third = latest.get(0).id();
        assertThat(app.messages().list(general, MessagePage.beforeId(third, 10))).extracting(Message::seq).containsExactly(1L, 2L);
        assertThat(app.messages().list(general, MessagePage.afterId(third, 10))).extracting(Message::seq).containsExactly(4L, 5L);
        assertThat(app.channels().get(general).lastSeq()).isEqualTo(5);
    }

    @Test
    void resendOfClientIdReturnsStoredMessage() {
        Message first = app.as("u1").messages().send(general, NewMessage.text("once").withId("client-1"));
        Message again = app.as("u1").messages().send(general, NewMessage.text("once").withId("client-1"));
        assertThat(again.id()).isEqualTo("client-1");
        assertThat(again.seq()).isEqualTo(first.seq());
        assertThat(app.messages().list(general, MessagePage.latest(10))).hasSize(1);
        assertThatThrownBy(() -> app.as("u2").messages().send(general, NewMessage.text("x").withId("client-1")))
                .isInstanceOf(ChatException.class).extracting("code").isEqualTo(ErrorCode.MESSAGE_ID_CONFLICT);
    }

    @Test
    void aResendIsAnsweredWithTheStoredMessageWhereANewSendIsRefused() {
        // the send path has no look-up before its transaction: a repeated id is found by the insert's conflict, or after a
        // refusal. u2 is a plain member, whom a frozen channel refuses (u1 created it and may still write).
        Message first = app.as("u2").messages().send(general, NewMessage.text("once").withId("before-freeze"));
        app.channels().freeze(general, true);
        Message again = app.as("u2").messages().send(general, NewMessage.text("once").withId("before-freeze"));
        assertThat(again.seq()).isEqualTo(first.seq());
        assertThat(again.text()).isEqualTo("once");
        assertThatThrownBy(() -> app.as("u2").messages().send(general, NewMessage.text("new").withId("after-freeze")))
                .extracting("code").isEqualTo(ErrorCode.CHANNEL_FROZEN);
        assertThatThrownBy(() -> app.as("u2").messages().send(general, NewMessage.text("no id")))
                .extracting("code").isEqualTo(ErrorCode.CHANNEL_FROZEN);
        // another user's id (u3 is a member as well) is a conflict, whether or not the channel would take the send
        assertThatThrownBy(() -> app.as("u3").messages().send(general, NewMessage.text("x").withId("before-freeze")))
                .extracting("code").isEqualTo(ErrorCode.MESSAGE_ID_CONFLICT);
        app.channels().freeze(general, false);
        assertThatThrownBy(() -> app.as("u3").messages().send(general, NewMessage.text("x").withId("before-freeze")))
                .extracting("code").isEqualTo(ErrorCode.MESSAGE_ID_CONFLICT);
        // the refused and repeated sends used no seq
        assertThat(app.as("u2").messages().send(general, NewMessage.text("next")).seq()).isEqualTo(first.seq() + 1);
        assertThat(app.channels().get(general).lastSeq()).isEqualTo(first.seq() + 1);
    }

    @Test
    void clientIdsAreScopedToTheApp() {
        AppHandle other = fx.newApp(1);
        Cid otherChannel = other.channels().getOrCreate("messaging", "general", ChannelInput.withMembers("u1", List.of())).channel().cid();
        app.as("u1").messages().send(general, NewMessage.text("a").withId("shared-id"));
        Message m = other.as("u1").messages().send(otherChannel, NewMessage.text("b").withId("shared-id"));
        assertThat(m.text()).isEqualTo("b");
        assertThatThrownBy(() -> other.messages().get("does-not-exist")).extracting("code").isEqualTo(ErrorCode.MESSAGE_NOT_FOUND);
    }

    @Test
    void anotherAppsMessageIdsNeverResolve() {
        Message m = app.as("u1").messages().send(general, NewMessage.text("secret"));
        AppHandle other = fx.newApp(1);
        assertThatThrownBy(() -> other.messages().get(m.id())).extracting("code").isEqualTo(ErrorCode.MESSAGE_NOT_FOUND);
        assertThatThrownBy(() -> other.messages().delete(m.id(), true)).extracting("code").isEqualTo(ErrorCode.MESSAGE_NOT_FOUND);
        assertThatThrownBy(() -> other.reactions().react(m.id(), "like", 1, null, false, "u1")).extracting("code").isEqualTo(ErrorCode.MESSAGE_NOT_FOUND);
        assertThatThrownBy(() -> other.channels().get(general)).extracting("code").isEqualTo(ErrorCode.CHANNEL_NOT_FOUND);
        assertThatThrownBy(() -> other.as("u1").messages().send(general, NewMessage.text("x"))).extracting("code").isEqualTo(ErrorCode.CHANNEL_NOT_FOUND);
        assertThat(app.messages().get(m.id()).text()).isEqualTo("secret");
    }

    @Test
    void threadsQuotesAndAttachments() {
        Message parent = app.as("u1").messages().send(general, NewMessage.text("parent"));
        Message r1 = app.as("u2").messages().send(general, NewMessage.text("reply 1").replyTo(parent.id(), false));
        Message r2 = app.as("u3").messages().send(general, NewMessage.text("reply 2").replyTo(parent.id(), true));
        assertThat(r1.type()).isEqualTo("reply");
        assertThat(app.messages().get(parent.id()).replyCount()).isEqualTo(2);
        assertThat(app.messages().replies(parent.id(), MessagePage.latest(10))).extracting(Message::id).containsExactly(r1.id(), r2.id());
        // the channel stream shows the parent and the reply shown in channel, not the thread-only reply
        assertThat(app.messages().list(general, MessagePage.latest(10))).extracting(Message::id).containsExactly(parent.id(), r2.id());
        assertThatThrownBy(() -> app.as("u1").messages().send(general, NewMessage.text("nested").replyTo(r1.id(), false)))
                .extracting("field").isEqualTo("parent_id");

        Message quote = app.as("u2").messages().send(general, NewMessage.text("quoting").quoting(parent.id()));
        assertThat(quote.quotedMessageId()).isEqualTo(parent.id());

        Attachment voice = new Attachment("voiceRecording", "https://cdn.example.com/v.ogg", "audio/ogg", 1234L, null, null, 3.5,
                List.of(0.1, 0.5, 1.0), Map.of("codec", "opus"));
        Message withFile = app.as("u1").messages().send(general, NewMessage.text("").withAttachments(List.of(voice,
                Attachment.file("https://cdn.example.com/a.pdf", "application/pdf", 10, "a.pdf"))));
        Message stored = app.messages().get(withFile.id());
        assertThat(stored.attachments()).hasSize(2);
        assertThat(stored.attachments().get(0).duration()).isEqualTo(3.5);
        assertThat(stored.attachments().get(0).waveformData()).containsExactly(0.1, 0.5, 1.0);
        assertThat(stored.attachments().get(0).custom()).containsEntry("codec", "opus");
        assertThat(stored.attachments().get(1).mimeType()).isEqualTo("application/pdf");
    }

    @Test
    void editKeepsEditedAtAndPartialUpdateSetsCustomFields() {
        Message m = app.as("u1").messages().send(general, NewMessage.text("frist").withCustom(Map.of("priority", "low")));
        assertThat(m.editedAt()).isNull();
        Message edited = app.as("u1").messages().update(m.id(), "first", List.of(), Map.of("priority", "high"));
        assertThat(edited.text()).isEqualTo("first");
        assertThat(edited.editedAt()).isNotNull();
        assertThat(edited.custom()).containsEntry("priority", "high");
        assertThat(edited.seq()).isEqualTo(m.seq());

        Message partial = app.as("u1").messages().partialUpdate(m.id(), Map.of("color", "red"), List.of("priority"));
        assertThat(partial.custom()).containsOnlyKeys("color");
        assertThat(partial.text()).isEqualTo("first");
        assertThatThrownBy(() -> app.as("u2").messages().update(m.id(), "hijack", List.of(), null))
                .extracting("code").isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.as("u1").messages().partialUpdate(m.id(), Map.of("seq", 99), null))
                .extracting("field").isEqualTo("set.seq");
    }

    @Test
    void softAndHardDelete() {
        Message soft = app.as("u1").messages().send(general, NewMessage.text("oops"));
        Message hard = app.as("u1").messages().send(general, NewMessage.text("really oops"));
        app.reactions().react(hard.id(), "like", 1, null, false, "u2");
        Message softDeleted = app.as("u1").messages().delete(soft.id(), false);
        assertThat(softDeleted.type()).isEqualTo("deleted");
        assertThat(softDeleted.text()).isEmpty();
        assertThat(softDeleted.deletedAt()).isNotNull();
        Message hardDeleted = app.messages().delete(hard.id(), true);
        assertThat(hardDeleted.reactionCounts()).isEmpty();
        // the seq stays taken: the stream keeps both as deleted tombstones, no gap
        assertThat(app.messages().list(general, MessagePage.latest(10))).extracting(Message::seq).containsExactly(1L, 2L);
        assertThatThrownBy(() -> app.as("u2").messages().delete(soft.id(), false)).extracting("code").isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.as("u1").messages().update(soft.id(), "back", List.of(), null)).extracting("code").isEqualTo(ErrorCode.CONFLICT);
    }

    @Test
    void reactionsCountScoreAndOwn() {
        Message m = app.as("u1").messages().send(general, NewMessage.text("react to me"));
        app.as("u2").reactions().react(m.id(), "like", 1, null, false, null);
        app.as("u3").reactions().react(m.id(), "like", 3, null, false, null);
        Message afterLove = app.as("u2").reactions().react(m.id(), "love", 1, null, false, null);
        assertThat(afterLove.reactionCounts()).containsEntry("like", 2).containsEntry("love", 1);
        assertThat(afterLove.reactionScores()).containsEntry("like", 4);
        assertThat(afterLove.ownReactions()).extracting("type").containsExactlyInAnyOrder("like", "love");
        Message unique = app.as("u2").reactions().react(m.id(), "wow", 1, null, true, null);
        assertThat(unique.ownReactions()).extracting("type").containsExactly("wow");
        Message removed = app.as("u2").reactions().unreact(m.id(), "wow", null);
        assertThat(removed.reactionCounts()).containsOnlyKeys("like");
        assertThatThrownBy(() -> app.as("u2").reactions().unreact(m.id(), "wow", null)).extracting("code").isEqualTo(ErrorCode.REACTION_NOT_FOUND);
        assertThat(app.reactions().list(m.id(), 10, 0)).extracting("userId").containsExactly("u3");
        assertThatThrownBy(() -> app.as("u4").reactions().react(m.id(), "like", 1, null, false, null)).extracting("code").isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void pinAndUnpin() {
        Message m = app.as("u1").messages().send(general, NewMessage.text("pin me"));
        Message pinned = app.as("u2").messages().pin(m.id(), Instant.now().plus(1, ChronoUnit.DAYS));
        assertThat(pinned.pinned()).isTrue();
        assertThat(pinned.pinnedBy()).isEqualTo("u2");
        assertThat(app.messages().unpin(m.id()).pinned()).isFalse();
        assertThatThrownBy(() -> app.messages().pin(m.id(), Instant.now().minusSeconds(5))).extracting("field").isEqualTo("pin_expires");
    }

    @Test
    void silentAndSystemMessages() {
        Message silent = app.as("u1").messages().send(general, NewMessage.text("shh").asSilent());
        assertThat(silent.silent()).isTrue();
        Message system = app.messages().send(general, NewMessage.text("u4 joined").from("u1").withType("system"));
        assertThat(system.type()).isEqualTo("system");
        assertThatThrownBy(() -> app.as("u2").messages().send(general, NewMessage.text("fake").withType("system")))
                .extracting("code").isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void rejectsBadContent() {
        Messages u1 = app.as("u1").messages();
        assertThatThrownBy(() -> u1.send(general, NewMessage.text("   "))).extracting("field").isEqualTo("text");
        assertThatThrownBy(() -> u1.send(general, NewMessage.text("x".repeat(5001)))).extracting("field").isEqualTo("text");
        assertThatThrownBy(() -> u1.send(general, NewMessage.text("bad \uD800 surrogate"))).hasMessageContaining("lone surrogate");
        assertThatThrownBy(() -> u1.send(general, NewMessage.text("reversed \uDC00\uD800"))).hasMessageContaining("lone surrogate");
        assertThatThrownBy(() -> u1.send(general, NewMessage.text("nul \u0000 byte"))).hasMessageContaining("control character U+0000");
        assertThatThrownBy(() -> u1.send(general, NewMessage.text("bell \u0007"))).hasMessageContaining("U+0007");
        List<Attachment> many = new ArrayList<>(Collections.nCopies(31, Attachment.image("https://cdn.example.com/i.png")));
        assertThatThrownBy(() -> u1.send(general, NewMessage.text("x").withAttachments(many))).extracting("field").isEqualTo("attachments");
        assertThatThrownBy(() -> u1.send(general, NewMessage.text("x").withAttachments(List.of(Attachment.image("javascript:alert(1)")))))
                .extracting("field").isEqualTo("attachments[0].asset_url");
        assertThatThrownBy(() -> u1.send(general, NewMessage.text("x").withId("has space"))).extracting("field").isEqualTo("id");
        assertThatThrownBy(() -> u1.send(general, NewMessage.text("x").mentioning(List.of("ghost")))).extracting("code").isEqualTo(ErrorCode.USER_NOT_FOUND);
        Map<String, Object> big = new java.util.HashMap<>();
        for (int i = 0; i < 100; i++) {
            big.put("k" + i, "v".repeat(60));
        }
        assertThatThrownBy(() -> u1.send(general, NewMessage.text("x").withCustom(big))).hasMessageContaining("the limit is 5120")
                .extracting("field").isEqualTo("custom");
        // emoji (surrogate pairs) count as one character each and are fine
        assertThat(u1.send(general, NewMessage.text("\uD83D\uDE00".repeat(5000))).text()).hasSize(10000);
        // nothing above was half-written: only the emoji message holds a seq
        assertThat(app.channels().get(general).lastSeq()).isEqualTo(1);
    }

    @Test
    void maxMessageLengthComesFromTheChannelConfig() {
        Cid shortOne = app.channels().getOrCreate("messaging", "short", ChannelInput.withMembers("u1", List.of())
                .withConfigOverrides(Map.of("max_message_length", 10))).channel().cid();
        assertThat(app.as("u1").messages().send(shortOne, NewMessage.text("0123456789")).seq()).isEqualTo(1);
        assertThatThrownBy(() -> app.as("u1").messages().send(shortOne, NewMessage.text("0123456789a")))
                .hasMessageContaining("the limit is 10");
    }

    @Test
    void serverSendsNeedAnAuthorWhoExists() {
        assertThatThrownBy(() -> app.messages().send(general, NewMessage.text("who?"))).extracting("field").isEqualTo("user_id");
        assertThatThrownBy(() -> app.messages().send(general, NewMessage.text("who?").from("ghost"))).extracting("code").isEqualTo(ErrorCode.USER_NOT_FOUND);
        assertThatThrownBy(() -> app.as("u1").messages().send(general, NewMessage.text("spoof").from("u2"))).extracting("code").isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(app.messages().send(general, NewMessage.text("by server").from("u2")).userId()).isEqualTo("u2");
    }

    @Test
    void bannedAndDeactivatedUsersCannotSend() {
        app.users().ban("u2", null, "spam");
        assertThatThrownBy(() -> app.as("u2").messages().send(general, NewMessage.text("x"))).extracting("code").isEqualTo(ErrorCode.USER_BANNED);
        app.users().unban("u2");
        assertThat(app.as("u2").messages().send(general, NewMessage.text("back")).seq()).isEqualTo(1);
        app.users().deactivate("u3");
        assertThatThrownBy(() -> app.as("u3").messages().send(general, NewMessage.text("x"))).extracting("code").isEqualTo(ErrorCode.USER_DEACTIVATED);
        app.users().reactivate("u3");
        assertThat(app.as("u3").messages().send(general, NewMessage.text("me too")).seq()).isEqualTo(2);
    }

    @Test
    void eventsArePublishedAfterCommitWithSeq() {
        Message m = app.as("u1").messages().send(general, NewMessage.text("evented"));
        app.as("u2").reactions().react(m.id(), "like", 1, null, false, null);
        var events = fx.events(app, e -> general.toString().equals(e.cid()));
        assertThat(events).extracting("type").contains("channel.created", "member.added", "message.new", "reaction.new");
        var newMessage = events.stream().filter(e -> e.type().equals("message.new")).findFirst().orElseThrow();
        assertThat(newMessage.seq()).isEqualTo(1L);
        assertThat(newMessage.payload()).containsEntry("cid", general.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> msg = (Map<String, Object>) newMessage.payload().get("message");
        assertThat(msg).containsEntry("id", m.id()).containsEntry("seq", 1);
    }
}
