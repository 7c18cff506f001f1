package io.chatsdk.engine.channels;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.Channel;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.ChannelState;
import io.chatsdk.engine.model.Member;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.MessagePage;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelsIT extends EngineTest {
    AppHandle app;

    @BeforeEach
    void setUp() {
        app = fx.newApp(5);
        app.users().upsert(UserInput.of("guest1").withRole("guest"));
        app.users().upsert(UserInput.of("boss").withRole("admin"));
    }

    @Test
    void getOrCreateMakesCreatorOwnerAndReturnsExistingLater() {
        ChannelState created = app.as("u1").channels().getOrCreate("messaging", "team-a",
                ChannelInput.withMembers(null, List.of("u2")).withName("Team A").withCustom(Map.of("color", "blue")));
        assertThat(created.created()).isTrue();
        assertThat(created.channel().cid().toString()).isEqualTo("messaging:team-a");
        assertThat(created.channel().createdBy()).isEqualTo("u1");
        assertThat(created.channel().custom()).containsEntry("color", "blue");
        assertThat(created.members()).extracting(Member::userId, Member::role)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("u1", "owner"), org.assertj.core.groups.Tuple.tuple("u2", "member"));
        ChannelState again = app.as("u2").channels().getOrCreate("messaging", "team-a", ChannelInput.empty().withName("ignored"));
        assertThat(again.created()).isFalse();
        assertThat(again.channel().name()).isEqualTo("Team A");
        assertThat(again.membership().role()).isEqualTo("member");
    }

    @Test
    void distinctChannelsAreFoundByMemberSet() {
        Cid a = app.as("u1").channels().getOrCreateDistinct("messaging", ChannelInput.withMembers(null, List.of("u1", "u2"))).channel().cid();
        Cid b = app.as("u2").channels().getOrCreateDistinct("messaging", ChannelInput.withMembers(null, List.of("u2", "u1"))).channel().cid();
        Cid c = app.as("u1").channels().getOrCreateDistinct("messaging", ChannelInput.withMembers(null, List.of("u1", "u3"))).channel().cid();
        assertThat(a).isEqualTo(b);
        assertThat(c).isNotEqualTo(a);
        assertThat(a.id()).startsWith("!members-");
        assertThatThrownBy(() -> app.as("u1").channels().getOrCreateDistinct("messaging", ChannelInput.withMembers(null, List.of("u1"))))
                .extracting("field").isEqualTo("members");
    }

    @Test
    void permissionDenialsForEachRole() {
        Cid cid = app.as("u1").channels().getOrCreate("messaging", "perm", ChannelInput.withMembers(null, List.of("u2"))).channel().cid();
        Message m = app.as("u1").messages().send(cid, NewMessage.text("hello"));
        // a non-member user can neither read nor write
        assertThatThrownBy(() -> app.as("u3").channels().get(cid)).isInstanceOf(ChatException.class)
                .hasMessageContaining("read-channel").extracting("code").isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.as("u3").messages().send(cid, NewMessage.text("intruder"))).hasMessageContaining("send-message");
        assertThatThrownBy(() -> app.as("u3").messages().get(m.id())).extracting("code").isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.as("u3").reads().markRead(cid, null, null)).extracting("code").isEqualTo(ErrorCode.FORBIDDEN);
        // a guest may not create channels
        assertThatThrownBy(() -> app.as("guest1").channels().getOrCreate("messaging", "g", ChannelInput.empty()))
                .hasMessageContaining("create-channel");
        // a member may not manage the channel
        assertThatThrownBy(() -> app.as("u2").channels().update(cid, ChannelInput.empty().withName("mine"))).hasMessageContaining("update-channel");
        assertThatThrownBy(() -> app.as("u2").channels().addMembers(cid, List.of("u3"))).hasMessageContaining("add-members");
        assertThatThrownBy(() -> app.as("u2").channels().removeMembers(cid, List.of("u1"))).hasMessageContaining("remove-members");
        assertThatThrownBy(() -> app.as("u2").channels().truncate(cid)).hasMessageContaining("truncate-channel");
        assertThatThrownBy(() -> app.as("u2").channels().delete(cid)).hasMessageContaining("delete-channel");
        assertThatThrownBy(() -> app.as("u2").channels().freeze(cid, true)).hasMessageContaining("freeze-channel");
        assertThatThrownBy(() -> app.as("u2").channels().setMemberRole(cid, "u2", "owner")).hasMessageContaining("update-member-roles");
        assertThatThrownBy(() -> app.as("u2").messages().delete(m.id(), false)).hasMessageContaining("delete-any-message");
        // promoted to moderator, the same user may
        app.as("u1").channels().setMemberRole(cid, "u2", "moderator");
        assertThat(app.as("u2").channels().addMembers(cid, List.of("u3"))).extracting(Member::userId).containsExactly("u3");
        assertThat(app.as("u2").messages().delete(m.id(), false).type()).isEqualTo("deleted");
        // a moderator still may not delete the channel; an app admin may do anything
        assertThatThrownBy(() -> app.as("u2").channels().delete(cid)).hasMessageContaining("delete-channel");
        assertThat(app.as("boss").channels().get(cid).memberCount()).isEqualTo(3);
        app.as("boss").channels().delete(cid);
        assertThatThrownBy(() -> app.channels().get(cid)).extracting("code").isEqualTo(ErrorCode.CHANNEL_NOT_FOUND);
    }

    @Test
    void livestreamIsReadableAndWritableWithoutMembership() {
        Cid live = app.channels().getOrCreate("livestream", "launch", ChannelInput.withMembers("u1", List.of())).channel().cid();
        assertThat(app.as("u4").messages().send(live, NewMessage.text("hi from the audience")).seq()).isEqualTo(1);
        assertThat(app.as("guest1").messages().list(live, MessagePage.latest(5))).hasSize(1);
        assertThatThrownBy(() -> app.as("guest1").messages().send(live, NewMessage.text("guest"))).hasMessageContaining("send-message");
    }

    @Test
    void membersJoinLeaveAndCountsFollow() {
        Cid cid = app.channels().getOrCreate("messaging", "club", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        List<Member> added = app.channels().addMembers(cid, List.of("u2", "u3", "u4"));
        assertThat(added).extracting(Member::userId).containsExactly("u3", "u4");
        assertThat(app.channels().get(cid).memberCount()).isEqualTo(4);
        app.as("u4").channels().removeMembers(cid, List.of("u4"));
        assertThat(app.channels().get(cid).memberCount()).isEqualTo(3);
        assertThatThrownBy(() -> app.channels().addMembers(cid, List.of("ghost"))).extracting("code").isEqualTo(ErrorCode.USER_NOT_FOUND);
        assertThatThrownBy(() -> app.channels().addMembers(cid, List.of())).extracting("field").isEqualTo("user_ids");
        AppHandle other = fx.newApp(0);
        other.users().upsert(UserInput.of("stranger"));
        assertThatThrownBy(() -> app.channels().addMembers(cid, List.of("stranger"))).extracting("code").isEqualTo(ErrorCode.USER_NOT_FOUND);
    }

    @Test
    void frozenChannelsRefuseMembersButNotModerators() {
        Cid cid = app.channels().getOrCreate("messaging", "ice", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        Message before = app.as("u2").messages().send(cid, NewMessage.text("before"));
        Channel frozen = app.as("u1").channels().freeze(cid, true);
        assertThat(frozen.frozen()).isTrue();
        assertThatThrownBy(() -> app.as("u2").messages().send(cid, NewMessage.text("x"))).extracting("code").isEqualTo(ErrorCode.CHANNEL_FROZEN);
        assertThatThrownBy(() -> app.as("u2").reactions().react(before.id(), "like", 1, null, false, null)).extracting("code").isEqualTo(ErrorCode.CHANNEL_FROZEN);
        assertThat(app.as("u1").messages().send(cid, NewMessage.text("owner may")).seq()).isEqualTo(2);
        app.channels().freeze(cid, false);
        assertThat(app.as("u2").messages().send(cid, NewMessage.text("thawed")).seq()).isEqualTo(3);
    }

    @Test
    void truncateHidesHistoryAndSeqContinues() {
        Cid cid = app.channels().getOrCreate("messaging", "trunc", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        Message old = app.as("u1").messages().send(cid, NewMessage.text("old"));
        app.as("u1").messages().send(cid, NewMessage.text("older"));
        Channel t = app.channels().truncate(cid);
        assertThat(t.truncatedSeq()).isEqualTo(2);
        assertThat(app.messages().list(cid, MessagePage.latest(10))).isEmpty();
        assertThatThrownBy(() -> app.messages().get(old.id())).extracting("code").isEqualTo(ErrorCode.MESSAGE_NOT_FOUND);
        assertThat(app.as("u2").messages().send(cid, NewMessage.text("fresh")).seq()).isEqualTo(3);
        assertThat(app.reads().unreadCounts("u1").totalUnreadCount()).isEqualTo(1);
    }

    @Test
    void hideUntilNextMessageThenShow() {
        Cid cid = app.channels().getOrCreate("messaging", "hide", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        app.as("u2").channels().hide(cid, null);
        assertThat(app.as("u2").channels().state(cid, MessagePage.latest(1), 0).membership().hidden()).isTrue();
        app.as("u1").messages().send(cid, NewMessage.text("wake up"));
        assertThat(app.as("u2").channels().state(cid, MessagePage.latest(1), 0).membership().hidden()).isFalse();
        app.channels().hide(cid, "u2");
        assertThat(app.as("u2").channels().state(cid, MessagePage.latest(1), 0).membership().hidden()).isTrue();
        app.channels().show(cid, "u2");
        assertThat(app.as("u2").channels().state(cid, MessagePage.latest(1), 0).membership().hidden()).isFalse();
        assertThatThrownBy(() -> app.as("u3").channels().hide(cid, null)).extracting("code").isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void updateAndPartialUpdate() {
        Cid cid = app.channels().getOrCreate("messaging", "upd", ChannelInput.withMembers("u1", List.of())).channel().cid();
        Channel c = app.as("u1").channels().update(cid, ChannelInput.empty().withName("Renamed").withCustom(Map.of("a", 1, "b", "x")));
        assertThat(c.name()).isEqualTo("Renamed");
        Channel p = app.as("u1").channels().partialUpdate(cid, Map.of("c", true), List.of("a"));
        assertThat(p.custom()).containsOnlyKeys("b", "c");
        assertThat(p.name()).isEqualTo("Renamed");
        Channel unset = app.channels().partialUpdate(cid, Map.of(), List.of("name"));
        assertThat(unset.name()).isNull();
        assertThatThrownBy(() -> app.channels().partialUpdate(cid, Map.of("frozen", true), List.of())).extracting("field").isEqualTo("set.frozen");
        assertThatThrownBy(() -> app.channels().update(cid, ChannelInput.empty().withName("bad\u0001name"))).extracting("field").isEqualTo("name");
        Channel overridden = app.channels().update(cid, ChannelInput.empty().withConfigOverrides(Map.of("reactions", false)));
        assertThat(overridden.config().reactions()).isFalse();
        assertThatThrownBy(() -> app.channels().update(cid, ChannelInput.empty().withConfigOverrides(Map.of("nope", true))))
                .extracting("field").isEqualTo("config.nope");
    }

    @Test
    void badIdsAreValidationErrors() {
        assertThatThrownBy(() -> app.channels().getOrCreate("messaging", "has space", ChannelInput.empty())).extracting("field").isEqualTo("id");
        assertThatThrownBy(() -> app.channels().getOrCreate("Bad Type", "x", ChannelInput.empty())).extracting("field").isEqualTo("type");
        assertThatThrownBy(() -> app.channels().getOrCreate("nosuchtype", "x", ChannelInput.withMembers("u1", List.of())))
                .extracting("code").isEqualTo(ErrorCode.CHANNEL_TYPE_NOT_FOUND);
        assertThatThrownBy(() -> app.channels().getOrCreate("messaging", "x", ChannelInput.empty())).extracting("field").isEqualTo("created_by");
        assertThatThrownBy(() -> Cid.parse("nocolon")).extracting("field").isEqualTo("cid");
    }
}
