package io.chatsdk.engine;

import io.chatsdk.engine.model.AppCredentials;
import io.chatsdk.engine.model.ChannelInput;
import io.chatsdk.engine.model.Message;
import io.chatsdk.engine.model.MessagePage;
import io.chatsdk.engine.model.NewMessage;
import io.chatsdk.engine.model.UnreadCounts;
import io.chatsdk.engine.model.UserInput;
import io.chatsdk.engine.spi.ChatEvent;
import io.chatsdk.engine.spi.KeyProvider;
import io.chatsdk.engine.testing.TestDatabase;
import io.chatsdk.engine.types.Cid;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The example of docs/embedding.md, run as written (keep the two in step). */
class EmbeddingExampleIT {

    @Test
    void theDocumentedExampleRuns() throws Exception {
        try (HikariDataSource dataSource = TestDatabase.freshDatabase()) {
            byte[] masterKey = new byte[32];
            new SecureRandom().nextBytes(masterKey);

            // --- docs/embedding.md: begin ---
            try (ChatEngine engine = ChatEngine.builder()
                    .dataSource(dataSource)                     // your pooled PostgreSQL DataSource
                    .keyProvider(KeyProvider.aesGcm(masterKey)) // 32 bytes from your secret store
                    .build()) {                                 // applies the schema migrations
                List<ChatEvent> events = new CopyOnWriteArrayList<>();
                engine.eventBus().subscribe(events::add);       // committed events only

                AppCredentials acme = engine.apps().create("Acme Support");
                AppHandle app = engine.app(acme.appId());       // server side: trusted, no permission checks

                app.users().upsertAll(List.of(UserInput.of("alice").withName("Alice"), UserInput.of("bob").withName("Bob")));
                Cid cid = app.channels()
                        .getOrCreate("messaging", "support-42", ChannelInput.withMembers("alice", List.of("bob")).withName("Ticket 42"))
                        .channel().cid();

                AppHandle bob = app.as("bob");                  // acting as a user: every call is permission-checked
                Message hello = bob.messages().send(cid, NewMessage.text("Hi Alice, my card was charged twice").withId("bob-device-1-0001"));
                Message resend = bob.messages().send(cid, NewMessage.text("Hi Alice, my card was charged twice").withId("bob-device-1-0001"));

                UnreadCounts unread = app.as("alice").reads().unreadCounts(null);
                List<Message> history = app.as("alice").messages().list(cid, MessagePage.afterSeq(0, 50));
                // --- docs/embedding.md: end ---

                assertThat(resend.seq()).isEqualTo(hello.seq()).isEqualTo(1);
                assertThat(unread.totalUnreadCount()).isEqualTo(1);
                assertThat(history).extracting(Message::id).containsExactly("bob-device-1-0001");
                await().atMost(10, TimeUnit.SECONDS).until(() -> events.stream().anyMatch(e -> e.type().equals("message.new")));
            }
        }
    }
}
