package io.chatsdk.client

import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.onSubscription
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** The Kotlin SDK against the real appliance: connect, send, receive, refusals, the offline queue and sync. */
class ChatClientIT {
    private val app = TestAppliance.newApp()

    private fun channel(id: String, vararg members: String) {
        app.serverPost("/users", """{"users":{${members.joinToString(",") { "\"$it\":{}" }}}}""")
        app.serverPost("/channels/messaging/$id/query", """{"data":{"created_by_id":"${members[0]}","members":[${members.joinToString(",") { "\"$it\"" }}]}}""")
    }

    private fun client(store: LocalStore = InMemoryStore(), port: Int = TestAppliance.port) =
        ChatClient(ChatClient.Config("http://127.0.0.1:$port", app.apiKey), store)

    /** Starts collecting [client]'s events before returning, so that no event sent afterwards can be missed. */
    private suspend fun nextEvent(client: ChatClient, match: (ChatEvent) -> Boolean): kotlinx.coroutines.Deferred<ChatEvent> {
        val subscribed = CompletableDeferred<Unit>()
        val event = CoroutineScope(Dispatchers.IO).async {
            withTimeout(10_000) { client.events.onSubscription { subscribed.complete(Unit) }.first(match) }
        }
        subscribed.await()
        return event
    }

    @Test
    fun aMessageSentByOneUserReachesTheOtherOverTheWebSocket() = runBlocking<Unit> {
        channel("kt-hello", "alice", "bob")
        client().use { alice ->
            client().use { bob ->
                val me = bob.connectUser("bob", app.token("bob"))
                assertEquals("bob", me.id)
                alice.connectUser("alice", app.token("alice"))
                bob.channel("messaging", "kt-hello").watch()
                val arrives = nextEvent(bob) { it.type == "message.new" }
                val sent = alice.channel("messaging", "kt-hello").sendMessage("hello from Kotlin")
                val event = arrives.await()
                assertEquals(sent.id, event.message?.id)
                assertEquals("hello from Kotlin", event.message?.text)
                assertEquals("alice", event.message?.userId)
                val seen = withTimeout(5_000) { bob.channel("messaging", "kt-hello").messages.first { list -> list.any { it.id == sent.id } } }
                assertEquals(sent.seq, seen.last().seq)
                assertEquals(ConnectionState.ONLINE, bob.connectionState.value)
            }
        }
    }

    @Test
    fun aForgedTokenIsRefusedWithItsCode() = runBlocking<Unit> {
        channel("kt-forged", "mallory")
        client().use { c ->
            val e = assertFailsWith<ChatException> { c.connectUser("mallory", app.token("mallory", secret = "not-the-app-secret-but-long-enough-0123")) }
            assertEquals(401, e.status)
            assertEquals("token_signature_invalid", e.code)
            assertEquals(ConnectionState.CLOSED, c.connectionState.value)
        }
    }

    @Test
    fun anotherAppsTokenDoesNotOpenThisApp() = runBlocking<Unit> {
        channel("kt-tenant", "ivan")
        val other = TestAppliance.newApp()
        client().use { c ->
            val e = assertFailsWith<ChatException> { c.connectUser("ivan", other.token("ivan")) }
            assertEquals(401, e.status)
            assertEquals("token_signature_invalid", e.code)
        }
    }

    @Test
    fun aSessionWhoseTokensAreRevokedEndsAndKeepsItsQueue() = runBlocking<Unit> {
        channel("kt-revoked", "olga")
        client().use { olga ->
            olga.connectUser("olga", app.token("olga"))
            val refused = nextEvent(olga) { it.type == "connection.refused" }
            app.revokeTokens()
            val event = refused.await() // the server re-checks live connections every 5 s
            assertEquals("token_revoked", event.raw["code"]?.toString()?.trim('"'))
            assertEquals(ConnectionState.CLOSED, olga.connectionState.value)
        }
    }

    @Test
    fun aRefusedSendThrowsAndLeavesNothingQueued() = runBlocking<Unit> {
        channel("kt-private", "carol")
        app.serverPost("/users", """{"users":{"dave":{}}}""")
        client().use { dave ->
            dave.connectUser("dave", app.token("dave"))
            val e = assertFailsWith<ChatException> { dave.channel("messaging", "kt-private").sendMessage("let me in") }
            assertEquals(403, e.status)
            assertTrue(dave.pendingSends.value.isEmpty(), "a refused send must not stay queued")
        }
    }

    @Test
    fun hostileTextIsRefusedWithACodeAndNotQueued() = runBlocking<Unit> {
        channel("kt-hostile", "judy")
        client().use { judy ->
            judy.connectUser("judy", app.token("judy"))
            val ch = judy.channel("messaging", "kt-hostile")
            val tooLong = assertFailsWith<ChatException> { ch.sendMessage("x".repeat(6_000)) }
            assertEquals(400, tooLong.status)
            assertEquals("validation_error", tooLong.code)
            val lone = assertFailsWith<ChatException> { ch.sendMessage("broken \uD800 surrogate") }
            assertEquals(400, lone.status)
            assertEquals("validation_error", lone.code)
            assertEquals("text", lone.field)
            assertTrue(judy.pendingSends.value.isEmpty())
            assertEquals("fine", ch.sendMessage("fine").text, "the client is still usable")
        }
    }

    @Test
    fun aSendMadeOfflineIsDeliveredOnceByTheNextClientOnTheSameStore(@TempDir dir: Path) = runBlocking<Unit> {
        channel("kt-offline", "erin", "frank")
        val file = dir.resolve("erin.db")
        Outage(TestAppliance.port).use { outage ->
            val id = "kt-offline-1"
            client(SqliteStore(file), outage.port).use { erin ->
                erin.connectUser("erin", app.token("erin"))
                erin.channel("messaging", "kt-offline").watch()
                outage.cut()
                val waiting = CoroutineScope(Dispatchers.IO).async { erin.channel("messaging", "kt-offline").sendMessage("sent while offline", id) }
                withTimeout(5_000) { erin.pendingSends.first { it.size == 1 } }
                assertEquals(id, erin.pendingSends.value.single().id)
                waiting.cancel() // the app is closed before the network comes back: the send stays in the store
            }
            outage.restore()
            client(SqliteStore(file), outage.port).use { erin ->
                assertEquals(listOf(id), erin.pendingSends.value.map { it.id }, "the queue outlives the client")
                erin.connectUser("erin", app.token("erin"))
                withTimeout(10_000) { erin.pendingSends.first { it.isEmpty() } }
            }
            assertEquals(1, outage.count("POST /api/v1/channels/messaging/kt-offline/message"), "the send went out once: ${outage.requests}")
        }
        client().use { frank ->
            frank.connectUser("frank", app.token("frank"))
            val state = frank.channel("messaging", "kt-offline").watch()
            assertEquals(listOf("sent while offline"), state.messages.map { it.text })
            assertEquals("kt-offline-1", state.messages.single().id)
        }
    }

    @Test
    fun anotherUsersQueuedSendIsNotSentWithThisUsersToken(@TempDir dir: Path) = runBlocking<Unit> {
        channel("kt-shared", "kate", "liam")
        val file = dir.resolve("shared.db")
        SqliteStore(file).use { it.putPending(PendingSend("kt-kate-1", "messaging:kt-shared", "kate", "kate's words", 1)) }
        client(SqliteStore(file)).use { liam ->
            liam.connectUser("liam", app.token("liam"))
            val sent = liam.channel("messaging", "kt-shared").sendMessage("liam's own")
            assertEquals("liam", sent.userId)
            assertEquals(listOf("kt-kate-1"), liam.pendingSends.value.map { it.id }, "kate's send waits for kate")
            val texts = liam.channel("messaging", "kt-shared").watch().messages.map { it.text }
            assertEquals(listOf("liam's own"), texts)
        }
    }

    @Test
    fun afterAnOutageSyncFillsTheGapWithoutAReload(@TempDir dir: Path) = runBlocking<Unit> {
        channel("kt-gap", "gina", "hank")
        Outage(TestAppliance.port).use { outage ->
            client(SqliteStore(dir.resolve("hank.db")), outage.port).use { hank ->
                hank.connectUser("hank", app.token("hank"))
                val ch = hank.channel("messaging", "kt-gap")
                ch.watch()
                client().use { gina ->
                    gina.connectUser("gina", app.token("gina"))
                    val g = gina.channel("messaging", "kt-gap")
                    val first = g.sendMessage("before")
                    withTimeout(10_000) { ch.messages.first { list -> list.any { it.id == first.id } } }
                    val edited = g.sendMessage("to be edited")
                    withTimeout(10_000) { ch.messages.first { list -> list.any { it.id == edited.id } } }
                    outage.cut()
                    withTimeout(10_000) { hank.connectionState.first { it == ConnectionState.OFFLINE || it == ConnectionState.CONNECTING } }
                    val missed = (1..3).map { g.sendMessage("missed $it") }
                    app.serverPost("/messages/${edited.id}", """{"message":{"text":"edited while offline","user_id":"gina"}}""")
                    val queriesBefore = outage.count("POST /api/v1/channels/messaging/kt-gap/query")
                    outage.restore()
                    val caughtUp = withTimeout(30_000) {
                        ch.messages.first { list -> missed.all { m -> list.any { it.id == m.id } } && list.any { it.text == "edited while offline" } }
                    }
                    assertEquals(listOf("before", "edited while offline", "missed 1", "missed 2", "missed 3"), caughtUp.map { it.text })
                    assertEquals(caughtUp.map { it.seq }.sorted(), caughtUp.map { it.seq }, "in seq order")
                    assertTrue(outage.count("POST /api/v1/sync") >= 1, "caught up by sync: ${outage.requests}")
                    assertEquals(queriesBefore, outage.count("POST /api/v1/channels/messaging/kt-gap/query"), "not by a reload")
                    assertEquals(ConnectionState.ONLINE, hank.connectionState.value)
                }
            }
        }
    }

    @Test
    fun aChannelTheUserIsRemovedFromLeavesTheStoreLiveAndAfterAnOutage(@TempDir dir: Path) = runBlocking<Unit> {
        channel("kt-live", "ivy", "jon")
        channel("kt-away", "ivy", "jon")
        SqliteStore(dir.resolve("jon.db")).let { store ->
            Outage(TestAppliance.port).use { outage ->
                client(store, outage.port).use { jon ->
                    jon.connectUser("jon", app.token("jon"))
                    val live = jon.channel("messaging", "kt-live").also { it.watch() }
                    val away = jon.channel("messaging", "kt-away").also { it.watch() }
                    for (id in listOf("kt-live", "kt-away")) {
                        app.serverPost("/channels/messaging/$id/message", """{"message":{"text":"hello $id","user_id":"ivy"}}""")
                    }
                    withTimeout(10_000) { live.messages.first { it.size == 1 } }
                    withTimeout(10_000) { away.messages.first { it.size == 1 } }

                    // removed while connected: the live event empties the channel in the store
                    val removed = nextEvent(jon) { it.type == "notification.removed_from_channel" && it.cid == "messaging:kt-live" }
                    app.serverPost("/channels/messaging/kt-live", """{"remove_members":["jon"]}""")
                    removed.await()
                    withTimeout(10_000) { live.messages.first { it.isEmpty() } }
                    assertEquals(null, store.syncMark("messaging:kt-live"))

                    // removed from one channel and added to another while offline: sync tells both, and the store follows
                    outage.cut()
                    withTimeout(10_000) { jon.connectionState.first { it == ConnectionState.OFFLINE || it == ConnectionState.CONNECTING } }
                    app.serverPost("/channels/messaging/kt-away", """{"remove_members":["jon"]}""")
                    app.serverPost("/channels/messaging/kt-new/query", """{"data":{"created_by_id":"ivy","members":["ivy","jon"]}}""")
                    val gone = nextEvent(jon) { it.type == "notification.removed_from_channel" && it.cid == "messaging:kt-away" }
                    val added = nextEvent(jon) { it.type == "notification.added_to_channel" && it.cid == "messaging:kt-new" }
                    outage.restore()
                    assertEquals("true", gone.await().raw["synced"].toString(), "told by the sync, not live (the socket was down)")
                    added.await()
                    withTimeout(10_000) { away.messages.first { it.isEmpty() } }
                    assertEquals(null, store.syncMark("messaging:kt-away"))
                    assertTrue(store.messages("messaging:kt-away", 10).isEmpty())
                }
            }
        }
    }

    @Test
    fun aReactionReachesTheOtherUsersStoreAndBadTypesAreRefused() = runBlocking<Unit> {
        channel("kt-react", "kim", "lee")
        client().use { kim -> client().use { lee ->
            kim.connectUser("kim", app.token("kim"))
            lee.connectUser("lee", app.token("lee"))
            val k = kim.channel("messaging", "kt-react").also { it.watch() }
            val l = lee.channel("messaging", "kt-react").also { it.watch() }
            val sent = k.sendMessage("react to me")
            withTimeout(10_000) { l.messages.first { list -> list.any { it.id == sent.id } } }
            val reacted = l.sendReaction(sent.id, "like")
            assertEquals(1, reacted.reactionCounts["like"])
            withTimeout(10_000) { k.messages.first { list -> list.any { it.id == sent.id && it.reactionCounts["like"] == 1 } } }
            assertEquals(0, l.deleteReaction(sent.id, "like").reactionCounts["like"] ?: 0)
            withTimeout(10_000) { k.messages.first { list -> list.any { it.id == sent.id && (it.reactionCounts["like"] ?: 0) == 0 } } }
            // bad input: a lone surrogate, a slash, a message that is not there
            assertEquals("type", assertFailsWith<ChatException> { l.sendReaction(sent.id, "bad\uD800") }.field)
            assertEquals("validation_error", assertFailsWith<ChatException> { l.sendReaction(sent.id, "a/b") }.code)
            assertEquals(404, assertFailsWith<ChatException> { l.sendReaction("no-such-message", "like") }.status)
        } }
    }
}
