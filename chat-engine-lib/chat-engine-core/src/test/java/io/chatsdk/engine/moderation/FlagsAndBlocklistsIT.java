package io.chatsdk.engine.moderation;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.audit.AuditQuery;
import io.chatsdk.engine.blocklist.Blocklist;
import io.chatsdk.engine.blocklist.BlocklistBehavior;
import io.chatsdk.engine.model.ChannelInput;
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

/** Flags and their review, and blocklists on the send path. */
class FlagsAndBlocklistsIT extends EngineTest {
    AppHandle app;
    Cid cid;

    @BeforeEach
    void setUp() {
        app = fx.newApp(3);
        app.users().upsertAll(List.of(new UserInput("mod", null, null, "moderator", null), new UserInput("visitor", null, null, "guest", null)));
        cid = app.channels().getOrCreate("messaging", "room", ChannelInput.withMembers("u1", List.of("u2", "u3", "mod"))).channel().cid();
        app.channels().setMemberRole(cid, "mod", "moderator");
    }

    private static ErrorCode code(Throwable t) {
        return ((ChatException) t).code();
    }

    @Test
    void usersFlagModeratorsReviewAndEveryReviewIsAudited() {
        Message rude = app.as("u3").messages().send(cid, NewMessage.text("rude words"));
        Flags.Flag first = app.as("u1").flags().flagMessage(rude.id(), "offensive", null);
        Flags.Flag again = app.as("u1").flags().flagMessage(rude.id(), "offensive again", null);
        assertThat(again.id()).as("one flag per flagger and target").isEqualTo(first.id());
        app.as("u2").flags().flagMessage(rude.id(), "spam", null);
        assertThatThrownBy(() -> app.as("u3").flags().flagMessage(rude.id(), null, null)).extracting("field").isEqualTo("message_id");
        assertThatThrownBy(() -> app.as("visitor").flags().flagUser("u3", "x", null)).extracting(FlagsAndBlocklistsIT::code).isEqualTo(ErrorCode.FORBIDDEN);
        app.as("u1").flags().flagUser("u3", "harassment", null);
        fx.awaitRelayed();
        assertThat(fx.events(app, e -> e.type().equals("message.flagged"))).isNotEmpty()
                .allSatisfy(e -> assertThat(e.payload().get("recipient_ids")).as("the channel's moderators and owner").isEqualTo(List.of("mod", "u1")));

        assertThatThrownBy(() -> app.as("u1").flags().query(false, null, 10, 0))
                .satisfies(e -> assertThat(e.getMessage()).contains("review-flags")).extracting(FlagsAndBlocklistsIT::code).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(app.as("mod").flags().query(false, "message", 10, 0)).hasSize(2);
        Flags.Flag reviewed = app.as("mod").flags().review(first.id(), Flags.Review.SHADOW_MESSAGE, "hidden");
        assertThat(reviewed.reviewAction()).isEqualTo("shadow_message");
        assertThat(app.as("mod").flags().query(false, "message", 10, 0)).as("the review settled both flags on the message").isEmpty();
        assertThat(app.as("u1").messages().list(cid, MessagePage.latest(10))).extracting(Message::id).doesNotContain(rude.id());
        assertThat(app.as("u3").messages().get(rude.id()).text()).isEqualTo("rude words");
        assertThatThrownBy(() -> app.as("mod").flags().review(first.id(), Flags.Review.DISMISS, null)).extracting(FlagsAndBlocklistsIT::code)
                .isEqualTo(ErrorCode.CONFLICT);

        Flags.Flag userFlag = app.as("mod").flags().query(false, "user", 10, 0).get(0);
        assertThatThrownBy(() -> app.as("mod").flags().review(userFlag.id(), Flags.Review.DELETE_MESSAGE, null)).extracting("field").isEqualTo("action");
        app.as("mod").flags().review(userFlag.id(), Flags.Review.BAN_USER, "repeat offender");
        assertThatThrownBy(() -> app.as("u3").messages().send(cid, NewMessage.text("x"))).extracting(FlagsAndBlocklistsIT::code).isEqualTo(ErrorCode.USER_BANNED);
        assertThat(fx.engine.audit().query(new AuditQuery(app.id(), "mod", "flag.review", null, null, null, null, 0, 10)))
                .extracting(r -> r.details().get("review")).containsExactly("shadow_message", "ban_user");
    }

    @Test
    void aDeleteReviewDeletesTheMessage() {
        Message m = app.as("u2").messages().send(cid, NewMessage.text("delete me"));
        Flags.Flag f = app.as("u1").flags().flagMessage(m.id(), "spam", null);
        app.as("mod").flags().review(f.id(), Flags.Review.DELETE_MESSAGE, null);
        assertThat(app.as("u1").messages().get(m.id()).deletedAt()).isNotNull();
        AppHandle other = fx.newApp(1);
        assertThatThrownBy(() -> other.flags().review(f.id(), Flags.Review.DISMISS, null)).extracting(FlagsAndBlocklistsIT::code).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void blocklistsBlockShadowOrFlagWhateverTheDisguise() {
        assertThatThrownBy(() -> app.as("u1").blocklists().put(new Blocklist("words", BlocklistBehavior.BLOCK, List.of("bad"), List.of()), List.of("messaging")))
                .extracting(FlagsAndBlocklistsIT::code).isEqualTo(ErrorCode.FORBIDDEN);
        app.blocklists().put(new Blocklist("words", BlocklistBehavior.BLOCK, List.of("badword"), List.of()), List.of("messaging"));
        app.blocklists().put(new Blocklist("quiet", BlocklistBehavior.SHADOW, List.of("scam link"), List.of()), List.of("messaging"));
        app.blocklists().put(new Blocklist("watch", BlocklistBehavior.FLAG, List.of(), List.of("free\\s+money")), List.of("messaging"));
        for (String disguise : List.of("badword", "ＢＡＤＷＯＲＤ", "b\u200Badword", "ba\u0301dword", "B A D W O R D", "this is a BadWord!")) {
            assertThatThrownBy(() -> app.as("u1").messages().send(cid, NewMessage.text(disguise)))
                    .as(disguise).extracting(FlagsAndBlocklistsIT::code).isEqualTo(ErrorCode.BLOCKLISTED);
        }
        assertThat(app.as("u1").messages().send(cid, NewMessage.text("badwords are not the word")).shadowed()).isFalse();
        Message shadowed = app.as("u1").messages().send(cid, NewMessage.text("click this SCAM   link"));
        assertThat(shadowed.shadowed()).isTrue();
        assertThat(app.as("u2").messages().list(cid, MessagePage.latest(10))).extracting(Message::id).doesNotContain(shadowed.id());
        Message flagged = app.as("u1").messages().send(cid, NewMessage.text("get FREE money now"));
        assertThat(app.as("mod").flags().query(false, "message", 10, 0)).singleElement()
                .satisfies(f -> assertThat(f.messageId()).isEqualTo(flagged.id()))
                .satisfies(f -> assertThat(f.flaggedBy()).isEqualTo(Flags.BLOCKLIST_FLAGGER));
        Message harmless = app.as("u2").messages().send(cid, NewMessage.text("harmless"));
        assertThatThrownBy(() -> app.as("u2").messages().partialUpdate(harmless.id(), Map.of("text", "now a BADWORD"), List.of()))
                .as("an edit may not carry what a send could not").extracting(FlagsAndBlocklistsIT::code).isEqualTo(ErrorCode.BLOCKLISTED);
        app.as("u2").messages().partialUpdate(harmless.id(), Map.of("text", "a scam link after all"), List.of());
        assertThat(app.as("u1").messages().list(cid, MessagePage.latest(20))).extracting(Message::id).doesNotContain(harmless.id());
        Cid team = app.channels().getOrCreate("team", "t", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        assertThat(app.as("u1").messages().send(team, NewMessage.text("badword")).text()).as("lists apply to their channel types only").isEqualTo("badword");
        assertThat(app.blocklists().list()).extracting(e -> e.list().name()).containsExactly("quiet", "watch", "words");
        app.blocklists().delete("words");
        assertThat(app.as("u1").messages().send(cid, NewMessage.text("badword")).text()).isEqualTo("badword");
    }

    @Test
    void hostileListsAndMessagesAreRefusedOrStayCheap() {
        assertThatThrownBy(() -> Blocklists.parse(Map.of("name", "x", "behavior", "block", "patterns", List.of("(a"))))
                .extracting("field").isEqualTo("patterns[0]");
        assertThatThrownBy(() -> Blocklists.parse(Map.of("name", "x", "behavior", "nuke"))).extracting("field").isEqualTo("behavior");
        assertThatThrownBy(() -> app.blocklists().put(new Blocklist("x", BlocklistBehavior.FLAG, List.of("y"), List.of()), List.of("nosuchtype")))
                .extracting(FlagsAndBlocklistsIT::code).isEqualTo(ErrorCode.CHANNEL_TYPE_NOT_FOUND);
        // a pathological pattern and a maximal message: RE2J matches in linear time, so the send simply completes
        app.blocklists().put(new Blocklist("evil", BlocklistBehavior.BLOCK, List.of(), List.of("(x+x+)+y", "(a|aa)+$")), List.of("messaging"));
        String longText = "x".repeat(4999) + "!";
        assertThat(app.as("u1").messages().send(cid, NewMessage.text(longText)).text()).hasSize(5000);
    }
}
