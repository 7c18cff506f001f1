package io.chatsdk.client.e2ee

import io.chatsdk.client.ChatClient
import io.chatsdk.client.ChatEvent
import io.chatsdk.client.ChatException
import io.chatsdk.client.TestAppliance
import io.chatsdk.client.models.E2eeEnvelope
import io.chatsdk.client.models.Message
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.onSubscription
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import io.chatsdk.connectors.fcm.FcmStandIn
import io.chatsdk.connectors.fcm.TestServiceAccount
import com.sun.net.httpserver.HttpServer
import org.junit.jupiter.api.Test
import java.net.InetSocketAddress
import java.nio.file.Files
import java.util.concurrent.CopyOnWriteArrayList
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.Base64
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/**
 * Signal-protocol messages through the real appliance: libsignal on the devices, the appliance's prekey directory
 * and an encrypted 1:1 channel in between. Alice has one device, Bob two.
 */
class E2eeIT {
    companion object {
        /** Google's FCM, stood in for locally (it cannot be reached here): it receives the appliance's push calls. */
        val fcm: FcmStandIn = FcmStandIn.start().also { TestAppliance.extraEnv["CHATSDK_FCM_ENDPOINT"] = it.baseUri().toString() }
    }

    private val app = TestAppliance.newApp()

    private fun client() = ChatClient(ChatClient.Config(TestAppliance.baseUrl, app.apiKey))

    private suspend fun next(client: ChatClient, match: (ChatEvent) -> Boolean): Deferred<ChatEvent> {
        val subscribed = CompletableDeferred<Unit>()
        val event = CoroutineScope(Dispatchers.IO).async {
            withTimeout(15_000) { client.events.onSubscription { subscribed.complete(Unit) }.first(match) }
        }
        subscribed.await()
        return event
    }

    private fun operatorRead(path: String): String = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(TestAppliance.baseUrl + path)).header("Authorization", "Bearer ${TestAppliance.OPERATOR}").GET().build(),
        HttpResponse.BodyHandlers.ofString(),
    ).also { check(it.statusCode() == 200) { "GET $path: ${it.statusCode()}" } }.body()

    private fun operatorGet(path: String): String = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(TestAppliance.baseUrl + path)).header("Authorization", "Bearer ${TestAppliance.OPERATOR}")
            .POST(HttpRequest.BodyPublishers.ofString("""{"format":"jsonl"}""")).header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString(),
    ).body()

    @Test
    fun twoUsersOneWithTwoDevicesTalkThroughTheApplianceWhichSeesOnlyCiphertext() = runBlocking<Unit> {
        app.serverPost("/users", """{"users":{"alice":{},"bob":{}}}""")
        val canary = "canary-${System.nanoTime()}: the launch code is 0000"
        client().use { alice -> client().use { bob1 -> client().use { bob2 ->
            alice.connectUser("alice", app.token("alice"))
            bob1.connectUser("bob", app.token("bob"))
            bob2.connectUser("bob", app.token("bob"))
            val a = E2eeDevice(alice, 1).also { it.publish(5) }
            val b1 = E2eeDevice(bob1, 1).also { it.publish(5) }
            val b2 = E2eeDevice(bob2, 2).also { it.publish(5) }

            val dm = alice.channel("messaging", "ab")
            dm.watch(members = listOf("bob"), e2ee = true)
            bob1.channel("messaging", "ab").watch()
            bob2.channel("messaging", "ab").watch()

            // a plain message cannot get in
            val refused = assertFailsWith<ChatException> { dm.sendMessage("in the clear") }
            assertEquals("e2ee_required", refused.code)

            val atB1 = next(bob1) { it.type == "message.new" }
            val atB2 = next(bob2) { it.type == "message.new" }
            val sent = a.send(dm, "bob", canary)
            assertEquals("", sent.text)
            assertEquals(2, sent.e2ee!!.ciphertexts.size, "one ciphertext per device of bob")
            assertEquals(canary, b1.decrypt(atB1.await().message!!))
            assertEquals(canary, b2.decrypt(atB2.await().message!!))

            // bob answers from his first device: alice reads it, and so does his second device (sent to it too)
            val atAlice = next(alice) { it.type == "message.new" && it.message?.userId == "bob" }
            val atOwn = next(bob2) { it.type == "message.new" && it.message?.userId == "bob" }
            b1.send(bob1.channel("messaging", "ab"), "alice", "got it")
            assertEquals("got it", a.decrypt(atAlice.await().message!!))
            assertEquals("got it", b2.decrypt(atOwn.await().message!!))
            // with the device that answered, the session continues with ratchet messages (type 2); the other stays a
            // prekey message (type 3) until it answers, as the protocol wants
            val again = a.send(dm, "bob", "second")
            assertEquals(mapOf(1 to 2, 2 to 3), again.e2ee!!.ciphertexts.associate { it.deviceId to it.type })

            // safety numbers agree on both sides
            val bobKey = alice.e2ee.devices("bob").first { it.deviceId == 1 }.identityKey
            assertEquals(a.safetyNumber("bob", bobKey), b1.safetyNumber("alice", a.identityKey))

            // what the appliance keeps, and what an officer can export, holds no plaintext
            val export = operatorGet("/admin/api/apps/${app.id}/compliance/exports")
            assertTrue(export.contains(sent.id), "the export covers the message")
            assertFalse(export.contains("canary-"), "no plaintext in the compliance export")
            assertFalse(export.contains("got it"))
            val audit = operatorRead("/admin/api/apps/${app.id}/compliance/audit/export")
            assertTrue(audit.contains("messages.send") || audit.contains("channels.send"), "the audit export records the sends")
            assertFalse(audit.contains("canary-"), "no plaintext in the audit log")
        } } }
    }

    /**
     * The canary: an encrypted message's plain text is nowhere the appliance keeps or sends things: not in its
     * data directory (PostgreSQL's tables and WAL, the broker's journal, the file store), not in the webhook it calls,
     * not in the push it sends to an offline recipient. Positive controls show each place does get the message.
     */
    @Test
    fun theCanaryIsInNoFileNoWebhookAndNoPush() = runBlocking<Unit> {
        app.serverPost("/users", """{"users":{"ann":{},"cal":{}}}""")
        // a webhook receiver of the test's own, and a push key the FCM stand-in trusts, uploaded through the operator API
        val hooks = CopyOnWriteArrayList<String>()
        val receiver = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
            createContext("/hook") { ex -> hooks += ex.requestBody.readAllBytes().decodeToString(); ex.sendResponseHeaders(200, -1); ex.close() }
            start()
        }
        try {
            app.serverPut("/app/webhooks", """{"webhooks":[{"url":"http://127.0.0.1:${receiver.address.port}/hook","events":["message.new"]}]}""")
            val account = TestServiceAccount.generate("e2ee-${app.id.take(8)}")
            fcm.trustServiceAccount(account.clientEmail(), account.keys().public)
            TestAppliance.send("PUT", "/admin/api/apps/${app.id}/push-credentials/fcm", account.json(), "Bearer ${TestAppliance.OPERATOR}")
            TestAppliance.send("PUT", "/api/v1/app/push_settings?api_key=${app.apiKey}", """{"collapse_seconds":0}""", app.serverToken())
            val token = "tok-cal-${app.id}"
            app.serverPost("/devices", """{"id":"$token","push_provider":"firebase","user_id":"cal"}""")
            // cal publishes keys, then goes offline: the message reaches him as a push
            client().use { cal -> cal.connectUser("cal", app.token("cal")); E2eeDevice(cal, 1).publish(3) }

            val canary = "canary-${System.nanoTime()}-the-vault-code-is-0000"
            val sent = client().use { ann ->
                ann.connectUser("ann", app.token("ann"))
                val a = E2eeDevice(ann, 1).also { it.publish(3) }
                val dm = ann.channel("messaging", "ac-${System.nanoTime()}").also { it.watch(members = listOf("cal"), e2ee = true) }
                a.send(dm, "cal", canary)
            }
            withTimeout(20_000) {
                while (hooks.none { it.contains(sent.id) } || fcm.received().none { it.message().path("token").asText() == token }) {
                    kotlinx.coroutines.delay(100)
                }
            }
            val pushes = fcm.received().filter { it.message().path("token").asText() == token }.map { it.message().toString() }
            assertTrue(pushes.single().contains(sent.id), "the push names the message")
            assertFalse(pushes.single().contains("canary-"), "no plaintext in the push")
            assertTrue(hooks.any { it.contains(sent.id) }, "the webhook carries the message")
            assertFalse(hooks.any { it.contains("canary-") }, "no plaintext in the webhook")

            // every file of the data directory; the message id (stored in clear) shows the scan reaches where rows land
            val id = sent.id.toByteArray()
            val plain = "canary-".toByteArray()
            var idSeen = false
            Files.walk(TestAppliance.dataDir).use { files ->
                files.filter { Files.isRegularFile(it) }.forEach { f ->
                    val bytes = runCatching { Files.readAllBytes(f) }.getOrNull() ?: return@forEach
                    assertFalse(contains(bytes, plain), "plaintext found in $f")
                    if (contains(bytes, id)) idSeen = true
                }
            }
            assertTrue(idSeen, "the message id is in the data directory (the scan reads the files rows land in)")
        } finally {
            receiver.stop(0)
        }
    }

    private fun contains(hay: ByteArray, needle: ByteArray): Boolean {
        outer@ for (i in 0..hay.size - needle.size) {
            for (j in needle.indices) if (hay[i + j] != needle[j]) continue@outer
            return true
        }
        return false
    }

    @Test
    fun aDeviceWithANewIdentityGetsANewSessionAndTheSenderIsTold() = runBlocking<Unit> {
        app.serverPost("/users", """{"users":{"gina":{},"hal":{}}}""")
        client().use { gina -> client().use { hal ->
            gina.connectUser("gina", app.token("gina"))
            hal.connectUser("hal", app.token("hal"))
            val changed = mutableListOf<Pair<String, Int>>()
            val g = E2eeDevice(gina, 1, onIdentityChanged = { user, device -> changed += user to device }).also { it.publish(3) }
            E2eeDevice(hal, 1).publish(3)
            val dm = gina.channel("messaging", "gh").also { it.watch(members = listOf("hal"), e2ee = true) }
            g.send(dm, "hal", "before")
            assertTrue(changed.isEmpty())
            // hal reinstalls: same device id, a new identity
            val reinstalled = E2eeDevice(hal, 1).also { assertEquals("replaced", it.publish(3).change.value) }
            val sent = g.send(dm, "hal", "after")
            assertEquals(listOf("hal" to 1), changed, "the sender learns that hal's safety number changed")
            assertEquals("after", reinstalled.decrypt(sent))
        } }
    }

    @Test
    fun aTamperedCiphertextIsRejectedByTheRecipient() = runBlocking<Unit> {
        app.serverPost("/users", """{"users":{"carol":{},"dan":{}}}""")
        client().use { carol -> client().use { dan ->
            carol.connectUser("carol", app.token("carol"))
            dan.connectUser("dan", app.token("dan"))
            val c = E2eeDevice(carol, 1).also { it.publish(2) }
            val d = E2eeDevice(dan, 1).also { it.publish(2) }
            val dm = carol.channel("messaging", "cd").also { it.watch(members = listOf("dan"), e2ee = true) }
            val envelope = c.encrypt("dan", "untouched")
            val ct = envelope.ciphertexts.single()
            val bytes = Base64.getDecoder().decode(ct.body)
            bytes[bytes.size - 5] = (bytes[bytes.size - 5].toInt() xor 1).toByte()
            val tampered = E2eeEnvelope(envelope.senderDevice, listOf(ct.copy(body = Base64.getEncoder().encodeToString(bytes))))
            val sent: Message = dm.sendEncrypted(tampered)
            assertFailsWith<E2eeException> { d.decrypt(sent) }
        } }
    }

    @Test
    fun removingADeviceTellsContactsAndOneTimeKeysAreReplenished() = runBlocking<Unit> {
        app.serverPost("/users", """{"users":{"erin":{},"fred":{}}}""")
        client().use { erin -> client().use { fred ->
            erin.connectUser("erin", app.token("erin"))
            fred.connectUser("fred", app.token("fred"))
            E2eeDevice(erin, 1).publish(2)
            val f = E2eeDevice(fred, 3).also { it.publish(1) }
            erin.channel("messaging", "ef").watch(members = listOf("fred"), e2ee = true)
            erin.e2ee.claim("fred")   // uses fred's only one-time keys
            val topped = f.replenish(below = 1, batch = 4)
            assertEquals(4, topped.prekeys)
            assertEquals(4, topped.pqPrekeys)
            val heard = next(erin) { it.type == "user.keys_changed" }
            fred.e2ee.removeDevice(3)
            val event = heard.await()
            assertEquals("fred", event.raw["user_id"]?.toString()?.trim('"'))
            assertEquals("removed", event.raw["change"]?.toString()?.trim('"'))
        } }
    }
}
