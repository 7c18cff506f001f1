package io.chatsdk.client

import io.chatsdk.client.models.ChannelStateResponse
import io.chatsdk.client.models.Message
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.withContext
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import kotlinx.serialization.json.putJsonObject

/**
 * One channel, as the connected user sees it. [messages] is the local view (store first, then the server), newest
 * [WINDOW] messages, oldest first; it updates with events, syncs and sends.
 */
class ChannelClient internal constructor(
    private val client: ChatClient,
    val type: String,
    val id: String,
    private val store: LocalStore,
) {
    val cid: String = "$type:$id"
    private val _messages = MutableStateFlow(stored())

    /** The channel's newest messages, oldest first. */
    val messages: StateFlow<List<Message>> = _messages.asStateFlow()

    /**
     * Gets or creates the channel and starts watching it on the WebSocket: its events then arrive in
     * [ChatClient.events] and [messages]. With stored messages the server's latest page is merged in and the next
     * reconnect catches the channel up by seq.
     */
    suspend fun watch(members: List<String>? = null): ChannelStateResponse {
        val body = buildJsonObject {
            put("watch", client.connectionId != null)
            put("state", true)
            putJsonObject("messages") { put("limit", WINDOW) }
            if (members != null) {
                putJsonObject("data") { put("members", kotlinx.serialization.json.JsonArray(members.map { kotlinx.serialization.json.JsonPrimitive(it) })) }
            }
        }
        val state = ChatJson.decodeFromJsonElement(
            ChannelStateResponse.serializer(),
            client.request("POST", "channels/$type/$id/query", body, client.connectionId?.let { mapOf("connection_id" to it) } ?: emptyMap()),
        )
        withContext(Dispatchers.IO) { client.putMessages(state.messages) }
        refresh()
        return state
    }

    /**
     * Sends a text message and returns it as stored (with its seq). The message is queued in the store first: if the
     * server cannot be reached, this waits (cancellable; the send stays queued) until a reconnect delivers it, and a
     * client made later on the same store delivers it too. [id] makes repeats safe: the server keeps one message per id.
     * A refusal (403, 400, ...) throws a [ChatException] and leaves nothing queued. Text that is not well-formed
     * UTF-16 (a lone surrogate) is refused here, with `validation_error`, before anything is queued: encoding it would
     * silently replace the character.
     */
    suspend fun sendMessage(text: String, id: String = client.newId()): Message {
        requireWellFormed(text)
        return client.send(cid, text, id)
    }

    /** Reloads the newest page from the server (after the server said a sync gap was too large). */
    internal suspend fun load() {
        val state = ChatJson.decodeFromJsonElement(
            ChannelStateResponse.serializer(),
            client.request("POST", "channels/$type/$id/query", buildJsonObject {
                put("state", true)
                putJsonObject("messages") { put("limit", WINDOW) }
            }),
        )
        client.putMessages(state.messages)
        refresh()
    }

    internal fun refresh() {
        _messages.value = stored()
    }

    private fun stored(): List<Message> = store.messages(cid, WINDOW).map { ChatJson.decodeFromString(Message.serializer(), it.json) }

    private fun requireWellFormed(text: String) {
        var i = 0
        while (i < text.length) {
            val c = text[i]
            if (Character.isHighSurrogate(c) && i + 1 < text.length && Character.isLowSurrogate(text[i + 1])) {
                i += 2
                continue
            }
            if (Character.isSurrogate(c)) {
                throw ChatException(400, "validation_error", "text: has an unpaired surrogate at index $i (not valid Unicode)", "text")
            }
            i++
        }
    }

    companion object {
        /** How many messages [messages] holds. */
        const val WINDOW = 100
    }
}
