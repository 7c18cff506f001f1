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

/**
 * expo-sqlite's async surface over node:sqlite, as expo-sqlite behaves: each call yields to the event loop (the native
 * call is asynchronous), and withTransactionAsync is a plain BEGIN and COMMIT on the one connection, so two at once fail.
 */
function open(name: string): Promise<SqlDatabase> {
  const db = new DatabaseSync(join(dir, name));
  const tick = () => new Promise((r) => setImmediate(r));
  return Promise.resolve({
    execAsync: async (sql) => { await tick(); db.exec(sql); },
    runAsync: async (sql, params) => { await tick(); return db.prepare(sql).run(...params); },
    getAllAsync: async <T>(sql: string, params: (string | number | null)[]) => { await tick(); return db.prepare(sql).all(...params) as T[]; },
    getFirstAsync: async <T>(sql: string, params: (string | number | null)[]) => { await tick(); return (db.prepare(sql).get(...params) as T | undefined) ?? null; },
    withTransactionAsync: async (task) => {
      await tick();
      db.exec('BEGIN');
      try {
        await task();
        db.exec('COMMIT');
      } catch (e) {
        db.exec('ROLLBACK');
        throw e;
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

  it('takes concurrent writes one at a time, losing none (the client writes from events and queries at once)', async () => {
    const store = new SQLiteStore(open);
    await store.open('key:concurrent');
    const channel = (id: string) => ({ cid: `messaging:${id}`, type: 'messaging', id, frozen: false, config: {}, last_seq: 1, member_count: 1, created_at: '', updated_at: '' }) as never;
    const at = '2026-12-03T10:00:00Z';
    const message = (cid: string, id: string, seq: number) => ({ id, cid, seq, user_id: 'a', type: 'regular', text: id, attachments: [], mentioned_users: [], reply_count: 0, pinned: false, silent: false, reaction_counts: {}, reaction_scores: {}, own_reactions: [], created_at: at, updated_at: at, status: 'sent' }) as never;
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.putChannel(`messaging:c${i}`, channel(`c${i}`), [message(`messaging:c${i}`, `m${i}`, 1)], 10)));
    await Promise.all([store.clear(), store.putPending({ id: 'late', cid: 'messaging:c1', message: { id: 'late', text: 'x' }, createdAt: 1, order: 1 })]);
    expect(await store.getChannel('messaging:c0')).toBeUndefined();
    expect((await store.pending()).map((p) => p.id)).toEqual(['late']);
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.putChannel(`messaging:c${i}`, channel(`c${i}`), [message(`messaging:c${i}`, `m${i}`, 1)], 10)));
    for (let i = 0; i < 30; i++) expect((await store.getChannel(`messaging:c${i}`))?.messages.map((m) => m.id)).toEqual([`m${i}`]);
  });

  it('names files safely whatever the namespace holds', () => {
    expect(SQLiteStore.fileName('key:../../etc/passwd')).toMatch(/^chatsdk-[A-Za-z0-9_-]+-[0-9a-f]+\.db$/);
    expect(SQLiteStore.fileName('k:a/b')).not.toBe(SQLiteStore.fileName('k:a_b'));
  });
});
