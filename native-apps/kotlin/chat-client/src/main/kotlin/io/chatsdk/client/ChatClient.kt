package io.chatsdk.client

import io.chatsdk.client.models.Message
import io.chatsdk.client.models.MessageResponse
import io.chatsdk.client.models.OwnUser
import io.chatsdk.client.models.Problem
import io.chatsdk.client.models.SyncBySeqResponse
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asSharedFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.decodeFromJsonElement
import kotlinx.serialization.json.put
import kotlinx.serialization.json.putJsonObject
import okhttp3.Call
import okhttp3.Callback
import okhttp3.HttpUrl.Companion.toHttpUrl
import okhttp3.MediaType.Companion.toMediaType
import okhttp3.OkHttpClient
import okhttp3.Request
import okhttp3.RequestBody.Companion.toRequestBody
import okhttp3.Response
import java.io.IOException
import java.util.UUID
import java.util.concurrent.ConcurrentHashMap
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException

/**
 * The entry point of the Kotlin SDK: one user's session with a ChatSDK appliance.
 *
 * ```
 * val client = ChatClient(ChatClient.Config(baseUrl = "https://chat.example.com", apiKey = "..."), SqliteStore(path))
 * client.connectUser("alice", tokenFromYourBackEnd)
 * val general = client.channel("messaging", "general")
 * general.watch()
 * general.messages.collect { render(it) }
 * general.sendMessage("hello")
 * ```
 *
 * What it keeps for you:
 * - the WebSocket, reconnected with backoff; [connectionState] says where it stands and [events] carries every frame;
 * - each watched channel's messages in [LocalStore], caught up by seq ([POST /sync]) after every reconnect, so a gap
 *   while offline is filled without reloading;
 * - an offline queue: a send is stored before it is tried, and one that cannot reach the server is sent again, with
 *   the same id (so never twice), when the connection is back, also by the next client on the same store.
 *
 * Thread-safe. Close it to stop the socket and its coroutines; the store is closed with it.
 */
class ChatClient(private val config: Config, private val store: LocalStore = InMemoryStore()) : AutoCloseable {
    /** Where the appliance is ([baseUrl], `https://host[:port]`) and the app's public API key. */
    data class Config(
        val baseUrl: String,
        val apiKey: String,
        val http: OkHttpClient = OkHttpClient(),
        /** How long [ChatClient.connectUser] waits for the first health.check. */
        val connectTimeoutMillis: Long = 15_000,
    )

    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.IO)
    private val base = config.baseUrl.trimEnd('/').toHttpUrl()
    private val frames = Channel<suspend () -> Unit>(Channel.UNLIMITED)
    private val channels = ConcurrentHashMap<String, ChannelClient>()
    private val flushLock = Mutex()
    private val waiters = ConcurrentHashMap<String, CompletableDeferred<Message>>()

    @Volatile private var token: String? = null
    @Volatile private var userId: String? = null
    @Volatile private var connection: Connection? = null

    private val _events = MutableSharedFlow<ChatEvent>(extraBufferCapacity = 1024)
    private val _state = MutableStateFlow(ConnectionState.CLOSED)
    private val _pending = MutableStateFlow(store.pending())

    /** Every frame the server sends, in order (health checks aside), after the client has applied it to its state. */
    val events: SharedFlow<ChatEvent> = _events.asSharedFlow()

    /** The WebSocket's state. */
    val connectionState: StateFlow<ConnectionState> = _state.asStateFlow()

    /** Sends waiting for the server, oldest first (also those a previous client left in the store). */
    val pendingSends: StateFlow<List<PendingSend>> = _pending.asStateFlow()

    /** The connected user's id, or null. */
    val currentUserId: String? get() = userId

    init {
        // one consumer applies frames and sync results in order, so a channel's state never goes backwards
        scope.launch { for (work in frames) runCatching { work() } }
    }

    /**
     * Connects [userId] with a token your back end signed, and returns the user as the server sees them (with unread
     * counts). Fails with a [ChatException] (401 `token_invalid`, `token_expired`, ...) if the server refuses it.
     * Once connected, channels known to the store are caught up and queued sends are sent.
     */
    suspend fun connectUser(userId: String, token: String): OwnUser {
        check(this.userId == null) { "a user is connected; call disconnectUser() first" }
        this.userId = userId
        this.token = token
        val first = CompletableDeferred<JsonObject>()
        val url = base.newBuilder().scheme(if (base.isHttps) "https" else "http").addPathSegments("api/v1/connect")
            .addQueryParameter("api_key", config.apiKey).build().toString()
            .replaceFirst("http", "ws")
        val c = Connection(config.http, url, token, scope, object : Connection.Listener {
            override fun onHello(hello: JsonObject, reconnect: Boolean) {
                first.complete(hello)
                frames.trySend { resync() }
            }

            override fun onFrame(frame: JsonObject) {
                frames.trySend { apply(frame) }
            }

            override fun onState(state: ConnectionState) {
                _state.value = state
            }

            override fun onRefused(error: ChatException) {
                first.completeExceptionally(error)
            }
        })
        connection = c
        c.start()
        try {
            val hello = withTimeout(config.connectTimeoutMillis) { first.await() }
            return ChatJson.decodeFromJsonElement(OwnUser.serializer(), hello["me"] ?: error("health.check without me"))
        } catch (e: Exception) {
            disconnectUser()
            throw if (e is ChatException) e else ChatException(0, "network_error", "could not connect: ${e.message}", cause = e)
        }
    }

    /** Closes the WebSocket; the store keeps its messages and queued sends for the next [connectUser]. */
    fun disconnectUser() {
        connection?.stop()
        connection = null
        userId = null
        token = null
    }

    /** A channel of this app, by type and id. It holds no state until [ChannelClient.watch]. */
    fun channel(type: String, id: String): ChannelClient = channels.computeIfAbsent("$type:$id") { ChannelClient(this, type, id, store) }

    override fun close() {
        disconnectUser()
        frames.close()
        scope.cancel()
        store.close()
    }

    // ---- internals used by ChannelClient ----

    internal val connectionId: String? get() = connection?.connectionId

    /** Queues a send, tries it, and returns the stored message; offline, it waits until a reconnect delivers it. */
    internal suspend fun send(cid: String, text: String, id: String): Message {
        val waiter = waiters.computeIfAbsent(id) { CompletableDeferred() }
        withContext(Dispatchers.IO) { store.putPending(PendingSend(id, cid, text, System.currentTimeMillis())) }
        _pending.value = store.pending()
        scope.launch { flush() }
        try {
            return waiter.await()
        } finally {
            waiters.remove(id, waiter)
        }
    }

    /** Sends queued messages in order; stops at the first that cannot reach the server (it stays queued). */
    internal suspend fun flush() {
        if (token == null) return
        flushLock.withLock {
            for (p in store.pending()) {
                val sent = try {
                    val body = buildJsonObject { putJsonObject("message") { put("id", p.id); put("text", p.text) } }
                    ChatJson.decodeFromJsonElement(MessageResponse.serializer(), request("POST", "channels/${p.cid.replaceFirst(':', '/')}/message", body)).message
                } catch (e: ChatException) {
                    if (e.retryable) return // offline or the server is struggling: the next reconnect tries again
                    store.deletePending(p.id)
                    _pending.value = store.pending()
                    waiters[p.id]?.completeExceptionally(e)
                    continue
                }
                store.deletePending(p.id)
                _pending.value = store.pending()
                frames.trySend { putMessages(listOf(sent)) }
                waiters[p.id]?.complete(sent)
            }
        }
    }

    internal fun putMessages(messages: List<Message>) {
        if (messages.isEmpty()) return
        store.putMessages(messages.map { StoredMessage(it.id, it.cid, it.seq.toLong(), ChatJson.encodeToString(Message.serializer(), it)) })
        messages.map { it.cid }.distinct().forEach { channels[it]?.refresh() }
    }

    /** Catches every channel the store knows up by seq, then sends what is queued. Runs on the frame consumer. */
    private suspend fun resync() {
        var seqs = store.lastSeqs().filterKeys { channels.containsKey(it) }
        for (round in 0 until 100) {
            if (seqs.isEmpty()) break
            val body = buildJsonObject {
                putJsonObject("channels") { seqs.forEach { (cid, seq) -> put(cid, seq) } }
                put("limit", 100)
                connectionId?.let { put("watch", true) }
            }
            val res = try {
                ChatJson.decodeFromJsonElement(SyncBySeqResponse.serializer(), request("POST", "sync", body, connectionId?.let { mapOf("connection_id" to it) } ?: emptyMap()))
            } catch (e: ChatException) {
                break // the next reconnect tries again
            }
            val more = mutableMapOf<String, Long>()
            for ((cid, s) in res.channels) {
                if (s.reload) {
                    store.clearChannel(cid)
                    channels[cid]?.let { ch -> runCatching { ch.load() } }
                    continue
                }
                putMessages(s.messages + s.changed)
                if (s.hasMore) more[cid] = (s.messages.maxOfOrNull { it.seq } ?: s.lastSeq).toLong()
            }
            seqs = more
        }
        scope.launch { flush() }
    }

    private fun apply(frame: JsonObject) {
        val event = ChatEvent(frame)
        val message = event.message
        if (message != null && event.type in MESSAGE_EVENTS) {
            putMessages(listOf(message))
        }
        _events.tryEmit(event)
    }

    /** One REST call; the answer's JSON, or a [ChatException] with the problem's code. */
    internal suspend fun request(method: String, path: String, body: JsonElement?, query: Map<String, String> = emptyMap()): JsonElement {
        val t = token ?: throw ChatException(0, "not_connected", "call connectUser() first")
        val url = base.newBuilder().addPathSegments("api/v1").addPathSegments(path).addQueryParameter("api_key", config.apiKey)
            .apply { query.forEach { (k, v) -> addQueryParameter(k, v) } }.build()
        val request = Request.Builder().url(url).header("Authorization", t)
            .method(method, body?.toString()?.toRequestBody(JSON))
            .build()
        val response = try {
            config.http.newCall(request).await()
        } catch (e: IOException) {
            throw ChatException(0, "network_error", "no answer from the server: ${e.message}", cause = e)
        }
        response.use {
            val text = it.body.string()
            if (it.isSuccessful) return if (text.isEmpty()) JsonObject(emptyMap()) else ChatJson.parseToJsonElement(text)
            val problem = runCatching { ChatJson.decodeFromString(Problem.serializer(), text) }.getOrNull()
            throw ChatException(it.code, problem?.code ?: "http_${it.code}", problem?.detail ?: it.message, problem?.field)
        }
    }

    internal fun newId(): String = UUID.randomUUID().toString()

    private companion object {
        val JSON = "application/json".toMediaType()
        val MESSAGE_EVENTS = setOf("message.new", "message.updated", "message.deleted", "notification.message_new")
    }
}

/** A frame from the server: its [type], [cid] if it concerns a channel, the [message] it carries if any, and the whole [raw] JSON. */
class ChatEvent(val raw: JsonObject) {
    val type: String get() = (raw["type"] as? JsonPrimitive)?.content ?: ""
    val cid: String? get() = (raw["cid"] as? JsonPrimitive)?.content
    val message: Message? by lazy {
        raw["message"]?.let { runCatching { ChatJson.decodeFromJsonElement(Message.serializer(), it) }.getOrNull() }
    }

    override fun toString(): String = "ChatEvent($type${cid?.let { " $it" } ?: ""})"
}

private suspend fun Call.await(): Response = suspendCancellableCoroutine { cont ->
    enqueue(object : Callback {
        override fun onResponse(call: Call, response: Response) = cont.resume(response)
        override fun onFailure(call: Call, e: IOException) = cont.resumeWithException(e)
    })
    cont.invokeOnCancellation { runCatching { cancel() } }
}
