package io.chatsdk.engine.moderation;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.MessagePage;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;
import io.chatsdk.engine.types.SlowModeException;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bans, shadow bans, mutes, blocks, freeze and slow mode, with their permission denials. */
class ModerationIT extends EngineTest {
    AppHandle app;
    Cid cid;

    @BeforeEach
    void setUp() {
        app = fx.newApp(4);
        app.users().upsertAll(List.of(new UserInput("mod", null, null, "moderator", null), new UserInput("guest1", null, null, "guest", null)));
        cid = app.channels().getOrCreate("messaging", "room", ChannelInput.withMembers("u1", List.of("u2", "u3", "mod"))).channel().cid();
        app.channels().setMemberRole(cid, "mod", "moderator");
    }

    private static ErrorCode code(Throwable t) {
        return ((ChatException) t).code();
    }

    @Test
    void appBansStopSendingReactingAndJoiningAndTellTheUser() {
        Message m = app.as("u1").messages().send(cid, NewMessage.text("hi"));
        assertThatThrownBy(() -> app.as("u2").moderation().ban("u3", null, null, "spam", false))
                .satisfies(e -> assertThat(e.getMessage()).contains("ban-user")).extracting(ModerationIT::code).isEqualTo(ErrorCode.FORBIDDEN);
        Moderation.Ban ban = app.as("mod").moderation().ban("u3", null, Duration.ofHours(1), "spam", false);
        assertThat(ban.expiresAt()).isNotNull();
        assertThatThrownBy(() -> app.as("u3").messages().send(cid, NewMessage.text("x"))).extracting(ModerationIT::code).isEqualTo(ErrorCode.USER_BANNED);
        assertThatThrownBy(() -> app.as("u3").reactions().react(m.id(), "like", 1, Map.of(), false, null))
                .extracting(ModerationIT::code).isEqualTo(ErrorCode.USER_BANNED);
        Cid open = app.channels().getOrCreate("livestream", "stage", ChannelInput.withMembers("u1", List.of())).channel().cid();
        assertThatThrownBy(() -> app.as("u3").channels().addMembers(open, List.of("u3"))).extracting(ModerationIT::code).isEqualTo(ErrorCode.USER_BANNED);
        fx.awaitRelayed();
        assertThat(fx.events(app, e -> e.type().equals("user.banned"))).anySatisfy(e -> assertThat(e.payload().get("user")).isEqualTo(Map.of("id", "u3")));
        assertThat(app.moderation().bans(null, 10, 0)).extracting(Moderation.Ban::userId).containsExactly("u3");
        app.as("mod").moderation().unban("u3", null);
        assertThat(app.as("u3").messages().send(cid, NewMessage.text("back")).text()).isEqualTo("back");
        assertThat(app.moderation().bans(null, 10, 0)).isEmpty();
    }

    @Test
    void channelBansNeedTheChannelPermissionAndExpire() throws Exception {
        assertThatThrownBy(() -> app.as("u2").moderation().ban("u3", cid, null, null, false))
                .satisfies(e -> assertThat(e.getMessage()).contains("ban-channel-member")).extracting(ModerationIT::code).isEqualTo(ErrorCode.FORBIDDEN);
        app.as("mod").moderation().ban("u3", cid, Duration.ofMinutes(5), "cool off", false);
        assertThatThrownBy(() -> app.as("u3").messages().send(cid, NewMessage.text("x"))).extracting(ModerationIT::code).isEqualTo(ErrorCode.USER_BANNED);
        Cid other = app.channels().getOrCreate("messaging", "other", ChannelInput.withMembers("u3", List.of("u1"))).channel().cid();
        assertThat(app.as("u3").messages().send(other, NewMessage.text("elsewhere is fine")).seq()).isEqualTo(1);
        assertThat(app.as("mod").moderation().bans(cid, 10, 0)).singleElement().satisfies(b -> assertThat(b.reason()).isEqualTo("cool off"));
        sql("update channel_ban set expires_at = now() - interval '1 second'");
        assertThat(app.as("u3").messages().send(cid, NewMessage.text("the ban ran out")).text()).isEqualTo("the ban ran out");
        assertThat(app.as("mod").moderation().bans(cid, 10, 0)).isEmpty();
    }

    @Test
    void shadowBannedMessagesAreSeenByTheirAuthorOnly() {
        Message before = app.as("u3").messages().send(cid, NewMessage.text("visible"));
        app.as("mod").moderation().ban("u3", null, null, "troll", true);
        Message shadowed = app.as("u3").messages().send(cid, NewMessage.text("only I see this").mentioning(List.of("u1")));
        assertThat(shadowed.shadowed()).isTrue();
        assertThat(app.as("u3").messages().get(shadowed.id()).text()).isEqualTo("only I see this");
        assertThat(app.as("u3").messages().list(cid, MessagePage.latest(10))).extracting(Message::id).contains(shadowed.id());
        for (String reader : List.of("u1", "u2", "mod")) {
            assertThat(app.as(reader).messages().list(cid, MessagePage.latest(10))).extracting(Message::id).containsExactly(before.id());
            assertThatThrownBy(() -> app.as(reader).messages().get(shadowed.id())).extracting(ModerationIT::code).isEqualTo(ErrorCode.MESSAGE_NOT_FOUND);
            assertThat(app.as(reader).sync().since(Map.of(cid.toString(), 0L), null, 100).channels().get(cid.toString()).messages())
                    .extracting(Message::id).containsExactly(before.id());
            assertThat(app.as(reader).channels().state(cid, MessagePage.latest(10), 10).messages()).extracting(Message::id).containsExactly(before.id());
        }
        assertThat(app.as("u2").reads().unreadCounts(null).totalUnreadCount()).isEqualTo(1);
        assertThat(app.as("u1").reads().unreadCounts(null).totalUnreadMentions()).isZero();
        fx.awaitRelayed();
        assertThat(fx.events(app, e -> e.type().equals("user.banned"))).as("a shadow ban is secret").isEmpty();
        assertThat(fx.events(app, e -> e.type().equals("message.new") && e.payload().toString().contains(shadowed.id())))
                .singleElement().satisfies(e -> assertThat(((Map<?, ?>) e.payload().get("message")).get("shadowed")).isEqualTo(true));
        assertThat(app.messages().get(shadowed.id()).shadowed()).as("the server sees it, marked").isTrue();
    }

    @Test
    void mutedChannelsDoNotCountInTheTotalAndMutesAreListed() {
        app.as("u2").messages().send(cid, NewMessage.text("one"));
        assertThat(app.as("u1").reads().unreadCounts(null).totalUnreadCount()).isEqualTo(1);
        app.as("u1").moderation().muteChannel(cid, null);
        assertThat(app.as("u1").reads().unreadCounts(null).totalUnreadCount()).isZero();
        assertThat(app.as("u1").reads().unreadCounts(null).channels()).singleElement().satisfies(c -> assertThat(c.unreadCount()).isEqualTo(1));
        app.as("u1").moderation().muteUser("u2", Duration.ofMinutes(10));
        assertThat(app.as("u1").moderation().mutes()).extracting(m -> m.targetUserId() != null ? m.targetUserId() : m.cid())
                .containsExactlyInAnyOrder("u2", cid.toString());
        assertThatThrownBy(() -> app.as("u1").moderation().muteUser("u1", null)).extracting("field").isEqualTo("target_id");
        assertThatThrownBy(() -> app.as("u1").moderation().muteUser("nobody", null)).extracting(ModerationIT::code).isEqualTo(ErrorCode.USER_NOT_FOUND);
        app.as("u1").moderation().unmuteChannel(cid);
        assertThat(app.as("u1").reads().unreadCounts(null).totalUnreadCount()).isEqualTo(1);
    }

    @Test
    void blocksHideMessagesAndStopDistinctChannels() {
        Cid dm = app.channels().getOrCreateDistinct("messaging", ChannelInput.withMembers("u1", List.of("u1", "u2"))).channel().cid();
        Message hi = app.as("u2").messages().send(dm, NewMessage.text("hi"));
        app.as("u1").moderation().block("u2");
        assertThat(app.as("u1").moderation().blockedUsers()).containsExactly("u2");
        assertThat(app.as("u1").messages().list(dm, MessagePage.latest(10))).isEmpty();
        assertThatThrownBy(() -> app.as("u1").messages().get(hi.id())).extracting(ModerationIT::code).isEqualTo(ErrorCode.MESSAGE_NOT_FOUND);
        assertThat(app.as("u1").reads().unreadCounts(null).totalUnreadCount()).isZero();
        assertThat(app.as("u2").messages().list(dm, MessagePage.latest(10))).hasSize(1);
        assertThatThrownBy(() -> app.as("u2").channels().getOrCreateDistinct("messaging", ChannelInput.withMembers("u2", List.of("u1", "u3"))))
                .extracting(ModerationIT::code).isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.as("u1").moderation().block("u1")).extracting("field").isEqualTo("blocked_user_id");
        app.as("u1").moderation().unblock("u2");
        assertThat(app.as("u1").messages().list(dm, MessagePage.latest(10))).hasSize(1);
        AppHandle other = fx.newApp(2);
        assertThatThrownBy(() -> other.as("u1").moderation().block("u2-of-nowhere")).extracting(ModerationIT::code).isEqualTo(ErrorCode.USER_NOT_FOUND);
    }

    @Test
    void frozenChannelsRefuseMembersButNotModerators() {
        Message m = app.as("u1").messages().send(cid, NewMessage.text("before"));
        assertThatThrownBy(() -> app.as("u2").channels().freeze(cid, true)).extracting(ModerationIT::code).isEqualTo(ErrorCode.FORBIDDEN);
        app.as("mod").channels().freeze(cid, true);
        assertThatThrownBy(() -> app.as("u2").messages().send(cid, NewMessage.text("x"))).extracting(ModerationIT::code).isEqualTo(ErrorCode.CHANNEL_FROZEN);
        assertThatThrownBy(() -> app.as("u3").reactions().react(m.id(), "like", 1, Map.of(), false, null))
                .extracting(ModerationIT::code).isEqualTo(ErrorCode.CHANNEL_FROZEN);
        assertThat(app.as("mod").messages().send(cid, NewMessage.text("moderators may")).text()).isEqualTo("moderators may");
        fx.awaitRelayed();
        assertThat(fx.events(app, e -> e.type().equals("channel.frozen"))).hasSize(1);
    }

    @Test
    void slowModeLetsOneMessagePerCooldownThroughEvenWhenConcurrent() throws Exception {
        assertThatThrownBy(() -> app.as("u2").moderation().setSlowMode(cid, 10)).satisfies(e -> assertThat(e.getMessage()).contains("update-channel"))
                .extracting(ModerationIT::code).isEqualTo(ErrorCode.FORBIDDEN);
        assertThatThrownBy(() -> app.as("mod").moderation().setSlowMode(cid, 121)).extracting("field").isEqualTo("cooldown");
        app.as("mod").moderation().setSlowMode(cid, 60);
        app.as("u3").messages().send(cid, NewMessage.text("first"));
        assertThatThrownBy(() -> app.as("u3").messages().send(cid, NewMessage.text("too soon")))
                .isInstanceOf(SlowModeException.class)
                .satisfies(e -> assertThat(((SlowModeException) e).retryAfterSeconds()).isBetween(1, 60))
                .hasMessageContaining("wait");
        assertThat(app.as("mod").messages().send(cid, NewMessage.text("moderators skip it")).text()).isNotEmpty();
        assertThat(app.as("mod").messages().send(cid, NewMessage.text("twice in a row")).text()).isNotEmpty();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int n = i;
            Callable<Boolean> send = () -> {
                go.await();
                try {
                    app.as("u2").messages().send(cid, NewMessage.text("burst " + n));
                    return true;
                } catch (SlowModeException e) {
                    return false;
                }
            };
            attempts.add(pool.submit(send));
        }
        go.countDown();
        int passed = 0;
        for (Future<Boolean> f : attempts) {
            passed += f.get() ? 1 : 0;
        }
        pool.shutdown();
        assertThat(passed).isEqualTo(1);
        sql("update channel_cooldown set last_sent_at = last_sent_at - interval '61 seconds'");
        assertThat(app.as("u2").messages().send(cid, NewMessage.text("after the window")).text()).isEqualTo("after the window");
        app.as("mod").moderation().setSlowMode(cid, 0);
        app.as("u2").messages().send(cid, NewMessage.text("off again"));
        app.as("u2").messages().send(cid, NewMessage.text("and again"));
    }

    private void sql(String statement) throws Exception {
        try (Connection c = fx.dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
