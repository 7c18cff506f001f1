package io.chatsdk.engine.persistence;

import io.chatsdk.engine.internal.ContentKeys;

import jakarta.persistence.EntityManager;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One open transaction: the JPA {@link EntityManager} for entity work and its JDBC connection for native SQL
 * (sequence increments, upserts, bulk reads). Both see the same transaction. Not thread-safe; lives for one
 * {@link Db#inTransaction} call. For {@link Db#readEachStatementAlone} it is only a connection in auto-commit, with no
 * entity manager.
 */
public final class Tx {
    private final EntityManager em;
    private final Connection connection;
    private final ContentKeys keys;
    private boolean wroteEvents;
    private boolean updated;
    /** What the earlier parts of a grouped transaction wrote ({@link #beginPart}). */
    private boolean earlierWroteEvents;
    private boolean earlierUpdated;
    private List<Runnable> afterCommit;
    /** The events this transaction wrote, for the engine's {@link io.chatsdk.engine.spi.CommitListener}; null when none listens. */
    private final List<io.chatsdk.engine.spi.ChatEvent> events;
    /** What a group commit's batch read ahead for its pieces ({@link Db.ReadAhead}); null when nothing was. */
    private java.util.Map<Object, Object> kept;
    /** Rows held back to be written together, by their writer, in the order first used ({@link #holdRows}); null when each is written at once. */
    private java.util.LinkedHashMap<RowWriter<?>, List<Object>> held;

    Tx(EntityManager em, Connection connection, ContentKeys keys, boolean collectEvents) {
        this.em = em;
        this.connection = connection;
        this.keys = keys;
        this.events = collectEvents ? new ArrayList<>() : null;
    }

    /** The tenants' data keys, which seal and open content inside this transaction. */
    public ContentKeys keys() {
        return keys;
    }

    /** The entity manager; null in {@link Db#readEachStatementAlone}. */
    public EntityManager em() {
        return em;
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(mapper.map(rs));
            }
            return out;
        } catch (SQLException e) {
            throw Db.translate(e);
        }
    }

    public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = query(sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public int update(String sql, Object... params) {
        updated = true;
        try (PreparedStatement ps = prepare(sql, params)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw Db.translate(e);
        }
    }

    void markEventsWritten() {
        wroteEvents = true;
    }

    /** Whether the events written are kept for a commit listener ({@link #eventWritten}). */
    boolean collectsEvents() {
        return events != null;
    }

    void eventWritten(io.chatsdk.engine.spi.ChatEvent event) {
        events.add(event);
    }

    /** The events written and not rolled back to a savepoint, in order; empty when none listens. */
    List<io.chatsdk.engine.spi.ChatEvent> events() {
        return events == null ? List.of() : List.copyOf(events);
    }

    boolean wroteEvents() {
        return wroteEvents;
    }

    /** Keeps a value read ahead for this transaction's work ({@link Db.ReadAhead}), under a key its reader will ask for. */
    public void keep(Object key, Object value) {
        if (kept == null) {
            kept = new java.util.HashMap<>();
        }
        kept.put(key, value);
    }

    /** The value kept under {@code key} ({@link #keep}), or null: then the caller reads it itself. */
    @SuppressWarnings("unchecked")
    public <V> V kept(Object key) {
        return kept == null ? null : (V) kept.get(key);
    }

    /** Writes, in one statement, rows of one kind that a transaction held back ({@link #holdRows}), in the order given. */
    @FunctionalInterface
    public interface RowWriter<R> {
        void write(Tx tx, List<R> rows);
    }

    /**
     * From now on, writers that ask ({@link #holdsRows}) hand their rows to {@link #hold} instead of writing each at once,
     * and {@link #writeHeld} writes them, one statement a kind. Nothing in a transaction that does this may read those
     * tables before then (nor the columns such a write also updates: a held message's channel seq and read marker), unless
     * it first writes that kind's rows ({@link #writeHeld(RowWriter)}). Savepoints are refused while rows are held.
     */
    void holdRows() {
        if (held == null) {
            held = new java.util.LinkedHashMap<>();
        }
    }

    /** Whether rows are held back ({@link #holdRows}): then a writer gives its row to {@link #hold}. */
    public boolean holdsRows() {
        return held != null;
    }

    public <R> void hold(RowWriter<R> writer, R row) {
        updated = true;   // a held row is this part's write as much as one written at once
        held.computeIfAbsent(writer, w -> new ArrayList<>()).add(row);
    }

    /** Writes the rows of one kind held so far, for a read of their table; later rows of that kind are held again. */
    @SuppressWarnings("unchecked")
    public <R> void writeHeld(RowWriter<R> writer) {
        List<Object> rows = held == null ? null : held.remove(writer);
        if (rows != null) {
            writer.write(this, (List<R>) rows);
        }
    }

    /** Writes the rows held back, a kind at a time in the order first held; rows handed over after this are written at once. */
    @SuppressWarnings("unchecked")
    void writeHeld() {
        if (held == null) {
            return;
        }
        var kinds = held;
        held = null;
        kinds.forEach((writer, rows) -> ((RowWriter<Object>) writer).write(this, rows));
    }

    /** Runs {@code action} once this transaction has committed (never if it rolls back). */
    public void afterCommit(Runnable action) {
        if (afterCommit == null) {
            afterCommit = new java.util.ArrayList<>();
        }
        afterCommit.add(action);
    }

    void runAfterCommit() {
        if (afterCommit != null) {
            afterCommit.forEach(Runnable::run);
        }
    }

    /** A point inside this transaction that its later work can be rolled back to ({@link #rollbackTo}). */
    record Savepoint(java.sql.Savepoint jdbc, int afterCommitCount, int eventCount) {
    }

    Savepoint savepoint() {
        if (held != null) {
            throw new IllegalStateException("a savepoint while rows are held back");
        }
        try {
            return new Savepoint(connection.setSavepoint(), afterCommit == null ? 0 : afterCommit.size(), events == null ? 0 : events.size());
        } catch (SQLException e) {
            throw Db.translate(e);
        }
    }

    void release(Savepoint savepoint) {
        try {
            connection.releaseSavepoint(savepoint.jdbc());
        } catch (SQLException e) {
            throw Db.translate(e);
        }
    }

    /** Undoes what the transaction did since {@code savepoint}, including the after-commit work and the events it registered. */
    void rollbackTo(Savepoint savepoint) {
        try {
            connection.rollback(savepoint.jdbc());
        } catch (SQLException e) {
            throw Db.translate(e);
        }
        if (afterCommit != null) {
            afterCommit.subList(savepoint.afterCommitCount(), afterCommit.size()).clear();
        }
        if (events != null) {
            events.subList(savepoint.eventCount(), events.size()).clear();
        }
    }

    /**
     * Starts one part of a transaction that carries several threads' work ({@link GroupCommit}): until {@link #endPart},
     * {@link #wrote()} says whether this part wrote.
     */
    void beginPart() {
        earlierWroteEvents |= wroteEvents;
        earlierUpdated |= updated;
        wroteEvents = false;
        updated = false;
    }

    void endPart() {
        wroteEvents |= earlierWroteEvents;
        updated |= earlierUpdated;
    }

    /** Whether this transaction (or the part of it that is running, see {@link #beginPart}) wrote: ran an update or wrote events. */
    public boolean wrote() {
        return updated || wroteEvents;
    }

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                bind(ps, i + 1, params[i]);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.NULL);
        } else if (value instanceof Instant instant) {
            ps.setTimestamp(index, Timestamp.from(instant));
        } else if (value instanceof UUID uuid) {
            ps.setObject(index, uuid);
        } else if (value instanceof UUID[] uuids) {
            ps.setArray(index, connection.createArrayOf("uuid", uuids));
        } else if (value instanceof Long[] longs) {
            ps.setArray(index, connection.createArrayOf("bigint", longs));
        } else if (value instanceof Boolean[] booleans) {
            ps.setArray(index, connection.createArrayOf("boolean", booleans));
        } else if (value instanceof byte[][] bytes) {
            ps.setArray(index, connection.createArrayOf("bytea", bytes));
        } else if (value instanceof Integer[] ints) {
            ps.setArray(index, connection.createArrayOf("integer", ints));
        } else if (value instanceof Instant[] instants) {
            // as ISO-8601 text in UTC: the driver writes a Timestamp array element in the JVM's zone without its offset,
            // which names two instants in the hour a daylight-saving zone repeats
            String[] text = new String[instants.length];
            for (int i = 0; i < instants.length; i++) {
                text[i] = instants[i] == null ? null : instants[i].toString();
            }
            ps.setArray(index, connection.createArrayOf("timestamptz", text));
        } else if (value instanceof String[] strings) {
            Array array = connection.createArrayOf("text", strings);
            ps.setArray(index, array);
        } else if (value instanceof Collection<?> c) {
            Array array = connection.createArrayOf("text", c.stream().map(String::valueOf).toArray(String[]::new));
            ps.setArray(index, array);
        } else {
            ps.setObject(index, value);
        }
    }

    /** Reads a nullable timestamp column as an {@link Instant}. */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    /** Reads a nullable bigint column. */
    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    public static List<String> textArray(ResultSet rs, String column) throws SQLException {
        Array a = rs.getArray(column);
        if (a == null) {
            return List.of();
        }
        return List.of((String[]) a.getArray());
    }
}
