package io.chatsdk.client

import java.io.Closeable
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.util.concurrent.CopyOnWriteArrayList

/**
 * A TCP relay in front of the appliance that the tests cut and restore. While cut, every open connection is dropped
 * and every new one is closed at once: a real network outage for the client, with nothing faked in it. It also notes
 * the HTTP request lines it forwarded (`POST /api/v1/sync`), so that a test can see what reached the server.
 */
class Outage(private val targetPort: Int) : Closeable {
    private val server = ServerSocket().apply { reuseAddress = true; bind(InetSocketAddress("127.0.0.1", 0)) }
    val port: Int = server.localPort
    private val open = CopyOnWriteArrayList<Socket>()
    @Volatile private var down = false
    /** Request lines seen, as "POST /api/v1/sync" (no query string). */
    val requests = CopyOnWriteArrayList<String>()
    private val requestLine = Regex("""(GET|POST|PUT|PATCH|DELETE) (/[^ ?]*)[^ ]* HTTP/1\.1""")

    init {
        Thread {
            while (!server.isClosed) {
                val client = runCatching { server.accept() }.getOrNull() ?: break
                val upstream = if (down) null else runCatching { Socket("127.0.0.1", targetPort) }.getOrNull()
                if (upstream == null) { client.close(); continue }
                // checked again under the lock cut() takes, so that a connection accepted as the cut began is closed too
                val kept = synchronized(open) { if (down) false else { open += client; open += upstream; true } }
                if (!kept) { client.close(); upstream.close(); continue }
                pipe(client, upstream, watch = true); pipe(upstream, client, watch = false)
            }
        }.apply { isDaemon = true }.start()
    }

    fun cut() = synchronized(open) {
        down = true
        open.forEach { runCatching { it.close() } }
        open.clear()
    }

    fun restore() {
        down = false
    }

    fun count(line: String): Int = requests.count { it == line }

    override fun close() {
        cut()
        server.close()
    }

    private fun pipe(from: Socket, to: Socket, watch: Boolean) = Thread {
        runCatching {
            val buf = ByteArray(16 * 1024)
            val input = from.getInputStream()
            val output = to.getOutputStream()
            while (true) {
                val n = input.read(buf)
                // Nothing passes while cut. A socket that cut() closed while this thread was blocked reading it is
                // only pre-closed until the JDK signals the thread, so the read can still hand over bytes the client
                // wrote after the cut (OkHttp reuses a connection idle for under 10 s without checking it).
                if (n < 0 || down) break
                output.write(buf, 0, n)
                output.flush()
                // noted once forwarded; a client's WebSocket frames are masked, so only real request lines match
                if (watch) requestLine.findAll(String(buf, 0, n, Charsets.ISO_8859_1)).forEach { requests += it.groupValues[1] + " " + it.groupValues[2] }
            }
        }
        runCatching { from.close() }; runCatching { to.close() }
    }.apply { isDaemon = true }.start()
}
