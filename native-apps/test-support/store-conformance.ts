// What every OfflineStore must do, run against each implementation: the client's MemoryStore and IndexedDBStore, and
// the app's SQLiteStore.
import { describe, expect, it } from 'vitest';
import type { LocalMessage, OfflineStore } from '../packages/client/src/index.js';

const msg = (id: string, seq: number, created = '2026-12-03T10:00:00Z'): LocalMessage => ({
  id, cid: 'messaging:x', seq, user_id: 'alice', type: 'regular', text: id, attachments: [], mentioned_users: [], reply_count: 0,
  pinned: false, silent: false, reaction_counts: {}, reaction_scores: {}, own_reactions: [], created_at: created, updated_at: created,
  status: seq ? 'sent' : 'pending',
});
const channel = { cid: 'messaging:x', type: 'messaging', id: 'x', frozen: false, config: {}, last_seq: 3, member_count: 2, created_at: '', updated_at: '' } as never;

export function storeConformance(name: string, make: () => OfflineStore): void {
  describe(name, () => {
    it('keeps channels, the newest messages and pending sends in order', async () => {
      const store: OfflineStore = make();
      await store.open(`key:alice:${name}`);
      await store.putChannel('messaging:x', channel, [msg('a', 1), msg('b', 2), msg('c', 3), msg('p', 0)], 3, { syncedAt: '2026-12-03T10:00:00Z', contiguousSeq: 3 });
      const got = await store.getChannel('messaging:x');
      expect(got?.messages.map((m) => m.id)).toEqual(['b', 'c', 'p']);
      expect(got?.syncedAt).toBe('2026-12-03T10:00:00Z');
      expect(got?.contiguousSeq).toBe(3);
      await store.putChannel('messaging:x', undefined, [{ ...msg('p', 4) }], 3);
      expect((await store.getChannel('messaging:x'))?.messages.map((m) => m.id)).toEqual(['b', 'c', 'p']);
      await store.putChannel('messaging:x', undefined, [msg('d', 5)], 3);
      expect((await store.getChannel('messaging:x'))?.messages.map((m) => m.id)).toEqual(['c', 'p', 'd']);
      expect((await store.getChannel('messaging:x', 1))?.messages.map((m) => m.id)).toEqual(['d']);
      expect((await store.messagesBefore('messaging:x', 5, 10)).map((m) => m.id)).toEqual(['c', 'p']);
      expect((await store.messagesBefore('messaging:x', 5, 1)).map((m) => m.id)).toEqual(['p']);
      expect(await store.messagesBefore('messaging:x', 3, 10)).toEqual([]);
      await store.putPending({ id: '2', cid: 'messaging:x', message: { id: '2', text: 'two' }, createdAt: 1, order: 2 });
      await store.putPending({ id: '1', cid: 'messaging:x', message: { id: '1', text: 'one' }, createdAt: 1, order: 1 });
      expect((await store.pending()).map((p) => p.id)).toEqual(['1', '2']);
      await store.deletePending('1');
      expect((await store.pending()).map((p) => p.id)).toEqual(['2']);
      await store.deleteMessage('messaging:x', 'c');
      expect((await store.getChannel('messaging:x'))?.messages.map((m) => m.id)).toEqual(['p', 'd']);
      await store.deleteChannel('messaging:x');
      expect(await store.getChannel('messaging:x')).toBeUndefined();
      await store.clear();
    });
  });
}
