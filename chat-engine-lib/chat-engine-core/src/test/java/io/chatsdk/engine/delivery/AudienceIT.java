package io.chatsdk.engine.delivery;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.event.Event;
import io.chatsdk.engine.event.EventJson;
import io.chatsdk.engine.event.EventType;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.Cid;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The audience rule on events the engine really wrote to the outbox, and the serializer's round trip: every stored
 * payload reads back into its typed event and writes out again unchanged.
 */
class AudienceIT extends EngineTest {
    AppHandle app;
    Cid cid;
    Audience audience;

    @BeforeEach
    void setUp() {
        app = fx.newApp(4);
        app.users().upsertAll(List.of(new UserInput("mod", null, null, "moderator", null)));
        cid = app.channels().getOrCreate("messaging", "aud", ChannelInput.withMembers("u1", List.of("u2", "u3", "mod"))).channel().cid();
        app.channels().setMemberRole(cid, "mod", "moderator");
        audience = app.audience();
    }

    private Event last(String type) {
        List<ChatEvent> events = fx.events(app, e -> e.type().equals(type));
        assertThat(events).as(type).isNotEmpty();
        ChatEvent e = events.get(events.size() - 1);
        return EventJson.read(e.type(), e.cid(), e.payload());
    }

    @Test
    void membersHearChannelEventsButBlockersDoNotHearTheBlocked() {
        app.as("u3").moderation().block("u1");
        Message m = app.as("u1").messages().send(cid, NewMessage.text("hello"));
        Event e = last("message.new");
        assertThat(e).isInstanceOf(Event.MessageEvent.class);
        assertThat(((Event.MessageEvent) e).messageId()).isEqualTo(m.id());
        Audience.Recipients r = audience.recipients(e, true);
        assertThat(r.users()).containsExactlyInAnyOrder("u1", "u2", "mod");
        assertThat(r.watchersToo()).isTrue();
        assertThat(audience.allowedWatchers(e, List.of("u3", "u4"))).containsExactly("u4");
        // asked only about the users connected to a node: the same answer for them
        assertThat(audience.recipients(e, true, Set.of("u2", "u3", "u4")).users()).containsExactly("u2");
        assertThat(audience.recipients(e, true, Set.of()).users()).isEmpty();
        assertThat(Audience.pushed(e)).isTrue();
        assertThat(Audience.toBackEnd(e)).isTrue();

        // a reaction by someone u2 blocks, to u1's message, skips u2 too
        app.as("u2").moderation().block("u4");
        app.channels().addMembers(cid, List.of("u4"));
        app.as("u4").reactions().react(m.id(), "like", 1, Map.of(), false, null);
        assertThat(audience.recipients(last("reaction.new"), true).users()).containsExactlyInAnyOrder("u1", "mod", "u4");
    }

    @Test
    void anotherAppsChannelOfTheSameIdAndItsBlocksChangeNothing() {
        AppHandle other = fx.newApp(4);
        other.channels().getOrCreate("messaging", "aud", ChannelInput.withMembers("u1", List.of("u2", "u4")));
        other.as("u2").moderation().block("u1");
        app.as("u1").messages().send(cid, NewMessage.text("mine"));
        Event e = last("message.new");
        assertThat(audience.recipients(e, true).users()).containsExactlyInAnyOrder("u1", "u2", "u3", "mod");
        // the members of a channel deleted since its message: nobody left to tell
        app.channels().delete(cid);
        assertThat(audience.recipients(e, true).users()).isEmpty();
        // the query that skips permission checks is the server's alone
        assertThatThrownBy(() -> app.as("u1").channels().memberIdsExceptBlockersOf(cid, List.of("u2"), null, 10))
                .hasMessageContaining("server side only");
    }

    @Test
    void shadowedMessagesAndTheirReactionsReachTheirAuthorOnly() {
        app.moderation().ban("u2", null, null, null, true);
        Message m = app.as("u2").messages().send(cid, NewMessage.text("nobody sees this"));
        Event e = last("message.new");
        assertThat(audience.recipients(e, true)).isEqualTo(new Audience.Recipients(Set.of("u2"), false));
        assertThat(Audience.pushed(e)).isFalse();
        assertThat(Audience.toBackEnd(e)).isFalse();
        app.as("u2").reactions().react(m.id(), "like", 1, Map.of(), false, null);
        assertThat(audience.recipients(last("reaction.new"), true).users()).containsExactly("u2");
    }

    @Test
    void personalEventsReachTheirUserOnly() {
        Message m = app.as("u1").messages().send(cid, NewMessage.text("one"));
        app.as("u2").reads().markRead(cid, null, null);
        app.as("u2").reads().markUnread(cid, m.id(), null);
        assertThat(audience.recipients(last("notification.mark_unread"), true).users()).containsExactly("u2");
        assertThat(audience.recipients(last("message.read"), true).users()).containsExactlyInAnyOrder("u1", "u2", "u3", "mod");
        app.as("u3").channels().hide(cid, null);
        assertThat(audience.recipients(last("channel.hidden"), true)).isEqualTo(new Audience.Recipients(Set.of("u3"), false));
        app.moderation().ban("u3", cid, Duration.ofMinutes(5), "a reason the others need not read", false);
        Audience.Recipients banned = audience.recipients(last("user.banned"), true);
        assertThat(banned).isEqualTo(new Audience.Recipients(Set.of("u3"), false));
        app.users().deactivate("u4");
        assertThat(audience.recipients(last("user.deactivated"), true).users()).containsExactly("u4");
    }

    @Test
    void flagsReachTheModeratorsAndOnlyFromTheOutbox() {
        Message m = app.as("u1").messages().send(cid, NewMessage.text("report me"));
        app.as("u2").flags().flagMessage(m.id(), "spam", null);
        Event e = last("message.flagged");
        // the channel's moderators and owners: mod, and u1 who created the channel
        assertThat(audience.recipients(e, true)).isEqualTo(new Audience.Recipients(Set.of("mod", "u1"), false));
        assertThat(audience.recipients(e, false).users()).isEmpty();
    }

    @Test
    void removedMembersHearOfTheirRemovalAndDeletedChannelsReachTheirFormerMembers() {
        app.channels().removeMembers(cid, List.of("u3"));
        assertThat(audience.recipients(last("member.removed"), true).users()).contains("u3").doesNotContain("u4");
        app.channels().delete(cid);
        assertThat(audience.recipients(last("channel.deleted"), true).users()).containsExactlyInAnyOrder("u1", "u2", "mod");
    }

    @Test
    void everyStoredPayloadRoundTripsThroughTheTypedModel() {
        Message m = app.as("u1").messages().send(cid, NewMessage.text("round trip"));
        app.as("u1").messages().update(m.id(), "edited", List.of(), Map.of("k", "v"));
        app.as("u2").reactions().react(m.id(), "love", 2, Map.of(), false, null);
        app.as("u2").reactions().unreact(m.id(), "love", null);
        app.as("u2").reads().markRead(cid, null, null);
        app.as("u3").channels().hide(cid, null);
        app.as("u3").channels().show(cid, null);
        app.as("u2").flags().flagMessage(m.id(), null, null);
        app.moderation().ban("u4", null, null, "r", false);
        app.moderation().unban("u4", null);
        app.moderation().setSlowMode(cid, 5);
        app.channels().freeze(cid, true);
        app.channels().freeze(cid, false);
        app.as("u1").messages().delete(m.id(), true);
        app.channels().truncate(cid);
        List<ChatEvent> events = fx.events(app, e -> true);
        assertThat(events).extracting(ChatEvent::type).contains("channel.created", "member.added", "message.new", "message.updated",
                "reaction.new", "reaction.deleted", "message.read", "channel.hidden", "channel.visible", "message.flagged", "user.banned",
                "user.unbanned", "channel.updated", "channel.frozen", "channel.unfrozen", "message.deleted", "channel.truncated");
        for (ChatEvent e : events) {
            Event typed = EventJson.read(e.type(), e.cid(), e.payload());
            assertThat(typed.typeName()).isEqualTo(e.type());
            // compared as JSON, as clients receive it (a seq may be an Integer on one side and a Long on the other)
            assertThat(json(EventJson.payload(typed, Instant.parse((String) e.payload().get("created_at"))))).as(e.type()).isEqualTo(json(e.payload()));
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode json(Map<String, Object> m) {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            return mapper.readTree(mapper.writeValueAsString(m));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void customTypesAndMalformedPayloads() {
        assertThat(EventType.isCustom("poll.vote")).isTrue();
        assertThat(EventType.isCustom("message.new")).isFalse();
        assertThat(EventType.isCustom("Poll")).isFalse();
        assertThat(EventType.isCustom("x".repeat(65))).isFalse();
        assertThatThrownBy(() -> new Event.CustomEvent("typing.start", cid, "u1", Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventJson.read("message.new", cid.toString(), Map.of("message", "not an object")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventJson.read("message.read", cid.toString(), Map.of("user_id", "u1")))
                .isInstanceOf(IllegalArgumentException.class);
        Event custom = EventJson.read("poll.vote", cid.toString(), Map.of("type", "poll.vote", "user_id", "u1", "choice", 2));
        assertThat(custom).isEqualTo(new Event.CustomEvent("poll.vote", cid, "u1", Map.of("choice", 2)));
    }
}
