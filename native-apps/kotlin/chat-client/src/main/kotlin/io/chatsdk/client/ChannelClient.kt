package io.chatsdk.client

import io.chatsdk.client.models.ChannelStateResponse
import io.chatsdk.client.models.E2eeEnvelope
import io.chatsdk.client.models.Message
import io.chatsdk.client.models.MessageResponse
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import kotlinx.serialization.json.putJsonObject

/**
 * One channel, as the connected user sees it. [messages] is the local view: the store's newest [WINDOW] messages,
 * oldest first, updated by events, syncs and sends.
 */
class ChannelClient internal constructor(
    private val client: ChatClient,
    val type: String,
    val id: String,
    private val store: LocalStore,
) {
    val cid: String = "$type:$id"
    private val _messages = MutableStateFlow<List<Message>>(emptyList())

    @Volatile internal var watched = false
        private set

    /** The channel's newest messages, oldest first. */
    val messages: StateFlow<List<Message>> = _messages.asStateFlow()

    /**
     * Gets or creates the channel (with [members], when it is new) and starts watching it on the WebSocket: its events
     * then arrive in [ChatClient.events] and [messages], and every reconnect catches it up. With messages already in
     * the store, they show at once and a sync brings only what changed since.
     */
    suspend fun watch(members: List<String>? = null, e2ee: Boolean = false): ChannelStateResponse {
        client.serially { refresh() }
        val body = buildJsonObject {
            put("watch", client.connectionId != null)
            put("state", true)
            putJsonObject("messages") { put("limit", WINDOW) }
            if (members != null || e2ee) {
                putJsonObject("data") {
                    if (members != null) put("members", JsonArray(members.map { JsonPrimitive(it) }))
                    if (e2ee) put("e2ee", true)   // a new 1:1 channel, end-to-end encrypted for life
                }
            }
        }
        val state = ChatJson.decodeFromJsonElement(
            ChannelStateResponse.serializer(),
            client.request("POST", "channels/$type/$id/query", body, client.connectionId?.let { mapOf("connection_id" to it) } ?: emptyMap()),
        )
        watched = true
        client.serially {
            val known = store.syncMark(cid) != null
            client.putMessages(state.messages)
            if (known) {
                client.sync(listOf(this)) // fills what happened between the stored mark and this page
            } else {
                // first load: the page is the channel as of now (older messages are history, not a gap), and its
                // changes are complete from the connection's start, which came before this page
                store.putSyncMark(cid, SyncMark(state.messages.maxOfOrNull { it.seq }?.toLong() ?: 0L, client.connectedAt))
            }
            refresh()
        }
        return state
    }

    /**
     * Sends a text message and returns it as stored (with its seq). The message is queued in the store first: if the
     * server cannot be reached, this waits (cancellable; the send stays queued) until the server takes it, and a
     * client made later on the same store delivers it too. [id] makes repeats safe: the server keeps one message per id.
     * A refusal (403, 400, ...) throws a [ChatException] and leaves nothing queued. Text that is not well-formed
     * UTF-16 (a lone surrogate) is refused here, with `validation_error`, before anything is queued: encoding it would
     * silently replace the character.
     */
    suspend fun sendMessage(text: String, id: String = client.newId()): Message {
        requireWellFormed(text)
        return client.send(cid, text, id)
    }

    /**
     * Sends an end-to-end encrypted message: [envelope] holds one ciphertext per recipient device (the e2ee module
     * makes it). Unlike [sendMessage] it is not queued offline: a failure throws, and the caller encrypts again later
     * (a ratchet message must not be replayed into a session that moved on).
     */
    suspend fun sendEncrypted(envelope: E2eeEnvelope, messageId: String = client.newId()): Message {
        val body = buildJsonObject {
            putJsonObject("message") {
                put("id", messageId)
                put("e2ee", ChatJson.encodeToJsonElement(E2eeEnvelope.serializer(), envelope))
            }
        }
        val sent = ChatJson.decodeFromJsonElement(MessageResponse.serializer(), client.request("POST", "channels/$type/$id/message", body)).message
        client.serially { client.putMessages(listOf(sent)) }
        return sent
    }

    /**
     * Adds the connected user's reaction of [type] (`like`, `love`, ... 1-30 characters) to a message of this channel
     * and returns the message with its new counts; with [enforceUnique] it replaces the user's other reactions on it.
     * Not queued offline: a failure throws. The store's copy of the message is updated at once.
     */
    suspend fun sendReaction(messageId: String, type: String, enforceUnique: Boolean = false): Message {
        requireWellFormed(type, "type")
        val body = buildJsonObject {
            putJsonObject("reaction") { put("type", type) }
            put("enforce_unique", enforceUnique)
        }
        val message = ChatJson.decodeFromJsonElement(MessageResponse.serializer(),
            client.request("POST", "messages/${segment(messageId)}/reaction", body)).message
        client.serially { client.putMessages(listOf(message)) }
        return message
    }

    /** Removes the connected user's reaction of [type] from a message; returns the message. Not queued offline. */
    suspend fun deleteReaction(messageId: String, type: String): Message {
        requireWellFormed(type, "type")
        val message = ChatJson.decodeFromJsonElement(MessageResponse.serializer(),
            client.request("DELETE", "messages/${segment(messageId)}/reaction/${segment(type)}", null)).message
        client.serially { client.putMessages(listOf(message)) }
        return message
    }

    /** One path segment (OkHttp encodes it); a slash would make two, so it is refused like the server would. */
    private fun segment(text: String): String {
        if (text.isEmpty() || text.contains('/') || text.contains('\\')) {
            throw ChatException(400, "validation_error", "must be a non-empty id without slashes", null)
        }
        return text
    }

    /** Loads the newest page again (after the server said the gap was too large to sync). Runs serially. */
    internal suspend fun loadLatest() {
        val state = ChatJson.decodeFromJsonElement(
            ChannelStateResponse.serializer(),
            client.request("POST", "channels/$type/$id/query", buildJsonObject {
                put("state", true)
                putJsonObject("messages") { put("limit", WINDOW) }
            }),
        )
        client.putMessages(state.messages)
        store.putSyncMark(cid, SyncMark(state.messages.maxOfOrNull { it.seq }?.toLong() ?: 0L, client.connectedAt))
        refresh()
    }

    /** The user left the channel: it is no longer watched (nor synced) until [watch] again. Runs serially. */
    internal fun forgotten() {
        watched = false
    }

    /** Reads the window from the store again. Runs serially. */
    internal fun refresh() {
        _messages.value = store.messages(cid, WINDOW).map { ChatJson.decodeFromString(Message.serializer(), it.json) }
    }

    private fun requireWellFormed(text: String, field: String = "text") {
        var i = 0
        while (i < text.length) {
            val c = text[i]
            if (Character.isHighSurrogate(c) && i + 1 < text.length && Character.isLowSurrogate(text[i + 1])) {
                i += 2
                continue
            }
            if (Character.isSurrogate(c)) {
                throw ChatException(400, "validation_error", "$field: has an unpaired surrogate at index $i (not valid Unicode)", field)
            }
            i++
        }
    }

    companion object {
        /** How many messages [messages] holds. */
        const val WINDOW = 100
    }
}
