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
import kotlinx.serialization.json.jsonPrimitive
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
 * backoff. A 4401 or 4403 close (bad token, forbidden) stops it: retrying cannot help.
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

        /** The server refused the connection for good (4401, 4403): no retry follows. */
        fun onRefused(error: ChatException)
    }

    @Volatile private var socket: WebSocket? = null
    @Volatile private var stopped = false
    @Volatile private var lastHeard = 0L
    @Volatile var connectionId: String? = null
        private set
    private var everConnected = false
    private var attempt = 0
    private var health: Job? = null

    fun start() = open()

    fun stop() {
        stopped = true
        health?.cancel()
        socket?.close(1000, "client closed")
        socket = null
        connectionId = null
        listener.onState(ConnectionState.CLOSED)
    }

    /** Drops the socket and reconnects at once (after a network change, say). */
    fun reconnectNow() {
        socket?.cancel()
    }

    private fun open() {
        if (stopped) return
        listener.onState(ConnectionState.CONNECTING)
        val request = Request.Builder().url(url).build()
        var hello = false
        socket = http.newWebSocket(request, object : WebSocketListener() {
            override fun onOpen(webSocket: WebSocket, response: Response) {
                webSocket.send(buildJsonObject {
                    put("type", JsonPrimitive("authorization"))
                    put("token", JsonPrimitive(token))
                }.toString())
            }

            override fun onMessage(webSocket: WebSocket, text: String) {
                if (webSocket !== socket) return
                lastHeard = System.currentTimeMillis()
                val frame = try {
                    ChatJson.parseToJsonElement(text).jsonObject
                } catch (e: Exception) {
                    return // not JSON, or not an object: nothing the client could act on
                }
                val type = (frame["type"] as? JsonPrimitive)?.content
                if (!hello && type == "health.check") {
                    hello = true
                    attempt = 0
                    connectionId = frame["connection_id"]?.jsonPrimitive?.content
                    val reconnect = everConnected
                    everConnected = true
                    startHealthChecks(webSocket)
                    listener.onState(ConnectionState.ONLINE)
                    listener.onHello(frame, reconnect)
                    return
                }
                listener.onFrame(frame)
            }

            override fun onClosing(webSocket: WebSocket, code: Int, reason: String) {
                webSocket.close(1000, null)
                ended(webSocket, code, reason)
            }

            override fun onFailure(webSocket: WebSocket, t: Throwable, response: Response?) {
                ended(webSocket, 0, t.javaClass.simpleName)
            }
        })
    }

    private fun ended(webSocket: WebSocket, code: Int, reason: String) {
        if (webSocket !== socket) return
        socket = null
        connectionId = null
        health?.cancel()
        if (stopped) return
        if (code == 4401 || code == 4403) {
            stopped = true
            val errorCode = reason.substringBefore(':').ifBlank { if (code == 4401) "token_invalid" else "forbidden" }
            listener.onState(ConnectionState.CLOSED)
            listener.onRefused(ChatException(if (code == 4401) 401 else 403, errorCode, reason))
            return
        }
        listener.onState(ConnectionState.OFFLINE)
        val wait = minOf(10_000L, 500L shl minOf(attempt, 5)) / 2 + Random.nextLong(0, minOf(10_000L, 500L shl minOf(attempt, 5)) / 2 + 1)
        attempt++
        scope.launch {
            delay(wait)
            if (!stopped && socket == null) open()
        }
    }

    private fun startHealthChecks(webSocket: WebSocket) {
        health?.cancel()
        health = scope.launch {
            var sinceCheck = 0L
            val tick = minOf(healthIntervalMillis, deadAfterMillis / 2)
            while (isActive && socket === webSocket) {
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
    }
}
