package io.chatsdk.client

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import kotlin.test.assertEquals
import kotlin.test.assertNull

class SqliteStoreTest {
    @Test
    fun messagesMarksAndTheQueueOutliveTheStore(@TempDir dir: Path) {
        val file = dir.resolve("chat.db")
        SqliteStore(file).use { s -> fill(s) }
        SqliteStore(file).use { s -> check(s) }
    }

    @Test
    fun theInMemoryStoreBehavesTheSame() {
        val s = InMemoryStore()
        fill(s)
        check(s)
    }

    private fun fill(s: LocalStore) {
        s.putMessages((1..5).map { StoredMessage("m$it", "messaging:a", it.toLong(), """{"n":$it}""") } + StoredMessage("x", "messaging:b", 9, "{}"))
        s.putMessages(listOf(StoredMessage("m5", "messaging:a", 5, """{"n":"edited"}""")))
        s.putSyncMark("messaging:a", SyncMark(5, "2026-12-04T00:00:00Z"))
        s.putSyncMark("messaging:b", SyncMark(9, null))
        // same millisecond, queued in this order: the queue keeps it
        s.putPending(PendingSend("z-first", "messaging:a", "u", "first", 7))
        s.putPending(PendingSend("a-second", "messaging:a", "u", "second", 7))
    }

    private fun check(s: LocalStore) {
        assertEquals(listOf("m3", "m4", "m5"), s.messages("messaging:a", 3).map { it.id })
        assertEquals("""{"n":"edited"}""", s.messages("messaging:a", 1).single().json)
        assertEquals(SyncMark(5, "2026-12-04T00:00:00Z"), s.syncMark("messaging:a"))
        assertEquals(listOf("z-first", "a-second"), s.pending().map { it.id })
        assertEquals("u", s.pending().first().userId)
        s.deletePending("z-first")
        s.clearChannel("messaging:b")
        assertEquals(listOf("a-second"), s.pending().map { it.id })
        assertNull(s.syncMark("messaging:b"))
        assertEquals(emptyList(), s.messages("messaging:b", 10))
    }
}
