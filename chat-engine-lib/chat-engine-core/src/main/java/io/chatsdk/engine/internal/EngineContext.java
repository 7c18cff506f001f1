package io.chatsdk.engine.internal;

import io.chatsdk.engine.audit.AuditLog;
import io.chatsdk.engine.persistence.Db;
import io.chatsdk.engine.spi.IdGenerator;
import io.chatsdk.engine.spi.KeyProvider;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What every service needs: the database, time, ids, keys and the audit log; and the embedding model, null when the
 * engine has none, and the external search engines apps may switch on (often none); and what the node remembers of
 * token states and channels' members. Immutable and thread-safe.
 */
public record EngineContext(Db db, Clock clock, IdGenerator ids, KeyProvider keys, SecureRandom random, AuditLog audit, Redactors redactors,
                            BlocklistCache blocklists, SendHook hook, io.chatsdk.engine.spi.Embedder embedder,
                            java.util.List<io.chatsdk.engine.spi.SearchEngine> searchEngines, TokenStates tokenStates,
                            MemberLists memberLists) {

    /** The current time at microsecond precision, which is what PostgreSQL stores. */
    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
