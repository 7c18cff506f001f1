package io.chatsdk.client

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonObject
import okhttp3.OkHttpClient
import okhttp3.Request
import okhttp3.Response
import okhttp3.WebSocket
import okhttp3.WebSocketListener
import kotlin.random.Random

/** Where the client's WebSocket stands. */
enum class ConnectionState { CONNECTING, ONLINE, OFFLINE, CLOSED }

/**
 * One user's WebSocket, kept open: it authenticates with its first frame (the token never goes into the URL), answers
 * the server's health checks with its own, treats a silent server as gone, and reconnects with capped, jittered
 * backoff. A 4401 or 4403 close (bad or revoked token, forbidden) stops it: retrying cannot help.
 *
 * Each socket it opens gets a generation number; callbacks of any other generation than the current one are ignored,
 * so a socket that fails before [open] has even stored it, or one [stop] ended, cannot act on the connection.
 */
internal class Connection(
    private val http: OkHttpClient,
    private val url: String,
    private val token: String,
    private val scope: CoroutineScope,
    private val listener: Listener,
    private val healthIntervalMillis: Long = 25_000,
    private val deadAfterMillis: Long = 70_000,
) {
    interface Listener {
        /** The server's first health.check of a connection; [reconnect] is false the first time. */
        fun onHello(hello: JsonObject, reconnect: Boolean)

        fun onFrame(frame: JsonObject)

        fun onState(state: ConnectionState)

        /** The server refused or ended the connection for good (4401, 4403): no retry follows. */
        fun onRefused(error: ChatException)
    }

    private val lock = Any()
    private var generation = 0
    private var socket: WebSocket? = null
    private var stopped = false
    private var everConnected = false
    private var attempt = 0
    private var health: Job? = null
    @Volatile private var lastHeard = 0L
    @Volatile var connectionId: String? = null
        private set

    fun start() = open()

    fun stop() {
        val ws = synchronized(lock) {
            stopped = true
            generation++
            health?.cancel()
            connectionId = null
            socket.also { socket = null }
        }
        ws?.close(1000, "client closed")
        listener.onState(ConnectionState.CLOSED)
    }

    private fun current(gen: Int) = synchronized(lock) { gen == generation && !stopped }

    private fun open() {
        val gen = synchronized(lock) {
            if (stopped) return
            ++generation
        }
        listener.onState(ConnectionState.CONNECTING)
        var hello = false
        val ws = http.newWebSocket(Request.Builder().url(url).build(), object : WebSocketListener() {
            override fun onOpen(webSocket: WebSocket, response: Response) {
                if (!current(gen)) return
                webSocket.send(buildJsonObject {
                    put("type", JsonPrimitive("authorization"))
                    put("token", JsonPrimitive(token))
                }.toString())
            }

            override fun onMessage(webSocket: WebSocket, text: String) {
                if (!current(gen)) return
                lastHeard = System.currentTimeMillis()
                val frame = try {
                    ChatJson.parseToJsonElement(text).jsonObject
                } catch (e: Exception) {
                    return // not JSON, or not an object: nothing the client could act on
                }
                val type = (frame["type"] as? JsonPrimitive)?.content
                if (!hello && type == "health.check") {
                    hello = true
                    val reconnect = synchronized(lock) {
                        attempt = 0
                        connectionId = (frame["connection_id"] as? JsonPrimitive)?.content
                        everConnected.also { everConnected = true }
                    }
                    startHealthChecks(gen, webSocket)
                    listener.onState(ConnectionState.ONLINE)
                    listener.onHello(frame, reconnect)
                    return
                }
                listener.onFrame(frame)
            }

            override fun onClosing(webSocket: WebSocket, code: Int, reason: String) {
                webSocket.close(1000, null)
                ended(gen, code, reason)
            }

            override fun onFailure(webSocket: WebSocket, t: Throwable, response: Response?) {
                ended(gen, 0, t.javaClass.simpleName)
            }
        })
        val keep = synchronized(lock) {
            (gen == generation && !stopped).also { if (it) socket = ws }
        }
        if (!keep) ws.cancel() // stopped, or it already failed and a newer attempt is under way
    }

    private fun ended(gen: Int, code: Int, reason: String) {
        val wait = synchronized(lock) {
            if (gen != generation || stopped) return
            generation++ // this socket's callbacks are done with
            socket = null
            connectionId = null
            health?.cancel()
            if (code == 4401 || code == 4403) {
                stopped = true
                null
            } else {
                val cap = minOf(10_000L, 500L shl minOf(attempt, 5))
                attempt++
                cap / 2 + Random.nextLong(0, cap / 2 + 1)
            }
        }
        if (wait == null) {
            val errorCode = reason.substringBefore(':').ifBlank { if (code == 4401) "token_invalid" else "forbidden" }
            listener.onState(ConnectionState.CLOSED)
            listener.onRefused(ChatException(if (code == 4401) 401 else 403, errorCode, reason))
            return
        }
        listener.onState(ConnectionState.OFFLINE)
        scope.launch {
            delay(wait)
            open()
        }
    }

    private fun startHealthChecks(gen: Int, webSocket: WebSocket) {
        val job = scope.launch {
            var sinceCheck = 0L
            val tick = minOf(5_000L, healthIntervalMillis, deadAfterMillis / 2)
            while (isActive && current(gen)) {
                delay(tick)
                sinceCheck += tick
                if (System.currentTimeMillis() - lastHeard > deadAfterMillis) {
                    webSocket.cancel() // silent for too long: onFailure reconnects
                    return@launch
                }
                if (sinceCheck >= healthIntervalMillis) {
                    sinceCheck = 0
                    webSocket.send("""{"type":"health.check"}""")
                }
            }
        }
        synchronized(lock) {
            health?.cancel()
            if (gen == generation) health = job else job.cancel()
        }
    }
}
