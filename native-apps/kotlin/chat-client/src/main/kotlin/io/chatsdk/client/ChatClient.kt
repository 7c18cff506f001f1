package io.chatsdk.client

import io.chatsdk.client.models.Message
import io.chatsdk.client.models.MessageResponse
import io.chatsdk.client.models.OwnUser
import io.chatsdk.client.models.Problem
import io.chatsdk.client.models.SyncBySeqResponse
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
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
 * - the WebSocket, reconnected with backoff; [connectionState] says where it stands and [events] carries its frames;
 * - each watched channel's messages in the [LocalStore], with a sync mark up to which it holds them without gaps;
 *   after every reconnect `POST /sync` continues from there, so a gap while offline is filled without a reload;
 * - an offline queue: a send is stored before it is tried, and one that cannot reach the server is sent again, with
 *   the same id (so never twice), when the server is back, also by the next client on the same store.
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
        /** How long a send that failed for a retryable reason (429, 5xx, no answer) waits before the queue is tried again. */
        val retryAfterMillis: Long = 3_000,
    )

    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.IO + CoroutineExceptionHandler { _, e ->
        LOG.log(System.Logger.Level.WARNING, "ChatClient background work failed: " + e.javaClass.name)
    })
    private val base = config.baseUrl.trimEnd('/').toHttpUrl()
    private val serial = Channel<suspend () -> Unit>(Channel.UNLIMITED)
    private val channels = ConcurrentHashMap<String, ChannelClient>()
    private val flushLock = Mutex()
    private val waiters = ConcurrentHashMap<String, CompletableDeferred<Message>>()
    private val session = Any()

    @Volatile private var token: String? = null
    @Volatile private var userId: String? = null
    @Volatile private var connection: Connection? = null
    @Volatile private var retry: Job? = null
    /** The server's time in the newest connection's first health.check: a fresh channel page is complete from then on. */
    @Volatile internal var connectedAt: String? = null
        private set

    private val _events = MutableSharedFlow<ChatEvent>(extraBufferCapacity = 1024)
    private val _state = MutableStateFlow(ConnectionState.CLOSED)
    private val _pending = MutableStateFlow(store.pending())

    /**
     * The server's frames (health checks aside), in order, after the client applied them to its state; and the
     * client's own `connection.refused` when the server ends the session for good (a revoked or expired token). A
     * collector that falls more than 1,024 events behind misses some; the channels' [ChannelClient.messages] do not.
     */
    val events: SharedFlow<ChatEvent> = _events.asSharedFlow()

    /** The WebSocket's state. */
    val connectionState: StateFlow<ConnectionState> = _state.asStateFlow()

    /** Queued sends of every user of the store, oldest first (also those a previous client left there). */
    val pendingSends: StateFlow<List<PendingSend>> = _pending.asStateFlow()

    /** The connected user's id, or null. */
    val currentUserId: String? get() = userId

    /** The prekey directory of end-to-end encryption (REST only; the Signal protocol is in the e2ee module). */
    val e2ee: E2eeDirectory = E2eeDirectory(this)

    init {
        // one consumer applies frames, pages and sync results in order, so a channel's state never goes backwards
        scope.launch {
            for (work in serial) {
                try {
                    work()
                } catch (e: CancellationException) {
                    throw e
                } catch (e: Exception) {
                    LOG.log(System.Logger.Level.WARNING, "ChatClient could not apply an update: " + e.javaClass.name)
                }
            }
        }
    }

    /**
     * Connects [userId] with a token your back end signed, and returns the user as the server sees them (with unread
     * counts). Fails with a [ChatException] (401 `token_signature_invalid`, `token_expired`, ...) if the server
     * refuses it. Once connected, watched channels are caught up and the user's queued sends are sent.
     */
    suspend fun connectUser(userId: String, token: String): OwnUser {
        synchronized(session) {
            check(this.userId == null) { "a user is connected; call disconnectUser() first" }
            this.userId = userId
            this.token = token
        }
        val first = CompletableDeferred<JsonObject>()
        val url = base.newBuilder().addPathSegments("api/v1/connect").addQueryParameter("api_key", config.apiKey).build().toString()
            .replaceFirst("http", "ws")
        val c = Connection(config.http, url, token, scope, object : Connection.Listener {
            override fun onHello(hello: JsonObject, reconnect: Boolean) {
                connectedAt = (hello["created_at"] as? JsonPrimitive)?.content
                first.complete(hello)
                serial.trySend { syncWatched() }
            }

            override fun onFrame(frame: JsonObject) {
                serial.trySend { apply(frame) }
            }

            override fun onState(state: ConnectionState) {
                _state.value = state
            }

            override fun onRefused(error: ChatException) {
                if (!first.completeExceptionally(error)) {
                    // the session ended for good after it began: stop sending (the queue stays) and say so
                    this@ChatClient.token = null
                    _events.tryEmit(ChatEvent(buildJsonObject {
                        put("type", "connection.refused")
                        put("code", error.code)
                        put("status", error.status)
                    }))
                }
            }
        })
        connection = c
        c.start()
        try {
            val hello = withTimeout(config.connectTimeoutMillis) { first.await() }
            return ChatJson.decodeFromJsonElement(OwnUser.serializer(), hello["me"] ?: error("health.check without me"))
        } catch (e: ChatException) {
            disconnectUser()
            throw e
        } catch (e: CancellationException) {
            disconnectUser()
            throw e
        } catch (e: Exception) {
            disconnectUser()
            throw ChatException(0, "network_error", "could not connect: ${e.message}", cause = e)
        }
    }

    /** Closes the WebSocket; the store keeps its messages and queued sends for the next [connectUser]. */
    fun disconnectUser() {
        synchronized(session) {
            connection?.stop()
            connection = null
            userId = null
            token = null
            retry?.cancel()
        }
    }

    /** A channel of this app, by type and id. It holds no state until [ChannelClient.watch]. */
    fun channel(type: String, id: String): ChannelClient = channels.computeIfAbsent("$type:$id") { ChannelClient(this, type, id, store) }

    override fun close() {
        disconnectUser()
        val closed = ChatException(0, "closed", "the client was closed; the send stays queued in the store")
        waiters.values.forEach { it.completeExceptionally(closed) }
        serial.close()
        scope.cancel()
        store.close()
    }

    // ---- internals used by ChannelClient ----

    internal val connectionId: String? get() = connection?.connectionId

    /** Runs [work] on the single consumer that applies every change to local state, and returns its result. */
    internal suspend fun <T> serially(work: suspend () -> T): T {
        val done = CompletableDeferred<T>()
        serial.send {
            try {
                done.complete(work())
            } catch (e: Throwable) {
                done.completeExceptionally(e)
            }
        }
        return done.await()
    }

    /** Queues a send, tries it, and returns the stored message; offline, it waits until the server takes it. */
    internal suspend fun send(cid: String, text: String, id: String): Message {
        val user = userId ?: throw ChatException(0, "not_connected", "call connectUser() first")
        val waiter = waiters.computeIfAbsent(id) { CompletableDeferred() }
        withContext(Dispatchers.IO) {
            store.putPending(PendingSend(id, cid, user, text, System.currentTimeMillis()))
            _pending.value = store.pending()
        }
        scope.launch { flush() }
        try {
            return waiter.await()
        } finally {
            waiters.remove(id, waiter)
        }
    }

    /**
     * Sends the connected user's queued messages in order. A retryable failure (no answer, 429, 5xx) stops the pass
     * and tries again after [Config.retryAfterMillis] (and after every reconnect); a token refusal stops it and keeps
     * the queue; any other refusal drops that send and fails its caller.
     */
    internal suspend fun flush() {
        flushLock.withLock {
            val user = userId ?: return
            for (p in store.pending().filter { it.userId == user }) {
                if (token == null) return
                val sent = try {
                    val body = buildJsonObject { putJsonObject("message") { put("id", p.id); put("text", p.text) } }
                    ChatJson.decodeFromJsonElement(MessageResponse.serializer(), request("POST", "channels/${p.cid.replaceFirst(':', '/')}/message", body)).message
                } catch (e: ChatException) {
                    when {
                        e.retryable -> scheduleRetry()
                        e.status == 401 -> {}    // the token: the app must connect again; the send waits for that
                        else -> {
                            store.deletePending(p.id)
                            _pending.value = store.pending()
                            waiters[p.id]?.completeExceptionally(e)
                            continue
                        }
                    }
                    return
                }
                store.deletePending(p.id)
                _pending.value = store.pending()
                serially { putMessages(listOf(sent)) }
                waiters[p.id]?.complete(sent)
            }
        }
    }

    private fun scheduleRetry() {
        if (retry?.isActive == true) return
        retry = scope.launch {
            delay(config.retryAfterMillis)
            flush()
        }
    }

    /**
     * Stores messages and moves each channel's sync mark over those that follow it without a gap. Runs serially.
     */
    internal fun putMessages(messages: List<Message>) {
        if (messages.isEmpty()) return
        store.putMessages(messages.map { StoredMessage(it.id, it.cid, it.seq.toLong(), ChatJson.encodeToString(Message.serializer(), it)) })
        for ((cid, list) in messages.groupBy { it.cid }) {
            val mark = store.syncMark(cid)
            if (mark != null) {
                var seq = mark.seq
                for (m in list.sortedBy { it.seq }) if (m.seq.toLong() == seq + 1) seq++
                if (seq != mark.seq) store.putSyncMark(cid, mark.copy(seq = seq))
            }
            channels[cid]?.refresh()
        }
    }

    /** Catches up every watched channel, 100 per call (the server's most), then sends what is queued. Runs serially. */
    private suspend fun syncWatched() {
        val watched = channels.values.filter { it.watched }
        watched.chunked(100).forEach { sync(it) }
        scope.launch { flush() }
    }

    /**
     * `POST /sync` from each channel's mark, with `last_sync_at` so that edits and deletions come too, page by page
     * while the server has more. A channel the server says missed too much is cleared and loaded again. Runs serially.
     */
    internal suspend fun sync(batch: List<ChannelClient>) {
        var todo = batch.filter { store.syncMark(it.cid) != null }
        val marks = todo.associate { it.cid to store.syncMark(it.cid)!! }
        val since = marks.values.map { it.syncedAt }.let { all -> if (all.all { it != null }) all.filterNotNull().minOrNull() else null }
        val from = marks.mapValues { it.value.seq }.toMutableMap()
        var syncedAt: String? = null
        for (round in 0 until 100) {
            if (todo.isEmpty()) return
            val body = buildJsonObject {
                putJsonObject("channels") { todo.forEach { put(it.cid, from.getValue(it.cid)) } }
                put("limit", 100)
                put("watch", connectionId != null)
                since?.let { put("last_sync_at", it) }
            }
            val res = try {
                ChatJson.decodeFromJsonElement(SyncBySeqResponse.serializer(),
                    request("POST", "sync", body, connectionId?.let { mapOf("connection_id" to it) } ?: emptyMap()))
            } catch (e: ChatException) {
                return // the next reconnect tries again
            }
            if (syncedAt == null) {
                syncedAt = res.syncedAt   // the first answer's time: changes are complete up to it
                // membership changes while offline, told as the live events would have told them
                res.left.forEach { cid -> forget(cid); notify("notification.removed_from_channel", cid) }
                res.joined.forEach { cid -> notify("notification.added_to_channel", cid) }
            }
            val left = res.left.toSet()
            todo = todo.filter { it.cid !in left }
            val more = mutableListOf<ChannelClient>()
            for (ch in todo) {
                val s = res.channels[ch.cid] ?: continue
                if (s.reload) {
                    store.clearChannel(ch.cid)
                    runCatching { ch.loadLatest() }
                    continue
                }
                putMessages(s.messages + s.changed)
                val mark = store.syncMark(ch.cid) ?: continue
                if (s.hasMore && s.messages.isNotEmpty()) {
                    from[ch.cid] = s.messages.maxOf { it.seq }.toLong()
                    more += ch
                } else {
                    // complete up to the channel's last seq; changes up to the server's time of this sync
                    store.putSyncMark(ch.cid, SyncMark(maxOf(mark.seq, s.lastSeq.toLong()), syncedAt))
                    ch.refresh()
                }
            }
            todo = more
        }
    }

    /**
     * The user is no longer a member of [cid] (removed, or left on another device): what the store holds of it goes,
     * and its [ChannelClient] stops watching until [ChannelClient.watch] is called again. Runs serially.
     */
    private fun forget(cid: String) {
        store.clearChannel(cid)
        channels[cid]?.let { it.forgotten(); it.refresh() }
    }

    /** An event the client makes itself from a sync answer (`"synced": true`), in the shape of the live one. */
    private fun notify(type: String, cid: String) {
        val (t, id) = cid.split(":", limit = 2).let { it[0] to it.getOrElse(1) { "" } }
        _events.tryEmit(ChatEvent(buildJsonObject {
            put("type", type)
            put("cid", cid)
            put("channel_type", t)
            put("channel_id", id)
            put("synced", true)
        }))
    }

    private fun apply(frame: JsonObject) {
        val event = ChatEvent(frame)
        val message = event.message
        if (message != null && event.type in MESSAGE_EVENTS) putMessages(listOf(message))
        if (event.type == "notification.removed_from_channel") event.cid?.let { forget(it) }
        if (event.type == "connection.recovered") scope.launch { flush() }
        _events.tryEmit(event)
    }

    /** One REST call; the answer's JSON, or a [ChatException] with the problem's code (`network_error` when none came). */
    internal suspend fun request(method: String, path: String, body: JsonElement?, query: Map<String, String> = emptyMap()): JsonElement {
        val t = token ?: throw ChatException(0, "not_connected", "call connectUser() first")
        val url = base.newBuilder().addPathSegments("api/v1").addPathSegments(path).addQueryParameter("api_key", config.apiKey)
            .apply { query.forEach { (k, v) -> addQueryParameter(k, v) } }.build()
        val request = Request.Builder().url(url).header("Authorization", t)
            // OkHttp wants a body on every POST, PUT and PATCH: an empty one when the call has none
            .method(method, body?.toString()?.toRequestBody(JSON) ?: if (method == "GET" || method == "DELETE") null else ByteArray(0).toRequestBody(null))
            .build()
        try {
            config.http.newCall(request).await().use {
                val text = it.body.string()
                if (it.isSuccessful) return if (text.isEmpty()) JsonObject(emptyMap()) else ChatJson.parseToJsonElement(text)
                val problem = runCatching { ChatJson.decodeFromString(Problem.serializer(), text) }.getOrNull()
                throw ChatException(it.code, problem?.code ?: "http_${it.code}", problem?.detail ?: it.message, problem?.field)
            }
        } catch (e: ChatException) {
            throw e
        } catch (e: CancellationException) {
            throw e
        } catch (e: Exception) {
            // no answer, a cut answer, or one that is not the API's JSON (a captive portal, say): try again later
            throw ChatException(0, "network_error", "no usable answer from the server: ${e.javaClass.simpleName}", cause = e)
        }
    }

    internal fun newId(): String = UUID.randomUUID().toString()

    private companion object {
        val LOG: System.Logger = System.getLogger(ChatClient::class.java.name)
        val JSON = "application/json".toMediaType()
        val MESSAGE_EVENTS = setOf("message.new", "message.updated", "message.deleted", "notification.message_new", "reaction.new", "reaction.updated", "reaction.deleted")
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
        override fun onResponse(call: Call, response: Response) = cont.resume(response) { _, r, _ -> r.close() }
        override fun onFailure(call: Call, e: IOException) = cont.resumeWithException(e)
    })
    cont.invokeOnCancellation { runCatching { cancel() } }
}
