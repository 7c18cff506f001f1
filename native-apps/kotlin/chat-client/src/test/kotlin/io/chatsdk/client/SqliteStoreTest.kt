package io.chatsdk.client

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import kotlin.test.assertEquals

class SqliteStoreTest {
    @Test
    fun messagesAndTheQueueOutliveTheStore(@TempDir dir: Path) {
        val file = dir.resolve("chat.db")
        SqliteStore(file).use { s ->
            s.putMessages((1..5).map { StoredMessage("m$it", "messaging:a", it.toLong(), """{"n":$it}""") } + StoredMessage("x", "messaging:b", 9, "{}"))
            s.putMessages(listOf(StoredMessage("m5", "messaging:a", 5, """{"n":"edited"}""")))
            s.putPending(PendingSend("p2", "messaging:a", "second", 2))
            s.putPending(PendingSend("p1", "messaging:a", "first", 1))
        }
        SqliteStore(file).use { s ->
            assertEquals(listOf("m3", "m4", "m5"), s.messages("messaging:a", 3).map { it.id })
            assertEquals("""{"n":"edited"}""", s.messages("messaging:a", 1).single().json)
            assertEquals(mapOf("messaging:a" to 5L, "messaging:b" to 9L), s.lastSeqs())
            assertEquals(listOf("p1", "p2"), s.pending().map { it.id })
            s.deletePending("p1")
            s.clearChannel("messaging:b")
            assertEquals(listOf("p2"), s.pending().map { it.id })
            assertEquals(mapOf("messaging:a" to 5L), s.lastSeqs())
        }
    }

    @Test
    fun theInMemoryStoreBehavesTheSame() {
        val s = InMemoryStore()
        s.putMessages(listOf(StoredMessage("b", "c", 2, "{}"), StoredMessage("a", "c", 1, "{}")))
        s.putPending(PendingSend("q", "c", "t", 5))
        assertEquals(listOf("a", "b"), s.messages("c", 10).map { it.id })
        assertEquals(mapOf("c" to 2L), s.lastSeqs())
        assertEquals(listOf("q"), s.pending().map { it.id })
    }
}
