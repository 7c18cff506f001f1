import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { backoffDelay, compareMessages, IndexedDBStore, MemoryStore, parseFrame, type LocalMessage } from '../src/index.js';
import { Emitter } from '../src/emitter.js';
import { mergeMessages } from '../src/store.js';
import { storeConformance } from '../../../test-support/store-conformance.js';

const msg = (id: string, seq: number, created = '2026-12-03T10:00:00Z'): LocalMessage => ({
  id, cid: 'messaging:x', seq, user_id: 'alice', type: 'regular', text: id, attachments: [], mentioned_users: [], reply_count: 0,
  pinned: false, silent: false, reaction_counts: {}, reaction_scores: {}, own_reactions: [], created_at: created, updated_at: created,
  status: seq ? 'sent' : 'pending',
});
const channel = { cid: 'messaging:x', type: 'messaging', id: 'x', frozen: false, config: {}, last_seq: 3, member_count: 2, created_at: '', updated_at: '' } as never;

describe('backoff', () => {
  it('grows exponentially with full jitter and a cap', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 1)).toBe(4000);
    expect(backoffDelay(30, () => 1)).toBe(30_000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(5)));
    expect(spread.size).toBeGreaterThan(10);
    for (const d of spread) expect(d).toBeGreaterThanOrEqual(250);
  });
});

describe('frames', () => {
  it('accepts JSON objects with a string type and nothing else', () => {
    expect(parseFrame('{"type":"message.new","cid":"a:b"}')).toEqual({ type: 'message.new', cid: 'a:b' });
    for (const bad of ['', 'null', '[]', '{"type":1}', '{"no":"type"}', '{"type":"x"', '\u0000', 42, null]) expect(parseFrame(bad)).toBeUndefined();
  });
});

describe('ordering', () => {
  it('sorts by seq with unsent messages last, in the order written, and merges by id', () => {
    const list = mergeMessages([msg('b', 2), msg('p2', 0, '2026-12-03T10:00:02Z')], [msg('a', 1), msg('p1', 0, '2026-12-03T10:00:01Z'), msg('b', 2)]);
    expect(list.map((m) => m.id)).toEqual(['a', 'b', 'p1', 'p2']);
    expect([msg('x', 5), msg('y', 4)].sort(compareMessages).map((m) => m.seq)).toEqual([4, 5]);
    expect(mergeMessages([], [msg('a', 1), msg('b', 2), msg('c', 3)], 2).map((m) => m.id)).toEqual(['b', 'c']);
  });
});

describe('events', () => {
  it('a throwing listener does not stop the others; unsubscribe works', () => {
    const errors: unknown[] = [];
    const e = new Emitter<{ x: { type: 'x' } }>((err) => errors.push(err));
    const got: string[] = [];
    e.on('x', () => { throw new Error('boom'); });
    const sub = e.on('x', () => got.push('x'));
    e.on('all', (ev) => got.push(`all:${ev.type}`));
    e.emit({ type: 'x' });
    sub.unsubscribe();
    e.emit({ type: 'x' });
    expect(got).toEqual(['x', 'all:x', 'all:x']);
    expect(errors).toHaveLength(2);
  });
});

for (const [name, make] of [['MemoryStore', () => new MemoryStore()], ['IndexedDBStore', () => new IndexedDBStore()]] as const) storeConformance(name, make);
