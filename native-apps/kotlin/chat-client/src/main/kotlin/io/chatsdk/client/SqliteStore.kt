package io.chatsdk.client

import java.nio.file.Path
import java.sql.Connection
import java.sql.DriverManager

/**
 * A [LocalStore] in one SQLite file (sqlite-jdbc), for the JVM. Opening it creates the file and its tables if needed.
 * Not for Android: there, implement [LocalStore] with Room.
 */
class SqliteStore(file: Path) : LocalStore {
    private val db: Connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())

    init {
        db.createStatement().use {
            it.executeUpdate("pragma journal_mode = wal")
            it.executeUpdate("create table if not exists message (id text primary key, cid text not null, seq integer not null, json text not null)")
            it.executeUpdate("create index if not exists message_by_seq on message (cid, seq)")
            it.executeUpdate("create table if not exists sync_mark (cid text primary key, seq integer not null, synced_at text)")
            // the queue's order is the autoincrement position, not a clock: two sends in one millisecond keep their order
            it.executeUpdate("create table if not exists pending_send (position integer primary key autoincrement, id text not null unique, "
                + "cid text not null, user_id text not null, text text not null, created_at integer not null)")
        }
    }

    @Synchronized
    override fun putMessages(messages: List<StoredMessage>) {
        if (messages.isEmpty()) return
        transaction {
            db.prepareStatement("insert or replace into message (id, cid, seq, json) values (?, ?, ?, ?)").use { s ->
                for (m in messages) {
                    s.setString(1, m.id); s.setString(2, m.cid); s.setLong(3, m.seq); s.setString(4, m.json)
                    s.addBatch()
                }
                s.executeBatch()
            }
        }
    }

    @Synchronized
    override fun messages(cid: String, limit: Int): List<StoredMessage> =
        db.prepareStatement("select id, cid, seq, json from (select * from message where cid = ? order by seq desc limit ?) order by seq").use { s ->
            s.setString(1, cid); s.setInt(2, limit)
            s.executeQuery().use { rs ->
                buildList { while (rs.next()) add(StoredMessage(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4))) }
            }
        }

    @Synchronized
    override fun clearChannel(cid: String) = transaction {
        db.prepareStatement("delete from message where cid = ?").use { it.setString(1, cid); it.executeUpdate() }
        db.prepareStatement("delete from sync_mark where cid = ?").use { it.setString(1, cid); it.executeUpdate() }
    }

    @Synchronized
    override fun syncMark(cid: String): SyncMark? =
        db.prepareStatement("select seq, synced_at from sync_mark where cid = ?").use { s ->
            s.setString(1, cid)
            s.executeQuery().use { rs -> if (rs.next()) SyncMark(rs.getLong(1), rs.getString(2)) else null }
        }

    @Synchronized
    override fun putSyncMark(cid: String, mark: SyncMark) {
        db.prepareStatement("insert or replace into sync_mark (cid, seq, synced_at) values (?, ?, ?)").use { s ->
            s.setString(1, cid); s.setLong(2, mark.seq); s.setString(3, mark.syncedAt)
            s.executeUpdate()
        }
    }

    @Synchronized
    override fun putPending(send: PendingSend) = transaction {
        db.prepareStatement("delete from pending_send where id = ?").use { it.setString(1, send.id); it.executeUpdate() }
        db.prepareStatement("insert into pending_send (id, cid, user_id, text, created_at) values (?, ?, ?, ?, ?)").use { s ->
            s.setString(1, send.id); s.setString(2, send.cid); s.setString(3, send.userId); s.setString(4, send.text); s.setLong(5, send.createdAtMillis)
            s.executeUpdate()
        }
    }

    @Synchronized
    override fun pending(): List<PendingSend> =
        db.createStatement().use { s ->
            s.executeQuery("select id, cid, user_id, text, created_at from pending_send order by position").use { rs ->
                buildList { while (rs.next()) add(PendingSend(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5))) }
            }
        }

    @Synchronized
    override fun deletePending(id: String) {
        db.prepareStatement("delete from pending_send where id = ?").use { it.setString(1, id); it.executeUpdate() }
    }

    @Synchronized
    override fun close() = db.close()

    private fun transaction(work: () -> Unit) {
        db.autoCommit = false
        try {
            work()
            db.commit()
        } catch (e: Exception) {
            db.rollback()
            throw e
        } finally {
            db.autoCommit = true
        }
    }
}
