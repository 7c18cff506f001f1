import type { ChannelResponse, LocalMessage, PendingSend } from './types.js';

/** A channel as cached locally: its data and its newest messages (oldest first). */
export interface CachedChannel {
  channel: ChannelResponse;
  messages: LocalMessage[];
  /** The server time up to which the cached state was complete (the `last_sync_at` of the next sync). */
  syncedAt?: string | undefined;
  /** Every message up to this seq is cached (or is not readable by this user): where the next sync starts. */
  contiguousSeq?: number | undefined;
}

/** What a channel's row records beside its messages. */
export interface ChannelMarks {
  syncedAt?: string | undefined;
  contiguousSeq?: number | undefined;
}

/**
 * Where the client keeps channels, messages and pending sends between runs. Reads come from here first, so a reload
 * shows history before the network answers. One store holds one user of one app.
 */
export interface OfflineStore {
  open(namespace: string): Promise<void>;
  /** The channel with its newest `limit` sent messages (all by default) and every unsent one. */
  getChannel(cid: string, limit?: number): Promise<CachedChannel | undefined>;
  /** Up to `limit` cached messages older than `seq`, oldest first (scrolling back without the network). */
  messagesBefore(cid: string, seq: number, limit: number): Promise<LocalMessage[]>;
  /** Replaces the channel's data and merges the messages (by id), keeping at most `keep` of the newest. */
  putChannel(cid: string, channel: ChannelResponse | undefined, messages: LocalMessage[], keep: number, marks?: ChannelMarks): Promise<void>;
  deleteChannel(cid: string): Promise<void>;
  /** Forgets one message (a discarded send). */
  deleteMessage(cid: string, id: string): Promise<void>;
  pending(): Promise<PendingSend[]>;
  putPending(send: PendingSend): Promise<void>;
  deletePending(id: string): Promise<void>;
  /** Forgets everything of this namespace (sign-out). */
  clear(): Promise<void>;
  close(): void;
}

export function mergeMessages(current: LocalMessage[], incoming: LocalMessage[], keep = Infinity): LocalMessage[] {
  const byId = new Map<string, LocalMessage>();
  for (const m of current) byId.set(m.id, m);
  for (const m of incoming) byId.set(m.id, m);
  const all = [...byId.values()].sort(compareMessages);
  return all.length > keep ? all.slice(all.length - keep) : all;
}

/** Seq order; unsent messages (seq 0) last, in the order they were written. */
export function compareMessages(a: LocalMessage, b: LocalMessage): number {
  if (a.seq && b.seq) return a.seq - b.seq;
  if (a.seq) return -1;
  if (b.seq) return 1;
  return Date.parse(a.created_at) - Date.parse(b.created_at);
}

/** Keeps everything in memory: for Node (bots, tests) and browsers without IndexedDB. */
export class MemoryStore implements OfflineStore {
  private channels = new Map<string, CachedChannel>();
  private sends = new Map<string, PendingSend>();

  async open(): Promise<void> {}

  async getChannel(cid: string, limit = Infinity): Promise<CachedChannel | undefined> {
    const c = this.channels.get(cid);
    if (!c) return undefined;
    const sent = c.messages.filter((m) => m.seq > 0);
    const keep = sent.length > limit ? sent.slice(sent.length - limit) : sent;
    return { ...c, messages: keep.concat(c.messages.filter((m) => !(m.seq > 0))) };
  }

  async messagesBefore(cid: string, seq: number, limit: number): Promise<LocalMessage[]> {
    const older = (this.channels.get(cid)?.messages ?? []).filter((m) => m.seq > 0 && m.seq < seq);
    return older.slice(Math.max(0, older.length - limit));
  }

  async putChannel(cid: string, channel: ChannelResponse | undefined, messages: LocalMessage[], keep: number, marks: ChannelMarks = {}): Promise<void> {
    const old = this.channels.get(cid);
    const data = channel ?? old?.channel;
    if (!data) return;
    this.channels.set(cid, {
      channel: data,
      messages: mergeMessages(old?.messages ?? [], messages, keep),
      syncedAt: marks.syncedAt ?? old?.syncedAt,
      contiguousSeq: marks.contiguousSeq ?? old?.contiguousSeq,
    });
  }

  async deleteChannel(cid: string): Promise<void> {
    this.channels.delete(cid);
  }

  async deleteMessage(cid: string, id: string): Promise<void> {
    const c = this.channels.get(cid);
    if (c) this.channels.set(cid, { ...c, messages: c.messages.filter((m) => m.id !== id) });
  }

  async pending(): Promise<PendingSend[]> {
    return [...this.sends.values()].sort((a, b) => a.order - b.order);
  }

  async putPending(send: PendingSend): Promise<void> {
    this.sends.set(send.id, send);
  }

  async deletePending(id: string): Promise<void> {
    this.sends.delete(id);
  }

  async clear(): Promise<void> {
    this.channels.clear();
    this.sends.clear();
  }

  close(): void {}
}
