package io.chatsdk.client

/**
 * Where the client keeps what must outlive the process: the messages it has seen (as the server's JSON) with each
 * channel's highest seq, and the sends not yet acknowledged. The JVM implementation is [SqliteStore]; on Android,
 * Room implements the same interface. Methods are called from background threads, one at a time per client.
 */
interface LocalStore : AutoCloseable {
    /** Stores or replaces messages by id. */
    fun putMessages(messages: List<StoredMessage>)

    /** The newest [limit] messages of a channel, oldest first. */
    fun messages(cid: String, limit: Int): List<StoredMessage>

    /** Forgets a channel's messages (the server said the gap is too big to sync: the channel is loaded again). */
    fun clearChannel(cid: String)

    /** Every channel with stored messages, with its highest seq: what a sync asks the server to continue from. */
    fun lastSeqs(): Map<String, Long>

    /** Queues a send (replaces one with the same id). */
    fun putPending(send: PendingSend)

    /** Queued sends, oldest first. */
    fun pending(): List<PendingSend>

    fun deletePending(id: String)

    override fun close() {}
}

/** A message as stored: its channel, its seq and the server's JSON of it. */
data class StoredMessage(val id: String, val cid: String, val seq: Long, val json: String)

/** A send waiting for the server: the client-chosen [id] makes a repeat return the stored message instead of a copy. */
data class PendingSend(val id: String, val cid: String, val text: String, val createdAtMillis: Long)

/** A [LocalStore] in memory: nothing survives the process. The default. */
class InMemoryStore : LocalStore {
    private val messages = LinkedHashMap<String, StoredMessage>()
    private val queue = LinkedHashMap<String, PendingSend>()

    @Synchronized
    override fun putMessages(messages: List<StoredMessage>) {
        messages.forEach { this.messages[it.id] = it }
    }

    @Synchronized
    override fun messages(cid: String, limit: Int): List<StoredMessage> =
        messages.values.filter { it.cid == cid }.sortedBy { it.seq }.takeLast(limit)

    @Synchronized
    override fun clearChannel(cid: String) {
        messages.values.removeIf { it.cid == cid }
    }

    @Synchronized
    override fun lastSeqs(): Map<String, Long> =
        messages.values.groupBy { it.cid }.mapValues { (_, list) -> list.maxOf { it.seq } }

    @Synchronized
    override fun putPending(send: PendingSend) {
        queue[send.id] = send
    }

    @Synchronized
    override fun pending(): List<PendingSend> = queue.values.sortedBy { it.createdAtMillis }

    @Synchronized
    override fun deletePending(id: String) {
        queue.remove(id)
    }
}
