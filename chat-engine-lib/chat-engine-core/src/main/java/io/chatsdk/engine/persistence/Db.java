package io.chatsdk.engine.persistence;

import io.chatsdk.engine.internal.ContentKeys;
import io.chatsdk.engine.types.ChatException;
import io.chatsdk.engine.types.ErrorCode;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceException;
import org.eclipse.persistence.config.PersistenceUnitProperties;
import org.eclipse.persistence.jpa.PersistenceProvider;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The engine's access to PostgreSQL: an EclipseLink persistence unit over the embedder's {@link DataSource},
 * and {@link #inTransaction} which runs one unit of work in one database transaction.
 *
 * <p>The persistence unit is read from {@code META-INF/chatsdk-persistence.xml}, not the standard
 * {@code persistence.xml}, so that a Jakarta EE container scanning the embedder's archive never tries to
 * deploy it as a container-managed unit. EclipseLink's shared cache is off: native SQL writes the same tables.
 */
public final class Db implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Db.class.getName());
    private final EntityManagerFactory emf;
    private final DataSource dataSource;
    private final Runnable afterEventCommit;
    private final ContentKeys keys;
    /**
     * Work added to every transaction just before it commits (the audit log writes a request's record there); work for
     * after the commit goes through {@link Tx#afterCommit}.
     */
    private volatile java.util.function.Consumer<Tx> beforeCommit = tx -> { };
    private volatile GroupCommit groupCommit = new GroupCommit(this, DEFAULT_GROUP_COMMIT_LIMIT);
    /** Hears of each transaction's events around its commit; null when nobody listens. */
    private final java.util.concurrent.atomic.AtomicReference<io.chatsdk.engine.spi.CommitListener> commitListener =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** The most pieces of work {@link #inGroupCommit} puts in one transaction unless told otherwise. */
    public static final int DEFAULT_GROUP_COMMIT_LIMIT = 32;

    public Db(DataSource dataSource, ContentKeys keys, Runnable afterEventCommit) {
        Map<String, Object> props = new HashMap<>();
        props.put(PersistenceUnitProperties.ECLIPSELINK_PERSISTENCE_XML, "META-INF/chatsdk-persistence.xml");
        props.put(PersistenceUnitProperties.NON_JTA_DATASOURCE, dataSource);
        props.put(PersistenceUnitProperties.TRANSACTION_TYPE, "RESOURCE_LOCAL");
        props.put(PersistenceUnitProperties.CLASSLOADER, Db.class.getClassLoader());
        // sessions.SessionCustomizer: the config.SessionCustomizer of EclipseLink 4 is gone from EclipseLink 5 (Payara)
        props.put(PersistenceUnitProperties.SESSION_CUSTOMIZER, FailFastSessionCustomizer.class.getName());
        this.emf = new PersistenceProvider().createEntityManagerFactory("chatsdk", props);
        if (emf == null) {
            throw new IllegalStateException("EclipseLink did not find the chatsdk persistence unit");
        }
        this.dataSource = dataSource;
        this.afterEventCommit = afterEventCommit;
        this.keys = keys;
        keys.attach(this);
    }

    /** Sets the work added to every transaction just before it commits. */
    public void beforeCommit(java.util.function.Consumer<Tx> hook) {
        this.beforeCommit = java.util.Objects.requireNonNull(hook, "hook");
    }

    /** Sets the most pieces of work {@link #inGroupCommit} puts in one transaction; 1 runs each in its own. */
    public void groupCommitLimit(int limit) {
        this.groupCommit = new GroupCommit(this, limit);
    }

    /**
     * Sets the one listener told of the events each transaction writes, around its commit (see
     * {@link io.chatsdk.engine.spi.CommitListener}); null removes it.
     */
    public void commitListener(io.chatsdk.engine.spi.CommitListener listener) {
        commitListener.set(listener);
    }

    /** Removes {@code listener} if it is the one set; another listener set since stays. */
    public void removeCommitListener(io.chatsdk.engine.spi.CommitListener listener) {
        commitListener.compareAndSet(listener, null);
    }

    /** Tells the listener a commit failed or was not tried; a listener that throws is logged, never the caller's failure. */
    private static void aborted(io.chatsdk.engine.spi.CommitListener listener, List<io.chatsdk.engine.spi.ChatEvent> events) {
        try {
            listener.aborted(events);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "commit listener failed on an aborted commit: " + e.getClass().getName());
        }
    }

    void runBeforeCommit(Tx tx) {
        beforeCommit.accept(tx);
    }

    /**
     * Runs {@code work} like {@link #inTransaction}, but in a transaction it may share with work that other threads
     * submit for the same {@code key} at the same time: one commit for all of it (see {@link GroupCommit}). The work
     * may run on another thread, with the submitting thread's audit scope; it must not depend on anything else of its
     * thread, and may run more than once (when a piece of work it was grouped with fails, the batch runs again with each
     * piece in a savepoint, and should that fail too, each piece runs alone).
     */
    public <T> T inGroupCommit(Object key, Function<Tx, T> work) {
        return groupCommit.run(key, null, work);
    }

    /**
     * {@link #inGroupCommit(Object, Function)} with a {@code hint} of what the work will read: when {@code key} is a
     * {@link ReadAhead}, a batch of several pieces first reads for all their hints in one round trip.
     */
    public <T> T inGroupCommit(Object key, Object hint, Function<Tx, T> work) {
        return groupCommit.run(key, hint, work);
    }

    /** How many group-commit batches ran a second time, with savepoints, because a piece failed in their first run. */
    public long groupCommitReruns() {
        return groupCommit.reruns();
    }

    /**
     * A group-commit key whose batches read ahead: once the first piece of a batch has run (and so taken whatever lock
     * the key's work serialises on), {@link #readAhead} gets the hints of the other pieces, in their order, and keeps
     * what it reads in the transaction ({@link Tx#keep}), where each piece finds it ({@link Tx#kept}) instead of reading
     * it itself. A piece so sees what it would have read on its own, as of the first piece's end instead of the pieces
     * before it. The run with savepoints (after a piece failed) and a piece alone read nothing ahead.
     */
    public interface ReadAhead {
        void readAhead(Tx tx, List<Object> hints);
    }

    /**
     * Runs {@code work} in one transaction and commits it. Any exception rolls everything back; database
     * failures are translated to {@link ChatException}s ({@code unavailable} for lost connections).
     */
    public <T> T inTransaction(Function<Tx, T> work) {
        EntityManager em = emf.createEntityManager();
        boolean committed = false;
        Tx tx = null;
        io.chatsdk.engine.spi.CommitListener listener = commitListener.get();
        List<io.chatsdk.engine.spi.ChatEvent> events = List.of();
        try {
            em.getTransaction().begin();
            Connection connection = em.unwrap(Connection.class);
            tx = new Tx(em, connection, keys, listener != null);
            T result = work.apply(tx);
            beforeCommit.accept(tx);
            events = tx.events();
            if (!events.isEmpty()) {
                try {
                    listener.prepared(events);   // still holding the transaction's locks
                } catch (RuntimeException e) {
                    // the change commits anyway: its events reach the bus through the outbox relay
                    LOG.log(System.Logger.Level.WARNING, "commit listener failed before a commit: " + e.getClass().getName());
                    aborted(listener, events);
                    events = List.of();
                }
            }
            try {
                em.getTransaction().commit();
            } catch (RuntimeException | Error e) {
                if (!events.isEmpty()) {
                    aborted(listener, events);
                    events = List.of();
                }
                throw e;
            }
            committed = true;
            if (!events.isEmpty()) {
                try {
                    listener.committed(events);
                } catch (RuntimeException e) {
                    // the commit stands: the events still reach the bus through the outbox relay
                    LOG.log(System.Logger.Level.WARNING, "commit listener failed: " + e.getClass().getName());
                }
            }
            return result;
        } catch (PersistenceException e) {
            throw translate(e);
        } catch (RuntimeException e) {
            throw translateIfDatabase(e);
        } finally {
            if (!committed && em.getTransaction().isActive()) {
                try {
                    em.getTransaction().rollback();
                } catch (RuntimeException ignored) {
                    // the original failure matters more; a broken connection also fails the rollback
                }
            }
            em.close();
            if (committed) {
                tx.runAfterCommit();
            }
            if (committed && tx.wroteEvents()) {
                afterEventCommit.run();
            }
        }
    }

    /** Read-only work; same mechanics, kept separate so intent shows at the call site. */
    public <T> T read(Function<Tx, T> work) {
        return inTransaction(work);
    }

    /**
     * Read-only work whose statements each run alone, in auto-commit: no transaction, so no commit round trip and no
     * entity manager ({@link Tx#em()} is null). Reads only: a write would commit at once, without the audit record,
     * events or after-commit work that {@link #inTransaction} adds. Only for reads that need no snapshot shared between
     * their statements and that run often enough for a round trip to matter (the WebSocket hub's audience look-up, once
     * per event).
     * Database failures are translated as in {@link #inTransaction}.
     */
    public <T> T readEachStatementAlone(Function<Tx, T> work) {
        try (Connection connection = dataSource.getConnection()) {
            boolean wasAutoCommit = connection.getAutoCommit();
            if (!wasAutoCommit) {
                connection.setAutoCommit(true);
            }
            try {
                return work.apply(new Tx(null, connection, keys, false));
            } finally {
                if (!wasAutoCommit) {
                    try {
                        connection.setAutoCommit(false);
                    } catch (SQLException e) {
                        // the work's own outcome matters more; a pool resets the mode of what it gets back anyway
                        LOG.log(System.Logger.Level.DEBUG, "could not restore a connection's auto-commit: " + e.getSQLState());
                    }
                }
            }
        } catch (SQLException e) {
            throw translate(e);
        } catch (RuntimeException e) {
            throw translateIfDatabase(e);
        }
    }

    /**
     * A failure of a unit of work as its caller sees it: EclipseLink's own DatabaseException is not a
     * PersistenceException, so anything carrying an SQLException is ours to translate; anything else (including
     * ChatExceptions and callers' signals) passes through.
     */
    private static RuntimeException translateIfDatabase(RuntimeException e) {
        return hasSqlCause(e) && !(e instanceof ChatException) ? translate(e) : e;
    }

    private static boolean hasSqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    static RuntimeException translate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ChatException ce) {
                return ce;
            }
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.sql.SQLRecoverableException) {
                return new ChatException(ErrorCode.UNAVAILABLE, "the database is unavailable; retry later", null, e);
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return new ChatException(ErrorCode.UNAVAILABLE, "the database is unavailable; retry later", null, e);
                }
                if (state.equals("23505")) {
                    return new UniqueViolation(sql);
                }
                if (state.equals("40001") || state.equals("40P01")) {
                    return new ChatException(ErrorCode.CONFLICT, "a concurrent change conflicted; retry", null, e);
                }
            }
        }
        return new ChatException(ErrorCode.INTERNAL, "a database operation failed", null, e);
    }

    /** A unique-constraint violation; callers that expect one catch it and decide what it means. */
    public static final class UniqueViolation extends ChatException {
        private static final long serialVersionUID = 1L;

        UniqueViolation(SQLException cause) {
            super(ErrorCode.CONFLICT, "a record with the same key already exists", null, cause);
        }
    }

    @Override
    public void close() {
        emf.close();
    }
}
