package io.chatsdk.engine.channels;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.spi.InProcessEventBus;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.testing.EngineTest;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A channel's members as the hub asks for them ({@link Channels#memberIdsExceptBlockersOf}), which a node remembers
 * while the channel's {@code member_version} stays the same: every way the members change, on this node, on another
 * node sharing the database or by hand in the database, shows in the next answer; and a channel with more members
 * than a node remembers is answered alike by the database.
 */
class MemberListsIT extends EngineTest {

    /** Another node on the same database: no migration, relay or maintenance of its own, its own (silent) event bus. */
    private static ChatEngine otherNode(UnaryOperator<ChatEngine.Builder> more) {
        return more.apply(ChatEngine.builder().dataSource(fx.dataSource).keyProvider(KeyProvider.aesGcm(fx.masterKey))
                .migrate(false).outboxRelay(false).maintenance(false).eventBus(new InProcessEventBus())).build();
    }

    private static List<String> audience(AppHandle app, Cid cid, String author, Set<String> among, int limit) {
        return app.channels().memberIdsExceptBlockersOf(cid, Set.of(author), among, limit);
    }

    /** The channel's number (the tests' channel ids are unique across apps). */
    private static long memberVersion(Cid cid) {
        return fx.count("select member_version from channel where type = '" + cid.type() + "' and id = '" + cid.id() + "'");
    }

    @Test
    void everyChangeToTheMembersShowsInTheNextAnswerWhereverItWasMade() {
        AppHandle app = fx.newApp(6);
        Cid cid = app.channels().getOrCreate("messaging", "lists-1", ChannelInput.withMembers("u1", List.of("u2", "u3"))).channel().cid();
        try (ChatEngine other = otherNode(b -> b)) {
            AppHandle there = other.app(app.id());
            assertThat(audience(app, cid, "u1", null, 100)).containsExactly("u1", "u2", "u3");
            assertThat(audience(app, cid, "u1", null, 100)).as("remembered, the same").containsExactly("u1", "u2", "u3");

            // added and removed on the other node: nothing tells this one, the channel's number does
            there.channels().addMembers(cid, List.of("u4", "u5"));
            assertThat(audience(app, cid, "u1", null, 100)).containsExactly("u1", "u2", "u3", "u4", "u5");
            there.channels().removeMembers(cid, List.of("u2"));
            assertThat(audience(app, cid, "u1", null, 100)).containsExactly("u1", "u3", "u4", "u5");

            // blocks are read for every answer: u3 blocking the author leaves out u3, and only for that author
            there.as("u3").moderation().block("u1");
            assertThat(audience(app, cid, "u1", null, 100)).containsExactly("u1", "u4", "u5");
            assertThat(audience(app, cid, "u4", null, 100)).containsExactly("u1", "u3", "u4", "u5");

            // by hand in the database: a member row deleted, one inserted
            fx.execute("delete from channel_member where channel_pk = (select pk from channel where app_id = ? and id = 'lists-1') and user_id = 'u4'",
                    app.id().value());
            assertThat(audience(app, cid, "u4", null, 100)).containsExactly("u1", "u3", "u5");
            fx.execute("insert into channel_member (app_id, channel_pk, user_id, role, created_at, updated_at) "
                    + "select app_id, pk, 'u6', 'member', now(), now() from channel where app_id = ? and id = 'lists-1'", app.id().value());
            assertThat(audience(app, cid, "u4", null, 100)).containsExactly("u1", "u3", "u5", "u6");

            there.channels().removeMembers(cid, List.of("u5"));
            assertThat(audience(app, cid, "u4", null, 100)).containsExactly("u1", "u3", "u6");
            // a data subject's erasure takes their memberships
            there.compliance().dataSubjects().erase("u6", io.chatsdk.engine.compliance.DataSubjects.ErasureMode.DELETE, "officer");
            assertThat(audience(app, cid, "u4", null, 100)).containsExactly("u1", "u3");
            assertThat(fx.count("select member_count from channel where id = 'lists-1'")).as("the hand edits above cancel out").isEqualTo(2);
            there.channels().addMembers(cid, List.of("u5", "u4"));

            // among whom (a set or a list), and how many, as before; several authors
            assertThat(audience(app, cid, "u4", Set.of("u3", "u5", "u9"), 100)).containsExactly("u3", "u5");
            assertThat(app.channels().memberIdsExceptBlockersOf(cid, List.of("u4"), List.of("u5", "u9", "u3"), 100)).containsExactly("u3", "u5");
            assertThat(audience(app, cid, "u4", null, 2)).containsExactly("u1", "u3");
            assertThat(audience(app, cid, "u4", Set.of(), 100)).isEmpty();
            assertThat(app.channels().memberIdsExceptBlockersOf(cid, List.of("u4", "u1"), null, 100)).containsExactly("u1", "u4", "u5");

            // a deleted channel, one that never was, and the same channel made again with other members
            there.channels().delete(cid);
            assertThat(audience(app, cid, "u4", null, 100)).isEmpty();
            assertThat(audience(app, Cid.parse("messaging:never"), "u4", null, 100)).isEmpty();
            there.channels().getOrCreate("messaging", "lists-1", ChannelInput.withMembers("u2", List.of("u5")));
            assertThat(audience(app, cid, "u4", null, 100)).containsExactly("u2", "u5");
        }
    }

    @Test
    void theChannelsNumberChangesWithEveryStatementThatAddsOrRemovesMembersAndForNothingElse() {
        AppHandle app = fx.newApp(5);
        Cid cid = app.channels().getOrCreate("messaging", "lists-2", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        long v = memberVersion(cid);
        app.channels().addMembers(cid, List.of("u3"));
        assertThat(memberVersion(cid)).isGreaterThan(v);
        v = memberVersion(cid);
        app.channels().addMembers(cid, List.of("u3"));
        assertThat(memberVersion(cid)).as("a member already there").isEqualTo(v);
        // a member's other columns change often and leave it alone
        app.channels().setMemberRole(cid, "u2", "moderator");
        app.as("u2").channels().hide(cid, null);
        app.as("u1").messages().send(cid, io.chatsdk.engine.model.NewMessage.text("hello"));
        app.as("u3").reads().markRead(cid, null, null);
        assertThat(memberVersion(cid)).isEqualTo(v);
        // several rows in one statement: one number drawn
        long drawn = fx.count("select last_value from channel_member_version_seq");
        fx.execute("insert into channel_member (app_id, channel_pk, user_id, role, created_at, updated_at) "
                + "select c.app_id, c.pk, u.id, 'member', now(), now() from channel c, (values ('u4'), ('u5')) as u (id) where c.app_id = ? and c.id = 'lists-2'",
                app.id().value());
        assertThat(memberVersion(cid)).isEqualTo(drawn + 1);
        fx.execute("delete from channel_member where channel_pk = (select pk from channel where app_id = ? and id = 'lists-2') and user_id in ('u4', 'u5')",
                app.id().value());
        assertThat(memberVersion(cid)).isEqualTo(drawn + 2);
        // should anything move a member row to another user, the number changes too
        fx.execute("update channel_member set user_id = 'u4' where channel_pk = (select pk from channel where app_id = ? and id = 'lists-2') "
                + "and user_id = 'u3'", app.id().value());
        assertThat(memberVersion(cid)).isEqualTo(drawn + 3);
        // a channel made again under the same key starts from a number it never showed
        app.channels().delete(cid);
        app.channels().getOrCreate("messaging", "lists-2", ChannelInput.withMembers("u1", List.of()));
        assertThat(memberVersion(cid)).isGreaterThan(drawn + 3);
    }

    @Test
    void aNodeAnswersFromTheListItKeptUntilTheNumberChanges() throws Exception {
        AppHandle app = fx.newApp(4);
        Cid cid = app.channels().getOrCreate("messaging", "lists-5", ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
        try (ChatEngine keepsNone = otherNode(b -> b.memberListLimit(0))) {
            assertThat(audience(app, cid, "u1", null, 100)).containsExactly("u1", "u2");
            // a member row written with the triggers off (what a replica's apply does): the number stays, so the node
            // that keeps lists still answers with the list it read, which shows that it does keep it; one that keeps
            // none reads the row
            try (var c = fx.dataSource.getConnection(); var st = c.createStatement()) {
                c.setAutoCommit(false);   // set local: the setting ends with the transaction, whatever happens
                st.execute("set local session_replication_role = replica");
                st.executeUpdate("insert into channel_member (app_id, channel_pk, user_id, role, created_at, updated_at) "
                        + "select app_id, pk, 'u3', 'member', now(), now() from channel where app_id = '" + app.id().value() + "' and id = 'lists-5'");
                c.commit();
            }
            assertThat(audience(app, cid, "u1", null, 100)).containsExactly("u1", "u2");
            assertThat(audience(keepsNone.app(app.id()), cid, "u1", null, 100)).containsExactly("u1", "u2", "u3");
            // the next change the triggers see brings the whole list back
            app.channels().addMembers(cid, List.of("u4"));
            assertThat(audience(app, cid, "u1", null, 100)).containsExactly("u1", "u2", "u3", "u4");
        }
    }

    @Test
    void concurrentChangesToOneChannelsMembersNeitherDeadlockNorGoUnseen() throws Exception {
        AppHandle app = fx.newApp(6);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                Cid cid = app.channels().getOrCreate("messaging", "lists-6-" + round, ChannelInput.withMembers("u1", List.of("u2"))).channel().cid();
                assertThat(audience(app, cid, "u1", null, 100)).containsExactly("u1", "u2");
                CyclicBarrier start = new CyclicBarrier(4);
                List<Future<?>> done = new ArrayList<>();
                // two adds that overlap on u4, and a removal of u2 while u2 sends: each statement's trigger writes the
                // channel's row, which the send also writes (before the sender's member row)
                done.add(pool.submit(() -> {
                    start.await();
                    return app.channels().addMembers(cid, List.of("u3", "u4", "u5"));
                }));
                done.add(pool.submit(() -> {
                    start.await();
                    return app.channels().addMembers(cid, List.of("u4", "u6"));
                }));
                done.add(pool.submit(() -> {
                    start.await();
                    app.channels().removeMembers(cid, List.of("u2"));
                    return null;
                }));
                done.add(pool.submit(() -> {
                    start.await();
                    try {
                        app.as("u2").messages().send(cid, io.chatsdk.engine.model.NewMessage.text("hi"));
                    } catch (ChatException e) {
                        if (e.code() == ErrorCode.CONFLICT) {
                            throw e;   // a deadlock comes back as a conflict; refused because already removed is fine
                        }
                    }
                    return null;
                }));
                for (Future<?> f : done) {
                    f.get(30, TimeUnit.SECONDS);
                }
                assertThat(audience(app, cid, "u1", null, 100)).as("round " + round).containsExactly("u1", "u3", "u4", "u5", "u6");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aChannelWithMoreMembersThanANodeKeepsIsAnsweredAlikeByTheDatabase() {
        AppHandle app = fx.newApp(0);
        List<UserInput> users = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            users.add(UserInput.of(String.format("m%02d", i)));
        }
        app.users().upsertAll(users);
        List<String> ids = users.stream().map(UserInput::id).toList();
        Cid cid = app.channels().getOrCreate("messaging", "lists-3", ChannelInput.withMembers("m01", ids)).channel().cid();
        app.as("m03").moderation().block("m01");
        try (ChatEngine keepsFew = otherNode(b -> b.memberListLimit(5)); ChatEngine keepsNone = otherNode(b -> b.memberListLimit(0))) {
            for (ChatEngine node : List.of(keepsFew, keepsNone)) {
                AppHandle there = node.app(app.id());
                for (int round = 0; round < 2; round++) {   // the second round finds the channel known to be too large
                    assertThat(audience(there, cid, "m01", null, 100)).isEqualTo(audience(app, cid, "m01", null, 100))
                            .hasSize(11).doesNotContain("m03");
                    assertThat(audience(there, cid, "m01", Set.of("m02", "m03", "m12", "x"), 100)).containsExactly("m02", "m12");
                    assertThat(audience(there, cid, "m01", null, 3)).containsExactly("m01", "m02", "m04");
                }
                there.channels().removeMembers(cid, List.of("m12"));
                assertThat(audience(there, cid, "m01", null, 100)).hasSize(10).doesNotContain("m12");
                app.channels().addMembers(cid, List.of("m12"));
            }
            // a member count that says too few (it is kept by the engine's writers, not by the database): the list read
            // to keep shows one more than the node keeps, and the node answers from the database all the same
            fx.execute("update channel set member_count = 1 where app_id = ? and id = 'lists-3'", app.id().value());
            app.channels().removeMembers(cid, List.of("m11"));   // a new number: read again
            assertThat(audience(keepsFew.app(app.id()), cid, "m01", null, 100)).isEqualTo(audience(app, cid, "m01", null, 100))
                    .hasSize(10).doesNotContain("m03", "m11");
            // a channel small enough is kept by the node that keeps five
            Cid small = app.channels().getOrCreate("messaging", "lists-4", ChannelInput.withMembers("m01", ids.subList(0, 4))).channel().cid();
            assertThat(audience(keepsFew.app(app.id()), small, "m01", null, 100)).containsExactly("m01", "m02", "m04");
        }
    }

    @Test
    void theLimitIsChecked() {
        assertThatThrownBy(() -> ChatEngine.builder().memberListLimit(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memberListLimit");
        assertThatThrownBy(() -> ChatEngine.builder().memberListLimit(100_001)).isInstanceOf(IllegalArgumentException.class);
    }
}
