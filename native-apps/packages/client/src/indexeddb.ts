import { openDB, deleteDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { CachedChannel, ChannelMarks, OfflineStore } from './store.js';
import type { ChannelResponse, LocalMessage, PendingSend } from './types.js';

interface Schema extends DBSchema {
  channels: { key: string; value: { cid: string; channel: ChannelResponse; syncedAt?: string | undefined; contiguousSeq?: number | undefined } };
  messages: { key: string; value: LocalMessage; indexes: { by_cid_seq: [string, number] } };
  pending: { key: string; value: PendingSend; indexes: { by_order: number } };
}

/**
 * The browser's offline store: one IndexedDB database per app and user (`chatsdk:<api key>:<user id>`), with
 * channels, messages (indexed by channel and seq) and pending sends.
 */
export class IndexedDBStore implements OfflineStore {
  private db: IDBPDatabase<Schema> | undefined;
  private name = '';

  static available(): boolean {
    return typeof globalThis.indexedDB !== 'undefined';
  }

  async open(namespace: string): Promise<void> {
    this.name = `chatsdk:${namespace}`;
    this.db = await openDB<Schema>(this.name, 1, {
      upgrade(db) {
        db.createObjectStore('channels', { keyPath: 'cid' });
        db.createObjectStore('messages', { keyPath: 'id' }).createIndex('by_cid_seq', ['cid', 'seq']);
        db.createObjectStore('pending', { keyPath: 'id' }).createIndex('by_order', 'order');
      },
    });
  }

  private get handle(): IDBPDatabase<Schema> {
    if (!this.db) throw new Error('the offline store is not open');
    return this.db;
  }

  async getChannel(cid: string, limit = Infinity): Promise<CachedChannel | undefined> {
    const tx = this.handle.transaction(['channels', 'messages']);
    const row = await tx.objectStore('channels').get(cid);
    if (!row) return undefined;
    const index = tx.objectStore('messages').index('by_cid_seq');
    // unsent messages have seq 0; the newest sent ones are read backwards from the end of the channel's range
    const unsent = await index.getAll(IDBKeyRange.bound([cid, -Infinity], [cid, 0]));
    const sent: LocalMessage[] = [];
    let cursor = await index.openCursor(IDBKeyRange.bound([cid, 0], [cid, Infinity], true, false), 'prev');
    while (cursor && sent.length < limit) {
      sent.push(cursor.value);
      cursor = await cursor.continue();
    }
    await tx.done;
    return { channel: row.channel, messages: sent.reverse().concat(sortUnsentLast(unsent)), syncedAt: row.syncedAt, contiguousSeq: row.contiguousSeq };
  }

  async messagesBefore(cid: string, seq: number, limit: number): Promise<LocalMessage[]> {
    const index = this.handle.transaction('messages').store.index('by_cid_seq');
    const out: LocalMessage[] = [];
    let cursor = await index.openCursor(IDBKeyRange.bound([cid, 0], [cid, seq], true, true), 'prev');
    while (cursor && out.length < limit) {
      out.push(cursor.value);
      cursor = await cursor.continue();
    }
    return out.reverse();
  }

  async putChannel(cid: string, channel: ChannelResponse | undefined, messages: LocalMessage[], keep: number, marks: ChannelMarks = {}): Promise<void> {
    const tx = this.handle.transaction(['channels', 'messages'], 'readwrite');
    const channels = tx.objectStore('channels');
    const old = await channels.get(cid);
    const data = channel ?? old?.channel;
    if (data) {
      await channels.put({ cid, channel: data, syncedAt: marks.syncedAt ?? old?.syncedAt, contiguousSeq: marks.contiguousSeq ?? old?.contiguousSeq });
    }
    const store = tx.objectStore('messages');
    for (const m of messages) await store.put(m);
    // keep the newest `keep`: walk the channel's messages from the oldest and delete the surplus
    const index = store.index('by_cid_seq');
    const range = IDBKeyRange.bound([cid, -Infinity], [cid, Infinity]);
    let surplus = (await index.count(range)) - keep;
    if (surplus > 0) {
      let cursor = await index.openCursor(range);
      while (cursor && surplus > 0) {
        if (cursor.value.seq > 0) {
          await cursor.delete();
          surplus--;
        }
        cursor = await cursor.continue();
      }
    }
    await tx.done;
  }

  async deleteChannel(cid: string): Promise<void> {
    const tx = this.handle.transaction(['channels', 'messages'], 'readwrite');
    await tx.objectStore('channels').delete(cid);
    let cursor = await tx.objectStore('messages').index('by_cid_seq').openCursor(IDBKeyRange.bound([cid, -Infinity], [cid, Infinity]));
    while (cursor) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
  }

  async deleteMessage(_cid: string, id: string): Promise<void> {
    await this.handle.delete('messages', id);
  }

  async pending(): Promise<PendingSend[]> {
    return this.handle.getAllFromIndex('pending', 'by_order');
  }

  async putPending(send: PendingSend): Promise<void> {
    await this.handle.put('pending', send);
  }

  async deletePending(id: string): Promise<void> {
    await this.handle.delete('pending', id);
  }

  async clear(): Promise<void> {
    this.close();
    await deleteDB(this.name);
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }
}

function sortUnsentLast(messages: LocalMessage[]): LocalMessage[] {
  // the index orders by seq, so unsent messages (seq 0) come first; move them after the sent ones
  const sent = messages.filter((m) => m.seq > 0);
  const unsent = messages.filter((m) => !(m.seq > 0)).sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
  return sent.concat(unsent);
}
