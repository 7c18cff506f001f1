// @chatsdk/client's offline store on SQLite: channels, their newest messages and pending sends survive app restarts.
// Written against the part of expo-sqlite's async API it uses (SqlDatabase), so that the Node suite runs the same
// store over Node's own SQLite.
import { compareMessages, type CachedChannel, type ChannelResponse, type LocalMessage, type OfflineStore, type PendingSend } from '@chatsdk/client';

type Param = string | number | null;

/** What the store needs of a database: expo-sqlite's SQLiteDatabase has it. */
export interface SqlDatabase {
  execAsync(sql: string): Promise<void>;
  runAsync(sql: string, params: Param[]): Promise<unknown>;
  getAllAsync<T>(sql: string, params: Param[]): Promise<T[]>;
  getFirstAsync<T>(sql: string, params: Param[]): Promise<T | null>;
  withTransactionAsync(task: () => Promise<void>): Promise<void>;
  closeAsync(): Promise<void>;
}

const SCHEMA = `
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS channels (cid TEXT PRIMARY KEY NOT NULL, data TEXT NOT NULL, synced_at TEXT, contiguous_seq INTEGER);
CREATE TABLE IF NOT EXISTS messages (cid TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, created_ms REAL NOT NULL, data TEXT NOT NULL, PRIMARY KEY (cid, id));
CREATE INDEX IF NOT EXISTS messages_by_seq ON messages (cid, seq);
CREATE TABLE IF NOT EXISTS pending (id TEXT PRIMARY KEY NOT NULL, ord INTEGER NOT NULL, data TEXT NOT NULL);
`;

// sent messages by seq, then unsent ones in the order they were written: compareMessages in SQL
const NEWEST_FIRST = 'ORDER BY (seq > 0) ASC, seq DESC, created_ms DESC';

/**
 * One database file per app and user (the namespace), opened by `open`. Calls run one at a time: the client writes
 * from several places at once (events, channel queries), and a connection's transactions must not interleave.
 */
export class SQLiteStore implements OfflineStore {
  private db: SqlDatabase | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** `openDatabase` opens (or creates) the named file, e.g. expo-sqlite's `openDatabaseAsync`. */
  constructor(private readonly openDatabase: (name: string) => Promise<SqlDatabase>) {}

  static fileName(namespace: string): string {
    // the namespace is `apiKey:userId`; file names keep to a safe alphabet, with a hash against collisions
    let h = 0x811c9dc5;
    for (let i = 0; i < namespace.length; i++) h = Math.imul(h ^ namespace.charCodeAt(i), 0x01000193) >>> 0;
    return `chatsdk-${namespace.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80)}-${h.toString(16)}.db`;
  }

  open(namespace: string): Promise<void> {
    return this.serial(async () => {
      await this.db?.closeAsync().catch(() => undefined);
      this.db = undefined;
      const db = await this.openDatabase(SQLiteStore.fileName(namespace));
      await db.execAsync(SCHEMA);
      this.db = db;
    });
  }

  private get sql(): SqlDatabase {
    if (!this.db) throw new Error('the offline store is not open');
    return this.db;
  }

  getChannel(cid: string, limit = Number.MAX_SAFE_INTEGER): Promise<CachedChannel | undefined> {
    return this.serial(async () => {
      const row = await this.sql.getFirstAsync<{ data: string; synced_at: string | null; contiguous_seq: number | null }>(
        'SELECT data, synced_at, contiguous_seq FROM channels WHERE cid = ?', [cid]);
      if (!row) return undefined;
      const sent = await this.sql.getAllAsync<{ data: string }>('SELECT data FROM messages WHERE cid = ? AND seq > 0 ORDER BY seq DESC LIMIT ?', [cid, limit]);
      const unsent = await this.sql.getAllAsync<{ data: string }>('SELECT data FROM messages WHERE cid = ? AND seq <= 0 ORDER BY created_ms', [cid]);
      const messages = sent.reverse().concat(unsent).map((r) => JSON.parse(r.data) as LocalMessage);
      return {
        channel: JSON.parse(row.data) as ChannelResponse,
        messages,
        ...(row.synced_at !== null ? { syncedAt: row.synced_at } : {}),
        ...(row.contiguous_seq !== null ? { contiguousSeq: row.contiguous_seq } : {}),
      };
    });
  }

  messagesBefore(cid: string, seq: number, limit: number): Promise<LocalMessage[]> {
    return this.serial(async () => {
      const rows = await this.sql.getAllAsync<{ data: string }>('SELECT data FROM messages WHERE cid = ? AND seq > 0 AND seq < ? ORDER BY seq DESC LIMIT ?', [cid, seq, limit]);
      return rows.reverse().map((r) => JSON.parse(r.data) as LocalMessage);
    });
  }

  putChannel(cid: string, channel: ChannelResponse | undefined, messages: LocalMessage[], keep: number, marks: { syncedAt?: string | undefined; contiguousSeq?: number | undefined } = {}): Promise<void> {
    return this.serial(async () => {
      const db = this.sql;
      await db.withTransactionAsync(async () => {
        const exists = await db.getFirstAsync<{ cid: string }>('SELECT cid FROM channels WHERE cid = ?', [cid]);
        if (!exists && !channel) return;
        if (channel) {
          await db.runAsync(
            `INSERT INTO channels (cid, data, synced_at, contiguous_seq) VALUES (?, ?, ?, ?)
             ON CONFLICT (cid) DO UPDATE SET data = excluded.data`, [cid, JSON.stringify(channel), marks.syncedAt ?? null, marks.contiguousSeq ?? null]);
        }
        if (marks.syncedAt !== undefined) await db.runAsync('UPDATE channels SET synced_at = ? WHERE cid = ?', [marks.syncedAt, cid]);
        if (marks.contiguousSeq !== undefined) await db.runAsync('UPDATE channels SET contiguous_seq = ? WHERE cid = ?', [marks.contiguousSeq, cid]);
        for (const m of [...messages].sort(compareMessages)) {
          await db.runAsync(
            `INSERT INTO messages (cid, id, seq, created_ms, data) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (cid, id) DO UPDATE SET seq = excluded.seq, created_ms = excluded.created_ms, data = excluded.data`,
            [cid, m.id, m.seq || 0, Date.parse(m.created_at) || 0, JSON.stringify(m)]);
        }
        if (Number.isFinite(keep)) {
          await db.runAsync(`DELETE FROM messages WHERE cid = ? AND id NOT IN (SELECT id FROM messages WHERE cid = ? ${NEWEST_FIRST} LIMIT ?)`, [cid, cid, keep]);
        }
      });
    });
  }

  deleteChannel(cid: string): Promise<void> {
    return this.serial(async () => {
      const db = this.sql;
      await db.withTransactionAsync(async () => {
        await db.runAsync('DELETE FROM messages WHERE cid = ?', [cid]);
        await db.runAsync('DELETE FROM channels WHERE cid = ?', [cid]);
      });
    });
  }

  deleteMessage(cid: string, id: string): Promise<void> {
    return this.serial(async () => {
      await this.sql.runAsync('DELETE FROM messages WHERE cid = ? AND id = ?', [cid, id]);
    });
  }

  pending(): Promise<PendingSend[]> {
    return this.serial(async () => {
      const rows = await this.sql.getAllAsync<{ data: string }>('SELECT data FROM pending ORDER BY ord', []);
      return rows.map((r) => JSON.parse(r.data) as PendingSend);
    });
  }

  putPending(send: PendingSend): Promise<void> {
    return this.serial(async () => {
      await this.sql.runAsync('INSERT INTO pending (id, ord, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET ord = excluded.ord, data = excluded.data', [send.id, send.order, JSON.stringify(send)]);
    });
  }

  deletePending(id: string): Promise<void> {
    return this.serial(async () => {
      await this.sql.runAsync('DELETE FROM pending WHERE id = ?', [id]);
    });
  }

  clear(): Promise<void> {
    return this.serial(async () => {
      await this.sql.execAsync('DELETE FROM messages; DELETE FROM channels; DELETE FROM pending;');
    });
  }

  close(): void {
    void this.serial(async () => {
      const db = this.db;
      this.db = undefined;
      await db?.closeAsync().catch(() => undefined);
    });
  }
}
