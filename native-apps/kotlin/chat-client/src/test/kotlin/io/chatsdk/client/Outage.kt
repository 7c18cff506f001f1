package io.chatsdk.client

import java.io.Closeable
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.util.concurrent.CopyOnWriteArrayList

/**
 * A TCP relay in front of the appliance that the tests cut and restore: [cut] drops every open connection and
 * refuses new ones (a real network outage for the client, with nothing faked in it), [restore] listens again.
 */
class Outage(private val targetPort: Int) : Closeable {
    val port: Int = ServerSocket(0).use { it.localPort }
    private val open = CopyOnWriteArrayList<Socket>()
    @Volatile private var server: ServerSocket? = null

    init {
        restore()
    }

    fun restore() {
        val s = ServerSocket()
        s.reuseAddress = true
        s.bind(InetSocketAddress("127.0.0.1", port))
        server = s
        Thread {
            while (!s.isClosed) {
                val client = runCatching { s.accept() }.getOrNull() ?: break
                val upstream = runCatching { Socket("127.0.0.1", targetPort) }.getOrNull()
                if (upstream == null) { client.close(); continue }
                open += client; open += upstream
                pipe(client, upstream); pipe(upstream, client)
            }
        }.apply { isDaemon = true }.start()
    }

    fun cut() {
        server?.close()
        open.forEach { runCatching { it.close() } }
        open.clear()
    }

    override fun close() = cut()

    private fun pipe(from: Socket, to: Socket) = Thread {
        runCatching { from.getInputStream().transferTo(to.getOutputStream()) }
        runCatching { from.close() }; runCatching { to.close() }
    }.apply { isDaemon = true }.start()
}
