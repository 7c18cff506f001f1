package io.chatsdk.client

/**
 * Where the client keeps what must outlive the process: the messages it has seen (as the server's JSON) with their
 * seq, each channel's sync mark, and the sends not yet acknowledged. The JVM implementation is [SqliteStore]; on
 * Android, Room implements the same interface. The client calls it from background threads.
 */
interface LocalStore : AutoCloseable {
    /** Stores or replaces messages by id. */
    fun putMessages(messages: List<StoredMessage>)

    /** The newest [limit] messages of a channel, oldest first. */
    fun messages(cid: String, limit: Int): List<StoredMessage>

    /** Forgets a channel's messages and its sync mark (the server said the gap is too big to sync: it is loaded again). */
    fun clearChannel(cid: String)

    /** How far a channel is known without gaps, or null if it was never loaded. */
    fun syncMark(cid: String): SyncMark?

    fun putSyncMark(cid: String, mark: SyncMark)

    /** Queues a send (replaces one with the same id). */
    fun putPending(send: PendingSend)

    /** Queued sends of every user, in the order they were queued. */
    fun pending(): List<PendingSend>

    fun deletePending(id: String)

    override fun close() {}
}

/** A message as stored: its channel, its seq and the server's JSON of it. */
class StoredMessage(val id: String, val cid: String, val seq: Long, val json: String) {
    override fun toString() = "StoredMessage($id, $cid, seq $seq)"   // never the content
}

/**
 * A channel's sync mark: the client holds every message the user may read up to [seq], and every change up to the
 * server time [syncedAt] (null before the first sync). A sync continues from here.
 */
data class SyncMark(val seq: Long, val syncedAt: String?)

/**
 * A send waiting for the server, made by [userId]: the client-chosen [id] makes a repeat return the stored message
 * instead of a copy.
 */
class PendingSend(val id: String, val cid: String, val userId: String, val text: String, val createdAtMillis: Long) {
    override fun toString() = "PendingSend($id, $cid, by $userId)"   // never the content
}

/** A [LocalStore] in memory: nothing survives the process. The default. */
class InMemoryStore : LocalStore {
    private val messages = LinkedHashMap<String, StoredMessage>()
    private val marks = HashMap<String, SyncMark>()
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
        marks.remove(cid)
    }

    @Synchronized
    override fun syncMark(cid: String): SyncMark? = marks[cid]

    @Synchronized
    override fun putSyncMark(cid: String, mark: SyncMark) {
        marks[cid] = mark
    }

    @Synchronized
    override fun putPending(send: PendingSend) {
        queue.remove(send.id)
        queue[send.id] = send
    }

    @Synchronized
    override fun pending(): List<PendingSend> = queue.values.toList()

    @Synchronized
    override fun deletePending(id: String) {
        queue.remove(id)
    }
}
