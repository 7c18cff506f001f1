// The app's SQLite offline store, run over Node's own SQLite (node:sqlite) through the same async API that expo-sqlite
// offers on devices, against the conformance suite every OfflineStore passes.
import { describe, expect, it } from 'vitest';
import { DatabaseSync } from 'node:sqlite';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLiteStore, type SqlDatabase } from '../src/sqlite-store.js';
import { storeConformance } from '../../test-support/store-conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'chatsdk-sqlite-'));

/** expo-sqlite's async surface over node:sqlite. */
function open(name: string): Promise<SqlDatabase> {
  const db = new DatabaseSync(join(dir, name));
  let depth = 0;
  return Promise.resolve({
    execAsync: async (sql) => void db.exec(sql),
    runAsync: async (sql, params) => db.prepare(sql).run(...params),
    getAllAsync: async <T>(sql: string, params: (string | number | null)[]) => db.prepare(sql).all(...params) as T[],
    getFirstAsync: async <T>(sql: string, params: (string | number | null)[]) => (db.prepare(sql).get(...params) as T | undefined) ?? null,
    withTransactionAsync: async (task) => {
      if (depth++ === 0) db.exec('BEGIN');
      try {
        await task();
        if (depth === 1) db.exec('COMMIT');
      } catch (e) {
        if (depth === 1) db.exec('ROLLBACK');
        throw e;
      } finally {
        depth--;
      }
    },
    closeAsync: async () => db.close(),
  });
}

storeConformance('SQLiteStore', () => new SQLiteStore(open));

describe('SQLiteStore', () => {
  it('keeps what it holds across a reopen, per namespace, and forgets it on clear', async () => {
    const channel = { cid: 'messaging:y', type: 'messaging', id: 'y', frozen: false, config: {}, last_seq: 1, member_count: 1, created_at: '', updated_at: '' } as never;
    const a = new SQLiteStore(open);
    await a.open('key:alice');
    await a.putChannel('messaging:y', channel, [], 10, { contiguousSeq: 7 });
    await a.putPending({ id: 'm1', cid: 'messaging:y', message: { id: 'm1', text: 'queued while offline' }, createdAt: 1, order: 1 });
    a.close();
    const again = new SQLiteStore(open);
    await again.open('key:alice');
    expect((await again.getChannel('messaging:y'))?.contiguousSeq).toBe(7);
    expect((await again.pending()).map((p) => p.message.text)).toEqual(['queued while offline']);
    const bob = new SQLiteStore(open);
    await bob.open('key:bob');
    expect(await bob.getChannel('messaging:y')).toBeUndefined();
    expect(await bob.pending()).toEqual([]);
    await again.clear();
    expect(await again.getChannel('messaging:y')).toBeUndefined();
    expect(await again.pending()).toEqual([]);
  });

  it('names files safely whatever the namespace holds', () => {
    expect(SQLiteStore.fileName('key:../../etc/passwd')).toMatch(/^chatsdk-[A-Za-z0-9_-]+-[0-9a-f]+\.db$/);
    expect(SQLiteStore.fileName('k:a/b')).not.toBe(SQLiteStore.fileName('k:a_b'));
  });
});
