import { Emitter, type Subscription } from './emitter.js';
import { Reactive } from './reactive.js';
import { compareMessages, mergeMessages } from './store.js';
import type {
  Attachment,
  ChannelResponse,
  ChannelStateResponse,
  EventMap,
  LocalMessage,
  MemberResponse,
  MessageInput,
  MessageResponse,
  ReactionResponse,
  Schemas,
  UploadResponse,
} from './types.js';
import type { ChatClient } from './client.js';

/** How many of a channel's newest messages the offline store keeps. */
export const CACHED_MESSAGES_PER_CHANNEL = 10_000;
/** How many cached messages a channel shows first, before the reader scrolls back. */
const CACHED_FIRST_PAGE = 50;
const TYPING_EXPIRES_MS = 7_000;
const TYPING_RESEND_MS = 2_000;
const TYPING_IDLE_MS = 3_000;

export interface ReadState {
  user_id: string;
  last_read_seq: number;
  last_read?: string;
}

export interface TypingState {
  user_id: string;
  parent_id?: string;
  /** When the typing ends unless renewed (ms since the epoch). */
  expires: number;
}

/** A channel's state as UI frameworks see it; each change is a new object. */
export interface ChannelState {
  channel: ChannelResponse | undefined;
  /** The channel's messages, oldest first: sent ones in seq order, then unsent ones. Replies only with show_in_channel. */
  messages: LocalMessage[];
  /** Thread replies by parent message id, oldest first. */
  threads: Readonly<Record<string, LocalMessage[]>>;
  members: MemberResponse[];
  /** Each member's read marker, by user id. */
  reads: Readonly<Record<string, ReadState>>;
  /** Who is typing now, by user id (the current user left out). */
  typing: Readonly<Record<string, TypingState>>;
  unreadCount: number;
  /** The current user's read marker. */
  lastReadSeq: number;
  /** Whether older messages than the first in `messages` exist on the server. */
  hasOlder: boolean;
  /** Whether this state came from the offline store and is not yet confirmed by the server. */
  fromCache: boolean;
  /** Whether the server is being asked for what changed (after a reconnect or a gap). */
  syncing: boolean;
  watching: boolean;
  muted: boolean;
}

/** A file on the device, by URI (React Native: what an image picker or a recorder leaves, `file://…`). */
export interface LocalFile {
  uri: string;
}

export interface SendMessageInput {
  id?: string;
  text?: string;
  attachments?: Attachment[];
  parent_id?: string;
  show_in_channel?: boolean;
  quoted_message_id?: string;
  /** User ids. */
  mentioned_users?: string[];
  silent?: boolean;
  [custom: string]: unknown;
}

export interface WatchOptions {
  /** Newest messages to load when nothing is cached (default 25). */
  messageLimit?: number;
  presence?: boolean;
}

const EMPTY: ChannelState = {
  channel: undefined,
  messages: [],
  threads: {},
  members: [],
  reads: {},
  typing: {},
  unreadCount: 0,
  lastReadSeq: 0,
  hasOlder: false,
  fromCache: false,
  syncing: false,
  watching: false,
  muted: false,
};

type ChannelEvent = { type: string; cid?: string; [key: string]: unknown };

/**
 * A channel: its actions (send, react, read, type, watch) and its reactive state. Made by `client.channel(type, id)`;
 * the same object is returned for the same cid.
 */
export class Channel {
  readonly cid: string;
  /** The state; `subscribe` and `getSnapshot` suit React's useSyncExternalStore. */
  readonly state: Reactive<ChannelState>;
  private readonly emitter: Emitter<EventMap>;
  /** Every seq up to this one is in local state (or known not to be readable by this user). */
  private contiguousSeq = 0;
  private initialized = false;
  /** @internal The server time up to which this channel's state is complete (the next sync's `last_sync_at`). */
  syncedAt: string | undefined;
  /** @internal A watch failed (offline at start): the client watches again once connected. */
  wantsWatch = false;
  private gapFill: Promise<void> | undefined;
  private typingSentAt = 0;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private typingSweep: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** The client this channel belongs to. */
    readonly client: ChatClient,
    readonly type: string,
    readonly id: string,
    /** Data for get-or-create: `members`, `name`, custom fields. */
    public data: Record<string, unknown> = {},
  ) {
    this.cid = `${type}:${id}`;
    this.state = new Reactive<ChannelState>(EMPTY);
    this.emitter = new Emitter<EventMap>((e) => client.report('listener_failed', e));
  }

  private get path(): string {
    return `/channels/${encodeURIComponent(this.type)}/${encodeURIComponent(this.id)}`;
  }

  /** Listens to this channel's events (`'all'` for every one); returns `{ unsubscribe }`. */
  on<K extends keyof EventMap & string>(type: K | 'all', listener: (event: EventMap[K]) => void): Subscription;
  on(type: string, listener: (event: { type: string; [key: string]: unknown }) => void): Subscription;
  on(type: string, listener: (event: never) => void): Subscription {
    return this.emitter.on(type, listener as (event: { type: string }) => void);
  }

  /** The highest seq up to which local state is complete. */
  get lastSeq(): number {
    return this.contiguousSeq;
  }

  get isInitialized(): boolean {
    return this.initialized;
  }

  /**
   * Loads the channel (creating it if needed, with `data`) and watches it on the socket. Cached state shows first;
   * with a cache, the server is asked only for what changed since.
   */
  async watch(options: WatchOptions = {}): Promise<ChannelState> {
    await this.client.whenStoreReady().catch(() => undefined);
    // the newest page is enough to paint; older cached messages come back when the reader scrolls up
    const cached = await this.client.offline.getChannel(this.cid, CACHED_FIRST_PAGE).catch(() => undefined);
    if (cached && !this.initialized) {
      // where the cache is known complete; anything cached above it (a queued send, a live event) may sit after a hole
      this.contiguousSeq = cached.contiguousSeq ?? 0;
      this.syncedAt = cached.syncedAt;
      // with a complete run on record, a sync catches the channel up even if the query below fails (offline start)
      if (this.contiguousSeq > 0) this.initialized = true;
      this.patch({
        channel: cached.channel,
        messages: mergeMessages(this.state.getSnapshot().messages, cached.messages.filter(inChannel)),
        threads: groupThreads(cached.messages),
        hasOlder: (cached.messages.find((m) => m.seq > 0)?.seq ?? 1) > 1,
        fromCache: true,
      });
    }
    const haveCache = !!cached && this.contiguousSeq > 0 && cached.messages.some((m) => m.seq > 0);
    // watching over REST needs the socket's id; before the socket is up, the client watches on it once it is
    const connection = this.client.connectionQuery();
    this.wantsWatch = true;
    const res = await this.client.request<ChannelStateResponse>('POST', `${this.path}/query`, {
      query: connection,
      body: {
        data: Object.keys(this.data).length ? this.data : undefined,
        watch: !!connection.connection_id,
        state: true,
        presence: options.presence,
        // with a cache, only what changed is asked for (by sync, below); the API's smallest page is one message
        messages: { limit: haveCache ? 1 : options.messageLimit ?? 25 },
        members: { limit: 100 },
      },
    });
    if (haveCache) {
      this.applyState(res, false);
      await this.client.syncChannels([this]);
    } else {
      this.applyState(res, true);
    }
    this.wantsWatch = false;
    this.patch({ watching: true, fromCache: false });
    if (!connection.connection_id) this.client.sendFrame({ type: 'channel.watch', cid: this.cid });
    await this.persist();
    return this.state.getSnapshot();
  }

  /** Stops receiving this channel's events on this connection (as a member you still get notifications). */
  async stopWatching(): Promise<void> {
    this.client.sendFrame({ type: 'channel.stop_watching', cid: this.cid });
    this.patch({ watching: false });
  }

  /** Loads `limit` messages older than the oldest held (infinite scroll back by seq); returns how many came. */
  async loadOlder(limit = 50): Promise<number> {
    const oldest = this.state.getSnapshot().messages.find((m) => m.seq > 0);
    if (oldest) {
      // from the offline store first: it holds a contiguous run of the channel (see persistFresh)
      const cached = await this.client.offline.messagesBefore(this.cid, oldest.seq, limit).catch(() => []);
      if (cached.length > 0) {
        this.addMessages(cached);
        this.patch({ hasOlder: (cached[0]?.seq ?? 1) > 1 });
        return cached.length;
      }
    }
    const query: Record<string, string> = { limit: String(limit) };
    if (oldest) query.seq_lt = String(oldest.seq);
    const res = await this.client.request<{ messages: MessageResponse[] }>('GET', `${this.path}/messages`, { query });
    const got = res.messages.map(sent);
    this.addMessages(got);
    this.patch({ hasOlder: got.length >= limit });
    await this.persist(got);
    return got.length;
  }

  /**
   * Sends a message optimistically: it shows at once with `status: 'pending'` and a client-generated id, waits in the
   * offline queue while offline (across reloads), and is sent in order when possible. The same id is resent, so it
   * never becomes two messages. Resolves with the server's message once sent; rejects when the server refuses it
   * (the message stays, `failed`, for `retry` or `discard`).
   */
  sendMessage(input: SendMessageInput): Promise<MessageResponse> {
    return this.client.enqueueSend(this, input);
  }

  /** Retries a failed send with the same id. */
  retry(messageId: string): Promise<MessageResponse> {
    return this.client.retrySend(messageId);
  }

  /** Gives up a failed or pending send and removes it. */
  discard(messageId: string): Promise<void> {
    return this.client.discardSend(messageId);
  }

  updateMessage(message: { id: string; text?: string; attachments?: Attachment[]; [custom: string]: unknown }): Promise<MessageResponse> {
    return this.client.updateMessage(message);
  }

  deleteMessage(messageId: string, options: { hard?: boolean } = {}): Promise<MessageResponse> {
    return this.client.deleteMessage(messageId, options);
  }

  async sendReaction(messageId: string, reaction: { type: string; score?: number; [custom: string]: unknown }, options: { enforce_unique?: boolean } = {}): Promise<{ message: MessageResponse; reaction: ReactionResponse }> {
    const res = await this.client.request<{ message: MessageResponse; reaction: ReactionResponse }>('POST', `/messages/${encodeURIComponent(messageId)}/reaction`, {
      body: { reaction, enforce_unique: options.enforce_unique },
    });
    this.addMessages([sent(res.message)], true);
    return res;
  }

  async deleteReaction(messageId: string, type: string): Promise<{ message: MessageResponse }> {
    const res = await this.client.request<{ message: MessageResponse }>('DELETE', `/messages/${encodeURIComponent(messageId)}/reaction/${encodeURIComponent(type)}`);
    this.addMessages([sent(res.message)], true);
    return res;
  }

  /** Marks the channel read up to `messageId` (default: the newest message). */
  async markRead(messageId?: string): Promise<number> {
    const res = await this.client.request<{ last_read_seq: number }>('POST', `${this.path}/read`, { body: messageId ? { message_id: messageId } : {} });
    this.setOwnRead(res.last_read_seq);
    return res.last_read_seq;
  }

  /** Marks `messageId` and everything after it unread. */
  async markUnread(messageId: string): Promise<number> {
    const res = await this.client.request<{ last_read_seq: number }>('POST', `${this.path}/unread`, { body: { message_id: messageId } });
    this.patch({ lastReadSeq: res.last_read_seq, unreadCount: this.countAfter(res.last_read_seq) });
    this.client.recountUnread();
    return res.last_read_seq;
  }

  /** Call on each keystroke: sends `typing.start` at most every 2 s, and `typing.stop` 3 s after the last one. */
  keystroke(parentId?: string): void {
    const now = Date.now();
    if (now - this.typingSentAt > TYPING_RESEND_MS) {
      this.typingSentAt = now;
      this.client.sendFrame({ type: 'typing.start', cid: this.cid, ...(parentId ? { parent_id: parentId } : {}) });
    }
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(parentId), TYPING_IDLE_MS);
  }

  stopTyping(parentId?: string): void {
    clearTimeout(this.typingTimer);
    if (this.typingSentAt === 0) return;
    this.typingSentAt = 0;
    this.client.sendFrame({ type: 'typing.stop', cid: this.cid, ...(parentId ? { parent_id: parentId } : {}) });
  }

  /** Loads a thread's replies (oldest first) into `state.threads[parentId]`. */
  async getReplies(parentId: string, options: { limit?: number; id_lt?: string; id_gt?: string } = {}): Promise<MessageResponse[]> {
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(options)) if (v !== undefined) query[k] = String(v);
    const res = await this.client.request<{ messages: MessageResponse[] }>('GET', `/messages/${encodeURIComponent(parentId)}/replies`, { query });
    const replies = res.messages.map(sent);
    this.addMessages(replies, true);
    await this.persist(replies);
    return res.messages;
  }

  /**
   * Uploads a file (any type the app allows); put the returned link in an attachment's `asset_url`. `file` is a Blob,
   * or in React Native a local file as `{ uri }` (React Native's FormData sends files by URI, not Blobs).
   */
  sendFile(file: Blob | LocalFile, name: string, contentType?: string): Promise<UploadResponse> {
    return this.upload('file', file, name, contentType);
  }

  /** Uploads a PNG, JPEG or GIF; answers `file` and `thumb_url`. `file` as for `sendFile`. */
  sendImage(file: Blob | LocalFile, name: string, contentType?: string): Promise<UploadResponse> {
    return this.upload('image', file, name, contentType);
  }

  private upload(kind: 'file' | 'image', file: Blob | LocalFile, name: string, contentType?: string): Promise<UploadResponse> {
    const form = new FormData();
    if ('uri' in file) {
      // React Native's FormData part: { uri, name, type }
      form.append('file', { uri: file.uri, name, type: contentType ?? 'application/octet-stream' } as unknown as Blob);
    } else {
      const blob = contentType && file.type !== contentType ? new Blob([file], { type: contentType }) : file;
      form.append('file', blob, name);
    }
    return this.client.request<UploadResponse>('POST', `${this.path}/${kind}`, { form });
  }

  /** Mutes the channel for the current user (no push, no unread badge in `client.state`). */
  async mute(): Promise<void> {
    await this.client.request('POST', '/moderation/mute/channel', { body: { channel_cid: this.cid } });
    this.patch({ muted: true });
    this.client.recountUnread();
  }

  async unmute(): Promise<void> {
    await this.client.request('POST', '/moderation/unmute/channel', { body: { channel_cid: this.cid } });
    this.patch({ muted: false });
    this.client.recountUnread();
  }

  /** Sends a custom event to the channel's members (`{type: 'poll.vote', ...}`). */
  async sendEvent(event: { type: string; [key: string]: unknown }): Promise<void> {
    await this.client.request('POST', `${this.path}/event`, { body: { event } });
  }

  /** Adds or replaces (by id) the channel's members. */
  async addMembers(userIds: string[]): Promise<void> {
    const res = await this.client.request<{ members: MemberResponse[] }>('POST', this.path, { body: { add_members: userIds } });
    this.patch({ members: res.members });
  }

  // ---- what the client calls ----

  /** @internal */
  applyState(res: { channel: ChannelResponse; members: MemberResponse[]; messages: MessageResponse[]; membership?: MemberResponse }, replaceMessages: boolean, limit = 25): void {
    const msgs = res.messages.map(sent);
    const s = this.state.getSnapshot();
    const reads: Record<string, ReadState> = { ...s.reads };
    for (const m of res.members) reads[m.user_id] = { user_id: m.user_id, last_read_seq: m.last_read_seq, ...(m.last_read ? { last_read: m.last_read } : {}) };
    const lastReadSeq = res.membership?.last_read_seq ?? s.lastReadSeq;
    const unsent = s.messages.filter((m) => m.status !== 'sent');
    const messages = replaceMessages ? mergeMessages(unsent, msgs.filter(inChannel)) : mergeMessages(s.messages, msgs.filter(inChannel));
    if (replaceMessages) {
      this.contiguousSeq = res.channel.last_seq;
      // events flow from the socket from here; before it is up, the first connect's sync covers the interval
      this.syncedAt = this.client.syncedAt;
    }
    this.initialized = true;
    this.patch({
      channel: res.channel,
      members: res.members,
      reads,
      messages,
      threads: replaceMessages ? groupThreads(msgs) : mergeThreads(s.threads, msgs),
      lastReadSeq,
      hasOlder: replaceMessages ? (msgs[0]?.seq ?? 1) > 1 && msgs.length >= limit : s.hasOlder,
    });
    if (replaceMessages || res.membership) this.patch({ unreadCount: this.countAfter(lastReadSeq, res.channel.last_seq) });
  }

  /** @internal Applies one channel's catch-up from `POST /sync`; true when the channel has more to fetch. */
  applySync(sync: Schemas['SyncChannel']): boolean {
    const incoming = sync.messages.map(sent);
    this.addMessages(incoming, true);
    // `changed` covers every older message that changed, held or not: only the held ones are replaced
    this.replaceHeld(sync.changed.map(sent));
    this.contiguousSeq = Math.max(this.contiguousSeq, maxSeq(incoming, 0), sync.has_more ? 0 : sync.last_seq);
    if (this.state.getSnapshot().channel && !sync.has_more) {
      const channel = this.state.getSnapshot().channel;
      if (channel && channel.last_seq < sync.last_seq) this.patch({ channel: { ...channel, last_seq: sync.last_seq } });
    }
    return sync.has_more;
  }

  /** @internal The server said too much was missed: start again from the newest messages. */
  async reload(): Promise<void> {
    const res = await this.client.request<ChannelStateResponse>('POST', `${this.path}/query`, {
      query: this.client.connectionQuery(),
      body: { watch: !!this.client.connectionId, state: true, messages: { limit: 25 }, members: { limit: 100 } },
    });
    const keep = this.state.getSnapshot().messages.filter((m) => m.status !== 'sent');
    this.patch({ messages: keep, threads: {} });
    this.applyState(res, true);
    await this.client.offline.deleteChannel(this.cid).catch(() => undefined);
    await this.persist();
  }

  /** @internal */
  setWatching(watching: boolean): void {
    this.patch({ watching });
  }

  /** @internal */
  setSyncing(syncing: boolean): void {
    this.patch({ syncing });
  }

  /** @internal An optimistic message, or its confirmation, or its failure. */
  putLocal(message: LocalMessage): void {
    this.addMessages([message], true);
  }

  /** @internal */
  removeLocal(id: string): void {
    const s = this.state.getSnapshot();
    const threads: Record<string, LocalMessage[]> = {};
    for (const [k, v] of Object.entries(s.threads)) threads[k] = v.filter((m) => m.id !== id);
    this.patch({ messages: s.messages.filter((m) => m.id !== id), threads });
  }

  /** @internal */
  setUnread(count: number, lastReadSeq?: number): void {
    this.patch({ unreadCount: count, ...(lastReadSeq !== undefined ? { lastReadSeq } : {}) });
  }

  /** @internal */
  setMuted(muted: boolean): void {
    this.patch({ muted });
  }

  /**
   * @internal Writes a fresh page from the server (a channel query) to the offline store. When the cache ends before
   * the page begins, the cached messages are dropped, so that the cache stays one run without holes.
   */
  async persistFresh(): Promise<void> {
    const oldestFresh = this.state.getSnapshot().messages.find((m) => m.seq > 0)?.seq;
    const newestCached = (await this.client.offline.getChannel(this.cid, 1).catch(() => undefined))?.messages.find((m) => m.seq > 0)?.seq;
    if (oldestFresh !== undefined && newestCached !== undefined && newestCached < oldestFresh - 1) {
      await this.client.offline.deleteChannel(this.cid).catch(() => undefined);
    }
    await this.persist();
  }

  /**
   * @internal Writes the channel's data and marks to the offline store, with `changed` messages, or, without them,
   * every message held (after a load or a sync). An event writes only its own message: the others are there already.
   */
  async persist(changed?: LocalMessage[]): Promise<void> {
    const s = this.state.getSnapshot();
    const messages = changed ?? s.messages.concat(...Object.values(s.threads));
    await this.client.offline
      .putChannel(this.cid, s.channel, messages, CACHED_MESSAGES_PER_CHANNEL, { syncedAt: this.syncedAt, contiguousSeq: this.initialized ? this.contiguousSeq : undefined })
      .catch((e: unknown) => this.client.report('offline_store_failed', e));
  }

  /** @internal An event for this channel, from the socket. */
  handle(event: ChannelEvent): void {
    const me = this.client.userID;
    switch (event.type) {
      case 'message.new': {
        const m = sent(event.message as MessageResponse);
        const fresh = !this.has(m.id);
        this.addMessages([m], true);
        if (fresh && m.user_id !== me && inChannel(m) && !m.silent && m.type !== 'system') {
          if (!this.state.getSnapshot().muted) this.patch({ unreadCount: this.state.getSnapshot().unreadCount + 1 });
          this.client.recountUnread();
        }
        this.clearTyping(m.user_id);
        this.advance(m.seq);
        void this.persist([m]);
        break;
      }
      case 'notification.message_new': {
        const m = sent(event.message as MessageResponse);
        if (!this.has(m.id) && m.user_id !== me && inChannel(m) && !m.silent && m.type !== 'system' && !this.state.getSnapshot().muted) {
          this.patch({ unreadCount: this.state.getSnapshot().unreadCount + 1 });
          this.client.recountUnread();
        }
        break;
      }
      case 'message.updated':
      case 'message.deleted':
      case 'reaction.new':
      case 'reaction.deleted': {
        const m = sent(event.message as MessageResponse);
        const old = this.find(m.id);
        // the event's own_reactions are the actor's: keep ours unless we acted
        if (!old) break; // a message this client does not hold: it comes with its page, current
        if (event.user_id !== me && event.type.startsWith('reaction.')) m.own_reactions = old.own_reactions;
        this.replaceHeld([m]);
        void this.persist([m]);
        break;
      }
      case 'message.read': {
        const userId = String(event.user_id);
        const seq = Number(event.last_read_seq);
        this.patch({ reads: { ...this.state.getSnapshot().reads, [userId]: { user_id: userId, last_read_seq: seq, last_read: String(event.created_at) } } });
        if (userId === me) this.setOwnRead(seq);
        break;
      }
      case 'notification.mark_unread':
        if (event.user_id === me) {
          const seq = Number(event.last_read_seq);
          this.patch({ lastReadSeq: seq, unreadCount: this.countAfter(seq) });
          this.client.recountUnread();
        }
        break;
      case 'typing.start':
      case 'typing.stop': {
        const userId = String(event.user_id);
        if (userId === me) break;
        if (event.type === 'typing.stop') this.clearTyping(userId);
        else {
          const t: TypingState = { user_id: userId, expires: Date.now() + TYPING_EXPIRES_MS, ...(typeof event.parent_id === 'string' ? { parent_id: event.parent_id } : {}) };
          this.patch({ typing: { ...this.state.getSnapshot().typing, [userId]: t } });
          this.scheduleTypingSweep();
        }
        break;
      }
      case 'member.added':
      case 'member.updated': {
        const member = event.member as MemberResponse;
        const members = this.state.getSnapshot().members.filter((m) => m.user_id !== member.user_id).concat(member);
        this.patch({ members });
        break;
      }
      case 'member.removed': {
        const userId = String(event.user_id);
        this.patch({ members: this.state.getSnapshot().members.filter((m) => m.user_id !== userId) });
        break;
      }
      case 'channel.updated':
      case 'channel.frozen':
      case 'channel.unfrozen':
        if (event.channel) this.patch({ channel: event.channel as ChannelResponse });
        else if (event.type !== 'channel.updated') {
          const c = this.state.getSnapshot().channel;
          if (c) this.patch({ channel: { ...c, frozen: event.type === 'channel.frozen' } });
        }
        break;
      case 'channel.truncated':
        this.patch({ messages: this.state.getSnapshot().messages.filter((m) => m.status !== 'sent'), threads: {}, unreadCount: 0, hasOlder: false, ...(event.channel ? { channel: event.channel as ChannelResponse } : {}) });
        void this.client.offline.deleteChannel(this.cid).then(() => this.persist(), () => undefined);
        break;
      case 'channel.deleted':
        this.patch({ watching: false, messages: [], threads: {} });
        void this.client.offline.deleteChannel(this.cid).catch(() => undefined);
        break;
    }
    this.emitter.emit(event);
  }

  // ---- internals ----

  private patch(p: Partial<ChannelState>): void {
    this.state.update((s) => ({ ...s, ...p }));
  }

  private has(id: string): boolean {
    return this.find(id) !== undefined;
  }

  private find(id: string): LocalMessage | undefined {
    const s = this.state.getSnapshot();
    return s.messages.find((m) => m.id === id) ?? Object.values(s.threads).flat().find((m) => m.id === id);
  }

  /** Adds or replaces messages by id: channel messages into `messages`, replies into `threads` (and the channel when shown there). */
  private addMessages(list: LocalMessage[], replace = false): void {
    if (list.length === 0) return;
    const s = this.state.getSnapshot();
    const forChannel = list.filter(inChannel);
    let messages = s.messages;
    if (forChannel.length) messages = mergeMessages(messages, forChannel);
    // a reply that changed (reactions, edits) and is held in the channel list only as a thread starter still updates there
    if (replace) {
      const byId = new Map(list.map((m) => [m.id, m]));
      if (messages.some((m) => byId.has(m.id))) messages = messages.map((m) => byId.get(m.id) ?? m);
    }
    this.patch({ messages, threads: mergeThreads(s.threads, list) });
  }

  /** Replaces messages this client holds (in the channel or a thread); others are ignored. */
  private replaceHeld(list: LocalMessage[]): void {
    const held = list.filter((m) => this.has(m.id));
    if (held.length) this.addMessages(held, true);
  }

  /** A new seq arrived: advance the contiguous mark, or fetch the gap before it. */
  private advance(seq: number): void {
    if (!this.initialized || !(seq > 0)) return;
    if (seq <= this.contiguousSeq + 1) {
      this.contiguousSeq = Math.max(this.contiguousSeq, seq);
      return;
    }
    void this.fillGap(seq);
  }

  private async fillGap(upTo: number): Promise<void> {
    if (this.gapFill) {
      await this.gapFill;
      if (upTo <= this.contiguousSeq) return;
    }
    const run = (async () => {
      this.patch({ syncing: true });
      try {
        for (let page = 0; page < 50 && this.contiguousSeq < upTo; page++) {
          const res = await this.client.request<{ messages: MessageResponse[] }>('GET', `${this.path}/messages`, {
            query: { seq_gt: String(this.contiguousSeq), limit: '100' },
          });
          const got = res.messages.map(sent);
          this.addMessages(got, true);
          await this.persist(got);
          // what the server did not return up to `upTo` is not readable by this user (shadowed, hard-deleted, blocked)
          const top = maxSeq(got, this.contiguousSeq);
          this.contiguousSeq = got.length < 100 ? Math.max(top, upTo) : top;
        }
        this.client.emitClientEvent({ type: 'sync.completed', cids: [this.cid], reloaded: [] });
      } catch (e) {
        this.client.report('gap_fill_failed', e);
      } finally {
        this.patch({ syncing: false });
      }
    })();
    this.gapFill = run;
    await run;
    if (this.gapFill === run) this.gapFill = undefined;
  }

  private setOwnRead(seq: number): void {
    const s = this.state.getSnapshot();
    const me = this.client.userID;
    const top = Math.max(s.lastReadSeq, seq);
    const reads = me ? { ...s.reads, [me]: { user_id: me, last_read_seq: top, last_read: new Date().toISOString() } } : s.reads;
    this.patch({ lastReadSeq: top, unreadCount: this.countAfter(top), reads });
    this.client.recountUnread();
  }

  /** Messages from others after `seq` (what is unread past a read marker), counting up to the channel's last seq. */
  private countAfter(seq: number, lastSeq?: number): number {
    const s = this.state.getSnapshot();
    const me = this.client.userID;
    const held = s.messages.filter((m) => m.seq > seq && m.user_id !== me && m.type !== 'deleted' && m.type !== 'system').length;
    const top = lastSeq ?? s.channel?.last_seq ?? 0;
    const oldestHeld = s.messages.find((m) => m.seq > 0)?.seq ?? top + 1;
    // messages after the marker that are older than what is held: assume unread (the server's count is the reference)
    const unheld = Math.max(0, Math.min(oldestHeld - 1, top) - seq);
    return held + unheld;
  }

  private clearTyping(userId: string): void {
    const typing = this.state.getSnapshot().typing;
    if (!(userId in typing)) return;
    const { [userId]: _gone, ...rest } = typing;
    this.patch({ typing: rest });
  }

  private scheduleTypingSweep(): void {
    clearTimeout(this.typingSweep);
    const typing = Object.values(this.state.getSnapshot().typing);
    if (typing.length === 0) return;
    const next = Math.min(...typing.map((t) => t.expires));
    this.typingSweep = setTimeout(() => {
      const now = Date.now();
      const keep = Object.fromEntries(Object.entries(this.state.getSnapshot().typing).filter(([, t]) => t.expires > now));
      this.patch({ typing: keep });
      this.scheduleTypingSweep();
    }, Math.max(50, next - Date.now()));
  }
}

/** The server's message as a local one. */
export function sent(m: MessageResponse): LocalMessage {
  return { ...m, status: 'sent' };
}

/** Whether a message belongs in the channel's main list (not a thread-only reply). */
function inChannel(m: LocalMessage): boolean {
  return !m.parent_id || m.show_in_channel === true;
}

function maxSeq(list: LocalMessage[], floor: number): number {
  let top = floor;
  for (const m of list) if (m.seq > top) top = m.seq;
  return top;
}

function groupThreads(list: LocalMessage[]): Record<string, LocalMessage[]> {
  return mergeThreads({}, list);
}

function mergeThreads(current: Readonly<Record<string, LocalMessage[]>>, list: LocalMessage[]): Record<string, LocalMessage[]> {
  const replies = list.filter((m) => m.parent_id);
  if (replies.length === 0) return current as Record<string, LocalMessage[]>;
  const next: Record<string, LocalMessage[]> = { ...current };
  for (const m of replies) {
    const parent = m.parent_id as string;
    next[parent] = mergeMessages(next[parent] ?? [], [m]).sort(compareMessages);
  }
  return next;
}

/** A message as it shows before the server has it. */
export function optimistic(cid: string, userId: string, input: MessageInput & { id: string }, createdAt: number): LocalMessage {
  const when = new Date(createdAt).toISOString();
  const { mentioned_users, attachments, ...rest } = input;
  return {
    ...rest,
    id: input.id,
    cid,
    seq: 0,
    user_id: userId,
    type: input.parent_id ? 'reply' : 'regular',
    text: input.text ?? '',
    attachments: (attachments ?? []) as LocalMessage['attachments'],
    mentioned_users: (mentioned_users ?? []).map((u) => (typeof u === 'string' ? u : String((u as { id?: unknown }).id))),
    reply_count: 0,
    pinned: false,
    silent: input.silent ?? false,
    reaction_counts: {},
    reaction_scores: {},
    own_reactions: [],
    created_at: when,
    updated_at: when,
    status: 'pending',
  };
}
