package io.chatsdk.engine.delivery;

import io.chatsdk.engine.AppHandle;
import io.chatsdk.engine.ChatEngine;
import io.chatsdk.engine.model.AppCredentials;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.spi.InMemoryPresenceRegistry;
import io.chatsdk.engine.spi.InProcessJobQueue;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.spi.PushGateway;
import io.chatsdk.engine.spi.PushMessage;
import io.chatsdk.engine.spi.PushResult;
import io.chatsdk.engine.testing.TestDatabase;
import io.chatsdk.engine.types.Cid;
import io.chatsdk.engine.types.ErrorCode;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The push trigger on embedded PostgreSQL. The provider side is this test's own {@link PushGateway} that records what
 * it is asked to send (the FCM adapter itself is tested against a local FCM stand-in in {@code connectors/fcm}).
 */
class PushIT {
    static HikariDataSource ds;
    static ChatEngine engine;
    static final InMemoryPresenceRegistry presence = new InMemoryPresenceRegistry();
    static final List<PushMessage> sent = new CopyOnWriteArrayList<>();

    static final java.util.Set<String> thrownOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Tokens starting with "dead" are unregistered at the provider; "flaky" ones make the first send throw. */
    static final java.util.concurrent.atomic.AtomicBoolean slowFirst = new java.util.concurrent.atomic.AtomicBoolean();

    static final PushGateway gateway = message -> {
        if (message.deviceToken().startsWith("slow") && slowFirst.compareAndSet(true, false)) {
            try {
                Thread.sleep(700);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (message.deviceToken().startsWith("flaky") && thrownOnce.add(message.deviceToken())) {
            throw new IllegalStateException("FCM gateway closed");   // as when its credentials file was replaced meanwhile
        }
        sent.add(message);
        return message.deviceToken().startsWith("dead") ? new PushResult.InvalidToken("UNREGISTERED") : new PushResult.Delivered("m-" + sent.size());
    };

    @BeforeAll
    static void start() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        ds = TestDatabase.freshDatabase();
        engine = ChatEngine.builder().dataSource(ds).keyProvider(KeyProvider.aesGcm(key)).relayPollInterval(Duration.ofMillis(100))
                .jobQueue(gated(new InProcessJobQueue())).presence(presence).pushGateways(app -> gateway).build();
    }

    /** While set, push jobs wait for this latch before they run (as if the queue were slow). */
    static volatile java.util.concurrent.CountDownLatch gate;

    static io.chatsdk.engine.spi.JobQueue gated(io.chatsdk.engine.spi.JobQueue q) {
        return new io.chatsdk.engine.spi.ForwardingJobQueue(q) {
            @Override
            protected io.chatsdk.engine.spi.JobHandler wrap(String kind, io.chatsdk.engine.spi.JobHandler handler) {
                return (job, attempt) -> {
                    java.util.concurrent.CountDownLatch g = gate;
                    if (g != null) {
                        g.await();
                    }
                    handler.handle(job, attempt);
                };
            }
        };
    }

    @AfterAll
    static void stop() {
        engine.close();
        ds.close();
    }

    @Test
    void offlineMembersGetOneNotificationPerWindowAndInvalidTokensAreRemoved() {
        AppCredentials creds = engine.apps().create("push");
        AppHandle app = engine.app(creds.appId());
        app.users().upsertAll(List.of(UserInput.of("sender"), UserInput.of("offline"), UserInput.of("online"), UserInput.of("muter"),
                UserInput.of("nodevice"), UserInput.of("usermuter")));
        Cid cid = app.channels().getOrCreate("messaging", "general", ChannelInput.withMembers("sender", List.of("offline", "online", "muter", "nodevice", "usermuter"))
                .withName("general")).channel().cid();
        app.as("offline").devices().add("tok-offline", "firebase", null);
        app.as("offline").devices().add("dead-token", "firebase", null);
        app.as("online").devices().add("tok-online", "firebase", null);
        app.as("muter").devices().add("tok-muter", "firebase", null);
        app.as("sender").devices().add("tok-sender", "firebase", null);
        app.as("muter").moderation().muteChannel(cid, null);
        app.as("usermuter").devices().add("tok-usermuter", "firebase", null);
        app.as("usermuter").moderation().muteUser("sender", null);
        presence.connected(app.id(), "online", "c1");
        sent.clear();

        app.as("sender").messages().send(cid, NewMessage.text("hello everyone, this is the first message"));
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 2);
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 2);
        assertThat(sent).extracting(PushMessage::deviceToken).containsExactlyInAnyOrder("tok-offline", "dead-token");
        PushMessage first = sent.get(0);
        assertThat(first.title()).isEqualTo("#general");
        assertThat(first.body()).isEqualTo("sender: hello everyone, this is the first message");
        assertThat(first.data()).containsEntry("cid", cid.toString()).containsKey("message_id");
        assertThat(first.collapseKey()).isEqualTo(cid.toString());
        await().atMost(Duration.ofSeconds(5)).until(() -> app.as("offline").devices().list(null).size() == 1);

        // within the collapse window: nothing more; silent messages never
        app.as("sender").messages().send(cid, NewMessage.text("second"));
        app.as("sender").messages().send(cid, NewMessage.text("quiet").asSilent());
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 2);
    }

    @Test
    void hipaaModeSendsNoContentAndTheDigestCountsUnread() throws Exception {
        AppCredentials creds = engine.apps().create("hipaa push");
        AppHandle app = engine.app(creds.appId());
        app.users().upsertAll(List.of(UserInput.of("doc"), UserInput.of("patient")));
        Cid cid = app.channels().getOrCreate("messaging", "care", ChannelInput.withMembers("doc", List.of("patient"))).channel().cid();
        app.as("patient").devices().add("tok-patient", "firebase", null);
        assertThat(engine.app(app.id()).pushSettings()).isEqualTo(PushSettings.DEFAULTS);
        assertThatThrownBy(() -> new PushSettings(true, 3601)).extracting("field").isEqualTo("collapse_seconds");
        engine.app(app.id()).setPushSettings(new PushSettings(false, 0));
        assertThat(engine.app(app.id()).pushSettings()).isEqualTo(new PushSettings(false, 0));
        sent.clear();
        app.as("doc").messages().send(cid, NewMessage.text("your results: positive"));
        app.as("doc").messages().send(cid, NewMessage.text("call me"));
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 2);
        assertThat(sent).allSatisfy(m -> {
            assertThat(m.title()).isNull();
            assertThat(m.body()).isNull();
            assertThat(m.toString()).doesNotContain("positive");
            assertThat(m.data()).containsKeys("cid", "message_id");
        });
        engine.app(app.id()).setPushSettings(new PushSettings(true, 0));
        sent.clear();
        app.as("doc").messages().send(cid, NewMessage.text("third"));
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 1);
        assertThat(sent.get(0).body()).isEqualTo("3 new messages in care");
    }

    @Test
    void devicesBelongToTheirUsers() {
        AppHandle app = engine.app(engine.apps().create("devices").appId());
        app.users().upsertAll(List.of(UserInput.of("a"), UserInput.of("b")));
        app.as("a").devices().add("tok-a", "firebase", null);
        assertThat(app.as("b").devices().list(null)).isEmpty();
        assertThatThrownBy(() -> app.as("b").devices().remove("tok-a", null)).extracting("code").isEqualTo(ErrorCode.NOT_FOUND);
        assertThatThrownBy(() -> app.as("a").devices().add("tok", "apns", null)).extracting("field").isEqualTo("push_provider");
        assertThatThrownBy(() -> app.as("a").devices().add("bad token", "firebase", null)).extracting("field").isEqualTo("id");
        assertThatThrownBy(() -> app.devices().add("tok-x", "firebase", null)).extracting("field").isEqualTo("user_id");
        assertThat(app.devices().add("tok-x", "firebase", "b").userId()).isEqualTo("b");
        app.as("a").devices().remove("tok-a", null);
        assertThat(app.as("a").devices().list(null)).isEmpty();
        assertThat(Map.of()).isEmpty();
    }

    @Test
    void thePreviewIsCutAtOneHundredCodePointsNeverInsideASurrogatePair() {
        AppHandle app = engine.app(engine.apps().create("emoji push").appId());
        app.users().upsertAll(List.of(UserInput.of("a").withName("Ann"), UserInput.of("b")));
        Cid cid = app.channels().getOrCreate("messaging", "e", ChannelInput.withMembers("a", List.of("b"))).channel().cid();
        app.as("b").devices().add("tok-emoji", "firebase", null);
        sent.clear();
        app.as("a").messages().send(cid, NewMessage.text("x" + "😀".repeat(150)));
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 1);
        String body = sent.get(0).body();
        assertThat(body).startsWith("Ann: x").endsWith("😀…");
        String preview = body.substring("Ann: ".length(), body.length() - 1);
        assertThat(preview.codePointCount(0, preview.length())).isEqualTo(100);
        assertThat(preview.chars().filter(ch -> Character.isSurrogate((char) ch)).count() % 2).isZero();
    }

    @Test
    void aMessageOfAttachmentsAlonePreviewsAsWhatTheyAreNeverTheirLinks() {
        AppHandle app = engine.app(engine.apps().create("attachment push").appId());
        app.users().upsertAll(List.of(UserInput.of("a").withName("Ann"), UserInput.of("b")));
        app.as("b").devices().add("tok-att", "firebase", null);
        engine.app(app.id()).setPushSettings(new PushSettings(true, 0));
        List<String> bodies = new java.util.ArrayList<>();
        for (var a : List.of(io.chatsdk.engine.model.Attachment.image("https://cdn.example/secret-photo.png"),
                new io.chatsdk.engine.model.Attachment("voiceRecording", "https://cdn.example/v.ogg", "audio/ogg", 10L, null, null, 3.0, null, null),
                io.chatsdk.engine.model.Attachment.file("https://cdn.example/report.pdf", "application/pdf", 10, "report.pdf"))) {
            sent.clear();
            // a channel each, so that no notification counts the others' unread messages
            Cid cid = app.channels().getOrCreate("messaging", "att-" + bodies.size(), ChannelInput.withMembers("a", List.of("b"))).channel().cid();
            app.as("a").messages().send(cid, NewMessage.text("").withAttachments(List.of(a)));
            await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 1);
            bodies.add(sent.get(0).body());
        }
        assertThat(bodies).containsExactly("Ann: [image]", "Ann: [voice message]", "Ann: [file]");
    }

    @Test
    void aMessageDeletedBeforeItsPushRunsIsNotPushed() throws Exception {
        AppHandle app = engine.app(engine.apps().create("deleted push").appId());
        app.users().upsertAll(List.of(UserInput.of("a"), UserInput.of("b")));
        Cid cid = app.channels().getOrCreate("messaging", "d", ChannelInput.withMembers("a", List.of("b"))).channel().cid();
        app.as("b").devices().add("tok-deleted", "firebase", null);
        engine.app(app.id()).setPushSettings(new PushSettings(true, 0));
        sent.clear();
        gate = new java.util.concurrent.CountDownLatch(1);
        String kept;
        try {
            String gone = app.as("a").messages().send(cid, NewMessage.text("oops, wrong channel")).id();
            kept = app.as("a").messages().send(cid, NewMessage.text("the right one")).id();
            app.as("a").messages().delete(gone, false);
        } finally {
            java.util.concurrent.CountDownLatch g = gate;
            gate = null;
            g.countDown();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
        assertThat(sent.get(0).data()).containsEntry("message_id", kept);
        assertThat(sent.get(0).toString()).doesNotContain("oops");
    }

    @Test
    void aSendThatThrowsGivesTheCollapseWindowBackSoTheRetryNotifies() {
        AppHandle app = engine.app(engine.apps().create("flaky push").appId());
        app.users().upsertAll(List.of(UserInput.of("a"), UserInput.of("b")));
        Cid cid = app.channels().getOrCreate("messaging", "f", ChannelInput.withMembers("a", List.of("b"))).channel().cid();
        app.as("b").devices().add("flaky-" + app.id(), "firebase", null);
        assertThat(engine.app(app.id()).pushSettings().collapseSeconds()).isEqualTo(10);   // the retry (2 s) is inside the window
        sent.clear();
        app.as("a").messages().send(cid, NewMessage.text("hello"));
        await().atMost(Duration.ofSeconds(15)).until(() -> sent.size() == 1);
        assertThat(sent.get(0).deviceToken()).isEqualTo("flaky-" + app.id());
    }

    @Test
    void withoutACollapseWindowEveryMessageNotifiesEveryOfflineMemberAlsoWhenJobsRunInParallel() throws Exception {
        AppHandle app = engine.app(engine.apps().create("parallel push").appId());
        List<UserInput> users = new java.util.ArrayList<>();
        List<String> members = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            users.add(UserInput.of("m" + i));
            members.add("m" + i);
        }
        users.add(UserInput.of("s"));
        app.users().upsertAll(users);
        Cid cid = app.channels().getOrCreate("messaging", "p", ChannelInput.withMembers("s", members)).channel().cid();
        for (String m : members) {
            app.as(m).devices().add("slow-" + m + "-" + app.id(), "firebase", null);
        }
        engine.app(app.id()).setPushSettings(new PushSettings(true, 0));
        sent.clear();
        slowFirst.set(true);   // the first job's first send takes 700 ms: the second job (the queue's other thread) overtakes it
        gate = new java.util.concurrent.CountDownLatch(1);
        try {
            app.as("s").messages().send(cid, NewMessage.text("first"));
            app.as("s").messages().send(cid, NewMessage.text("second"));
        } finally {
            java.util.concurrent.CountDownLatch g = gate;
            gate = null;
            g.countDown();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> sent.size() >= 20);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 20);
    }
}
