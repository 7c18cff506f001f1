import { Channel, CACHED_MESSAGES_PER_CHANNEL, optimistic, sent, type SendMessageInput } from './channel.js';
import { backoffDelay } from './backoff.js';
import { Connection, type WebSocketConstructor } from './connection.js';
import { Emitter, type Subscription } from './emitter.js';
import { ChatError } from './errors.js';
import { IndexedDBStore } from './indexeddb.js';
import { Reactive } from './reactive.js';
import { MemoryStore, type OfflineStore } from './store.js';
import type {
  ClientEventMap,
  ConnectionState,
  DeviceResponse,
  EventMap,
  LocalMessage,
  MessageInput,
  MessageResponse,
  OwnUserResponse,
  PendingSend,
  QueryChannelsResponse,
  Schemas,
  SearchRequest,
  SearchResponse,
  SmartRepliesResponse,
  CatchUpSummary,
  SyncBySeqResponse,
  TokenOrProvider,
  UnreadResponse,
  UserInput,
  UserResponse,
} from './types.js';

export interface ChatClientOptions {
  /** The appliance's address, e.g. `https://chat.example.com` (default: the page's origin in a browser). */
  baseURL?: string;
  /**
   * Where channels, messages and pending sends are kept: `'indexeddb'` (the default where IndexedDB exists),
   * `'memory'` (the default elsewhere, e.g. Node), or your own `OfflineStore`.
   */
  store?: 'indexeddb' | 'memory' | OfflineStore;
  /** The WebSocket class; the global one by default. On Node 20, pass the `ws` package's `WebSocket`. */
  WebSocket?: WebSocketConstructor;
  /** Per request, in ms (default 30 s). */
  timeoutMs?: number;
  /** Default 25 s; the server closes a connection silent for 60 s. */
  healthCheckIntervalMs?: number;
  /** Default 40 s: the server sends a health.check every 30 s. */
  deadAfterMs?: number;
  /** Told about problems the client handled itself (never with tokens or message content). */
  onWarning?: (code: string, detail: string) => void;
}

/** The client's own state, for UI frameworks (`subscribe` / `getSnapshot`). */
export interface ClientState {
  user: OwnUserResponse | undefined;
  connection: ConnectionState;
  /** Unread messages over the channels this client knows, muted channels left out. */
  totalUnreadCount: number;
  /** Sends waiting for the server (pending or failed). */
  pendingCount: number;
}

type RequestInit = { query?: Record<string, string | undefined>; body?: unknown; form?: FormData };

/**
 * ChatSDK's client, shaped like GetStream's: `new ChatClient(apiKey, { baseURL })`, `connectUser`, `channel(...)`,
 * `queryChannels`, `on(...)`. It keeps a WebSocket up, fetches what it missed by seq after a reconnect or a gap, and
 * queues sends while offline, in a store that survives reloads.
 */
export class ChatClient {
  readonly apiKey: string;
  readonly baseURL: string;
  readonly state = new Reactive<ClientState>({ user: undefined, connection: 'disconnected', totalUnreadCount: 0, pendingCount: 0 });
  /** @internal */
  offline: OfflineStore;
  /** @internal The server time up to which local state is complete. */
  syncedAt: string | undefined;
  private readonly options: ChatClientOptions;
  private readonly emitter: Emitter<EventMap>;
  private readonly channels = new Map<string, Channel>();
  private connection: Connection | undefined;
  private token: string | undefined;
  private tokenProvider: (() => Promise<string>) | undefined;
  private refreshing: Promise<void> | undefined;
  private userId: string | undefined;
  private flushing: Promise<void> | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly waiters = new Map<string, { resolve: (m: MessageResponse) => void; reject: (e: ChatError) => void }[]>();
  private readonly detachers: (() => void)[] = [];
  private storeReady: Promise<void> = Promise.resolve();
  /** Bumped by disconnectUser, so that work started for one session does not touch the next. */
  private generation = 0;
  private sendOrder = 0;
  private inFlight: string | undefined;
  private resyncTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(apiKey: string, options: ChatClientOptions = {}) {
    if (!apiKey) throw new ChatError('api_key_missing', 0, 'an API key is required');
    this.apiKey = apiKey;
    const origin = typeof location !== 'undefined' ? location.origin : undefined;
    const base = options.baseURL ?? origin;
    if (!base) throw new ChatError('validation_error', 0, 'baseURL is required outside a browser', 'baseURL');
    this.baseURL = base.replace(/\/+$/, '');
    this.options = options;
    this.emitter = new Emitter<EventMap>((e) => this.report('listener_failed', e));
    this.offline = this.makeStore();
  }

  get userID(): string | undefined {
    return this.userId;
  }

  get user(): OwnUserResponse | undefined {
    return this.state.getSnapshot().user;
  }

  get connectionState(): ConnectionState {
    return this.state.getSnapshot().connection;
  }

  /** The connection's id, for REST calls that watch (`connection_id`). */
  get connectionId(): string | undefined {
    return this.connection?.connectionId;
  }

  /** Listens to every event of this client's channels and its own (`'all'` for every one); returns `{ unsubscribe }`. */
  on<K extends keyof EventMap & string>(type: K | 'all', listener: (event: EventMap[K]) => void): Subscription;
  on(type: string, listener: (event: { type: string; [key: string]: unknown }) => void): Subscription;
  on(type: string, listener: (event: never) => void): Subscription {
    return this.emitter.on(type, listener as (event: { type: string }) => void);
  }

  /**
   * Connects as `user` with a token, or a function that fetches one (called again whenever the token expires).
   * Resolves with the server's view of the user (unread counts, mutes, devices) once the socket is up; then sends
   * what was queued offline, even across a reload.
   */
  async connectUser(user: UserInput, tokenOrProvider: TokenOrProvider): Promise<OwnUserResponse> {
    if (this.userId) throw new ChatError('already_connected', 0, `already connected as ${this.userId}; call disconnectUser() first`);
    if (!user?.id) throw new ChatError('validation_error', 0, 'user.id is required', 'user.id');
    this.userId = user.id;
    this.patch({ user: { id: user.id } as OwnUserResponse });
    // the store opens first, so that cached channels show even while the network or the token provider is away
    this.storeReady = this.offline.open(`${this.apiKey}:${user.id}`);
    const generation = this.generation;
    if (typeof tokenOrProvider === 'function') {
      this.tokenProvider = tokenOrProvider;
      // REST calls made before the provider answers (a channel shown from the cache) wait for it
      this.refreshing = tokenOrProvider().then((t) => {
        if (generation === this.generation) this.token = t;
      });
      try {
        await this.refreshing;
      } finally {
        this.refreshing = undefined;
      }
    } else {
      this.tokenProvider = undefined;
      this.token = tokenOrProvider;
    }
    await this.storeReady;
    const pending = await this.offline.pending();
    this.patch({ pendingCount: pending.length });
    const WS = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WS) throw new ChatError('websocket_unavailable', 0, 'no WebSocket class: on Node 20, pass the ws package as options.WebSocket');
    const wsBase = this.baseURL.replace(/^http/, 'ws');
    this.connection = new Connection({
      url: `${wsBase}/api/v1/connect`,
      apiKey: this.apiKey,
      token: async () => this.currentToken(),
      refreshToken: () => this.refreshToken(),
      WebSocket: WS,
      healthCheckIntervalMs: this.options.healthCheckIntervalMs ?? 25_000,
      deadAfterMs: this.options.deadAfterMs ?? 40_000,
      onFrame: (frame) => this.dispatch(frame),
      onMalformed: (length) => {
        this.report('malformed_frame', `skipped a frame of ${length} characters that is not a JSON event`);
        this.emitter.emit({ type: 'transport.malformed_frame', length });
      },
      onState: (state, error) => {
        this.patch({ connection: state });
        this.emitter.emit({ type: 'connection.changed', online: state === 'online', state, ...(error ? { error } : {}) });
      },
      onConnected: (hello, reconnect) => void this.connected(hello, reconnect),
    });
    this.watchBrowserNetwork();
    const hello = await this.connection.start();
    return (hello.me ?? { id: user.id }) as OwnUserResponse;
  }

  /** Closes the connection. The offline store is kept (pass `{ clearStore: true }` on sign-out to forget it). */
  async disconnectUser(options: { clearStore?: boolean } = {}): Promise<void> {
    this.generation++;
    clearTimeout(this.resyncTimer);
    this.connection?.stop();
    this.connection = undefined;
    for (const d of this.detachers.splice(0)) d();
    clearTimeout(this.flushTimer);
    if (options.clearStore) await this.offline.clear().catch(() => undefined);
    this.offline.close();
    this.offline = this.makeStore();
    this.channels.clear();
    this.userId = undefined;
    this.token = undefined;
    this.tokenProvider = undefined;
    this.syncedAt = undefined;
    for (const [, list] of this.waiters) for (const w of list) w.reject(new ChatError('disconnected', 0, 'the client disconnected'));
    this.waiters.clear();
    this.patch({ user: undefined, connection: 'disconnected', totalUnreadCount: 0, pendingCount: 0 });
  }

  /** The channel object for `type:id` (the same object each time); `data` is used if `watch()` creates it. */
  channel(type: string, id: string, data?: Record<string, unknown>): Channel {
    const cid = `${type}:${id}`;
    let ch = this.channels.get(cid);
    if (!ch) {
      ch = new Channel(this, type, id, data);
      this.channels.set(cid, ch);
    } else if (data) {
      ch.data = data;
    }
    return ch;
  }

  /** Channels the client holds, by cid. */
  get activeChannels(): ReadonlyMap<string, Channel> {
    return this.channels;
  }

  /** GetStream's query channels: filter, sort and options (`limit`, `offset`, `message_limit`, `watch`: true by default). */
  async queryChannels(
    filter: Record<string, unknown>,
    sort: Schemas['SortField'][] | Record<string, 1 | -1> = [],
    options: { limit?: number; offset?: number; message_limit?: number; member_limit?: number; watch?: boolean; presence?: boolean } = {},
  ): Promise<Channel[]> {
    const sortList = Array.isArray(sort) ? sort : Object.entries(sort).map(([field, direction]) => ({ field, direction }));
    const watch = options.watch ?? true;
    const connection = this.connectionQuery();
    const res = await this.request<QueryChannelsResponse>('POST', '/channels', {
      query: connection,
      body: { filter_conditions: filter, sort: sortList, state: true, watch: watch && !!connection.connection_id, ...pick(options, ['limit', 'offset', 'message_limit', 'member_limit', 'presence']) },
    });
    return res.channels.map((state) => {
      const c = this.channel(state.channel.type, state.channel.id);
      c.applyState(state, true, options.message_limit ?? 25);
      if (watch) {
        c.setWatching(true);
        // before the socket is up: watched on it once it is (see connected)
        if (!connection.connection_id) this.sendFrame({ type: 'channel.watch', cid: c.cid });
      }
      void c.persistFresh();
      return c;
    });
  }

  /** GetStream's query users. */
  async queryUsers(filter: Record<string, unknown>, sort: Schemas['SortField'][] = [], options: { limit?: number; offset?: number; presence?: boolean } = {}): Promise<{ users: (UserResponse & { online?: boolean })[] }> {
    return this.request('POST', '/users/query', { body: { filter_conditions: filter, sort, ...options } });
  }

  /**
   * Message search in GetStream's shape (docs/search.md): `channels` selects the channels (only those this user can
   * read are searched); `query` is full text, or pass `message_filter_conditions` in `options` instead. Pass a page's
   * `next` back in `options.next` for the following page.
   */
  async search(channels: Record<string, unknown>, query: string | null, options: Omit<SearchRequest, 'filter_conditions' | 'query'> = {}): Promise<SearchResponse> {
    const payload: SearchRequest = { filter_conditions: channels, ...options, ...(query !== null ? { query } : {}) };
    return this.request<SearchResponse>('GET', '/search', { query: { payload: JSON.stringify(payload) } });
  }

  /**
   * Three replies to the channel's last message, for this user to pick from (the app's opt-in AI, docs/search.md):
   * `source` says whether a suggestion came from the user's own history or is a generic one. Fails with
   * `feature_disabled` while the operator has the app's AI off.
   */
  async smartReplies(type: string, id: string): Promise<SmartRepliesResponse> {
    return this.request<SmartRepliesResponse>('GET', `/channels/${encodeURIComponent(type)}/${encodeURIComponent(id)}/smart_replies`);
  }

  /**
   * What this user missed in the channel since their last read: counts, who wrote, mentions, and up to five highlights
   * (the app's opt-in AI, docs/search.md). Fails with `feature_disabled` while it is off.
   */
  async catchUp(type: string, id: string): Promise<CatchUpSummary> {
    const res = await this.request<{ summary: CatchUpSummary }>('GET', `/channels/${encodeURIComponent(type)}/${encodeURIComponent(id)}/catch_up`);
    return res.summary;
  }

  async getUnreadCount(): Promise<UnreadResponse> {
    return this.request<UnreadResponse>('GET', '/unread');
  }

  /** GetStream's partial update: `set` fields (`text`, custom...) and `unset` keys, keeping the rest (attachments too). */
  async partialUpdateMessage(id: string, update: { set?: Record<string, unknown>; unset?: string[] }): Promise<MessageResponse> {
    const res = await this.request<{ message: MessageResponse }>('PUT', `/messages/${encodeURIComponent(id)}`, { body: update });
    this.channels.get(res.message.cid)?.putLocal(sent(res.message));
    return res.message;
  }

  /** A full update: fields left out (attachments, custom data) are removed. See partialUpdateMessage. */
  async updateMessage(message: { id: string; [key: string]: unknown }): Promise<MessageResponse> {
    const res = await this.request<{ message: MessageResponse }>('POST', `/messages/${encodeURIComponent(message.id)}`, { body: { message: stripLocal(message) } });
    this.channels.get(res.message.cid)?.putLocal(sent(res.message));
    return res.message;
  }

  async deleteMessage(messageId: string, options: { hard?: boolean } = {}): Promise<MessageResponse> {
    const res = await this.request<{ message: MessageResponse }>('DELETE', `/messages/${encodeURIComponent(messageId)}`, { query: options.hard ? { hard: 'true' } : {} });
    this.channels.get(res.message.cid)?.putLocal(sent(res.message));
    return res.message;
  }

  async getMessage(messageId: string): Promise<MessageResponse> {
    return (await this.request<{ message: MessageResponse }>('GET', `/messages/${encodeURIComponent(messageId)}`)).message;
  }

  // ---- moderation ----
  /** Mutes a user (no pushes from them); `timeout` in minutes. */
  muteUser(targetId: string, options: { timeout?: number } = {}): Promise<Schemas['MuteResponse']> {
    return this.request('POST', '/moderation/mute', { body: { target_id: targetId, ...options } });
  }
  unmuteUser(targetId: string): Promise<unknown> {
    return this.request('POST', '/moderation/unmute', { body: { target_id: targetId } });
  }
  blockUser(userId: string): Promise<unknown> {
    return this.request('POST', '/moderation/block', { body: { blocked_user_id: userId } });
  }
  unblockUser(userId: string): Promise<unknown> {
    return this.request('POST', '/moderation/unblock', { body: { blocked_user_id: userId } });
  }
  getBlockedUsers(): Promise<Schemas['BlocksResponse']> {
    return this.request('GET', '/moderation/blocks');
  }
  flagMessage(messageId: string, options: { reason?: string } = {}): Promise<Schemas['FlagResponse']> {
    return this.request('POST', '/moderation/flag', { body: { target_message_id: messageId, ...options } });
  }
  flagUser(userId: string, options: { reason?: string } = {}): Promise<Schemas['FlagResponse']> {
    return this.request('POST', '/moderation/flag', { body: { target_user_id: userId, ...options } });
  }

  // ---- devices (push) ----
  async addDevice(id: string, pushProvider: 'firebase' = 'firebase'): Promise<DeviceResponse> {
    return (await this.request<{ device: DeviceResponse }>('POST', '/devices', { body: { id, push_provider: pushProvider } })).device;
  }
  async getDevices(): Promise<DeviceResponse[]> {
    return (await this.request<{ devices: DeviceResponse[] }>('GET', '/devices')).devices;
  }
  async removeDevice(id: string): Promise<void> {
    await this.request('DELETE', '/devices', { query: { id } });
  }

  /**
   * Calls the REST API. Errors are `ChatError`s with the server's stable `code`. An expired token is refreshed once
   * through the token provider.
   */
  async request<T>(method: string, path: string, init: RequestInit = {}, retried = false): Promise<T> {
    const url = new URL(`${this.baseURL}/api/v1${path}`);
    url.searchParams.set('api_key', this.apiKey);
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = { Authorization: await this.currentToken() };
    let body: BodyInit | undefined;
    if (init.form) body = init.form;
    else if (init.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(init.body);
    }
    let res: Response;
    try {
      // uploads may take long on a slow link: ten minutes for them, 30 s (or the option) for the rest
      const timeout = init.form ? Math.max(600_000, this.options.timeoutMs ?? 0) : this.options.timeoutMs ?? 30_000;
      res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeout) });
    } catch (e) {
      if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) throw new ChatError('timeout', 0, `${method} ${path} timed out`);
      throw ChatError.network(e);
    }
    const text = await res.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new ChatError(res.ok ? 'malformed_response' : 'http_error', res.status, `${method} ${path}: the response is not JSON`);
    }
    if (!res.ok) {
      const p = (json ?? {}) as { code?: unknown; detail?: unknown; field?: unknown };
      const err = new ChatError(typeof p.code === 'string' ? p.code : 'http_error', res.status, typeof p.detail === 'string' ? p.detail : res.statusText, typeof p.field === 'string' ? p.field : undefined);
      if (err.code === 'token_expired' && this.tokenProvider && !retried) {
        await this.refreshToken();
        return this.request<T>(method, path, init, true);
      }
      throw err;
    }
    return json as T;
  }

  // ---- what channels call ----

  /** @internal Resolves once the offline store is open (reads come from it first, before the network). */
  whenStoreReady(): Promise<void> {
    return this.storeReady;
  }

  /** @internal */
  connectionQuery(): Record<string, string | undefined> {
    return { connection_id: this.connection?.connectionId };
  }

  /** @internal */
  sendFrame(frame: Record<string, unknown>): boolean {
    return this.connection?.send(frame) ?? false;
  }

  /** @internal */
  report(code: string, error: unknown): void {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.options.onWarning?.(code, detail);
  }

  /** @internal */
  emitClientEvent(event: ClientEventMap[keyof ClientEventMap]): void {
    this.emitter.emit(event);
  }

  /** @internal Sums the channels' unread counts (muted ones left out). */
  recountUnread(): void {
    let total = 0;
    for (const c of this.channels.values()) {
      const s = c.state.getSnapshot();
      if (!s.muted) total += s.unreadCount;
    }
    this.patch({ totalUnreadCount: total });
  }

  /** @internal */
  async enqueueSend(channel: Channel, input: SendMessageInput): Promise<MessageResponse> {
    if (!this.userId) throw new ChatError('not_connected', 0, 'call connectUser() first');
    await this.storeReady;
    const { mentioned_users, ...rest } = input;
    const message = { ...rest, id: input.id ?? uuid(), ...(mentioned_users ? { mentioned_users } : {}) } as MessageInput & { id: string };
    const createdAt = Date.now();
    this.sendOrder = Math.max(this.sendOrder + 1, createdAt * 1000);
    const send: PendingSend = { id: message.id, cid: channel.cid, message, createdAt, order: this.sendOrder };
    const local = optimistic(channel.cid, this.userId, message, send.createdAt);
    const done = this.waitFor(message.id);
    // stored before it is shown as pending: a reload between the two would otherwise lose a send the user saw queued
    try {
      await this.offline.putPending(send);
    } catch (e) {
      // not queued: say so now rather than leave it pending forever
      const error = { code: 'offline_store_failed', detail: e instanceof Error ? e.message : String(e) };
      channel.putLocal({ ...local, status: 'failed', error });
      this.settle(message.id, { error: new ChatError(error.code, 0, error.detail) });
      return done;
    }
    channel.putLocal(local);
    // shown and counted together; every flush recounts from the store when it ends, the one started below too
    this.patch({ pendingCount: this.state.getSnapshot().pendingCount + 1 });
    await channel.persist([local]);
    void this.flush();
    return done;
  }

  /** @internal */
  async retrySend(id: string): Promise<MessageResponse> {
    const send = (await this.offline.pending()).find((p) => p.id === id);
    if (!send) throw new ChatError('not_found', 404, `no queued send ${id}`);
    delete send.failed;
    await this.offline.putPending(send);
    const ch = this.channels.get(send.cid);
    if (ch && this.userId) ch.putLocal(optimistic(send.cid, this.userId, send.message, send.createdAt));
    const done = this.waitFor(id);
    void this.flush();
    return done;
  }

  /** @internal */
  async discardSend(id: string): Promise<void> {
    if (this.inFlight === id) throw new ChatError('send_in_progress', 409, 'the message is being sent; it cannot be discarded now');
    const send = (await this.offline.pending()).find((p) => p.id === id);
    await this.offline.deletePending(id);
    if (send) {
      this.channels.get(send.cid)?.removeLocal(id);
      // its optimistic copy is cached too: without this a reload would show it again, pending for ever
      await this.offline.deleteMessage(send.cid, id);
    }
    for (const w of this.waiters.get(id) ?? []) w.reject(new ChatError('discarded', 0, 'the send was discarded'));
    this.waiters.delete(id);
    this.patch({ pendingCount: (await this.offline.pending()).length });
  }

  /**
   * @internal Catches channels up by seq with `POST /sync` (paging channels that have more); channels the server
   * says missed too much are reloaded.
   */
  async syncChannels(list: Channel[]): Promise<void> {
    const all = list.filter((c) => c.isInitialized);
    const reloaded: string[] = [];
    // the server takes at most 100 channels per sync
    for (let i = 0; i < all.length; i += 100) await this.syncBatch(all.slice(i, i + 100), reloaded);
    if (all.length) this.emitter.emit({ type: 'sync.completed', cids: all.map((c) => c.cid), reloaded });
  }

  private async syncBatch(batch: Channel[], reloaded: string[]): Promise<void> {
    let todo = batch;
    for (const c of todo) c.setSyncing(true);
    try {
      // the oldest of the channels' sync times, so that no channel misses a change (newer ones just get a few again)
      const times = todo.map((c) => c.syncedAt).filter((t): t is string => !!t).sort();
      let lastSyncAt: string | undefined = todo.every((c) => c.syncedAt) ? times[0] : undefined;
      for (let round = 0; round < 100 && todo.length; round++) {
        // watching needs the socket's id; without it (the socket is not up yet) the client watches once it is
        const body: Record<string, unknown> = { channels: Object.fromEntries(todo.map((c) => [c.cid, c.lastSeq])), limit: 100, watch: !!this.connectionId };
        if (lastSyncAt) body.last_sync_at = lastSyncAt;
        const res = await this.request<SyncBySeqResponse>('POST', '/sync', { query: this.connectionQuery(), body });
        const more: Channel[] = [];
        for (const c of todo) {
          const s = res.channels[c.cid];
          if (!s) continue;
          if (round === 0) c.syncedAt = res.synced_at;
          if (s.reload) {
            reloaded.push(c.cid);
            await c.reload();
          } else if (c.applySync(s)) more.push(c);
          await c.persist();
        }
        if (round === 0) this.syncedAt = res.synced_at;
        // paging: the changed messages were already returned, only the rest of the new ones remain
        lastSyncAt = res.synced_at;
        todo = more;
      }
    } finally {
      for (const c of batch) c.setSyncing(false);
    }
  }

  // ---- internals ----

  private makeStore(): OfflineStore {
    const choice = this.options.store ?? (IndexedDBStore.available() ? 'indexeddb' : 'memory');
    if (choice === 'indexeddb') return new IndexedDBStore();
    if (choice === 'memory') return new MemoryStore();
    return choice;
  }

  private patch(p: Partial<ClientState>): void {
    this.state.update((s) => ({ ...s, ...p }));
  }

  private async currentToken(): Promise<string> {
    if (this.refreshing) await this.refreshing;
    if (!this.token) throw new ChatError('not_connected', 0, 'call connectUser() first');
    return this.token;
  }

  private refreshToken(): Promise<void> {
    const provider = this.tokenProvider;
    if (!provider) return Promise.reject(new ChatError('token_expired', 401, 'the token expired and there is no token provider'));
    if (!this.refreshing) {
      this.refreshing = provider()
        .then((t) => {
          this.token = t;
        })
        .finally(() => {
          this.refreshing = undefined;
        });
    }
    return this.refreshing;
  }

  private async connected(hello: Record<string, unknown>, reconnect: boolean): Promise<void> {
    const me = hello.me as OwnUserResponse | undefined;
    if (me) {
      this.patch({ user: me });
      // the server lists only channels with something unread: the others have nothing unread
      const listed = new Set<string>();
      for (const u of me.channels ?? []) {
        const [type, ...rest] = u.channel_id.split(':');
        if (!type || rest.length === 0) continue;
        listed.add(u.channel_id);
        const ch = this.channel(type, rest.join(':'));
        ch.setUnread(u.unread_count, u.last_read_seq);
      }
      for (const [cid, ch] of this.channels) if (!listed.has(cid)) ch.setUnread(0);
      const muted = new Set((me.channel_mutes ?? []).map((m) => m.channel.cid));
      for (const [cid, ch] of this.channels) ch.setMuted(muted.has(cid));
      this.recountUnread();
    }
    if (!reconnect) {
      if (!this.syncedAt && typeof hello.created_at === 'string') this.syncedAt = hello.created_at;
      // channels watched over REST before the socket was up: watch them on it now
      for (const [cid, ch] of this.channels) if (ch.state.getSnapshot().watching) this.sendFrame({ type: 'channel.watch', cid });
    }
    // catch up: after a reconnect what was missed, on the first connect what arrived before the socket listened
    await this.resync();
    if (reconnect) this.emitter.emit({ type: 'connection.recovered' });
    // channels whose load failed (offline at start) are loaded now
    for (const ch of this.channels.values()) if (ch.wantsWatch) void ch.watch().catch((e: unknown) => this.report('watch_failed', e));
    void this.flush();
  }

  /** Syncs every channel held; on failure tries again with backoff while connected. */
  private async resync(attempt = 0): Promise<void> {
    clearTimeout(this.resyncTimer);
    const generation = this.generation;
    try {
      await this.syncChannels([...this.channels.values()]);
    } catch (e) {
      this.report('sync_failed', e);
      if (generation !== this.generation) return;
      this.resyncTimer = setTimeout(() => {
        if (this.connectionState === 'online') void this.resync(attempt + 1);
      }, backoffDelay(attempt + 2));
    }
  }

  private dispatch(frame: Record<string, unknown> & { type: string }): void {
    const cid = typeof frame.cid === 'string' ? frame.cid : undefined;
    if (frame.type === 'health.check') {
      this.emitter.emit(frame);
      return;
    }
    if (frame.type === 'connection.recovered') {
      // the server's database came back after a connection.error: what it could not deliver is fetched by seq
      void this.resync();
      this.emitter.emit(frame);
      return;
    }
    if (frame.type === 'user.presence.changed' || frame.type === 'user.updated') {
      this.emitter.emit(frame);
      return;
    }
    if (cid) {
      const [type, ...rest] = cid.split(':');
      const known = this.channels.get(cid);
      const ch = known ?? (type && rest.length ? this.channel(type, rest.join(':')) : undefined);
      ch?.handle(frame);
    }
    this.emitter.emit(frame);
  }

  private waitFor(id: string): Promise<MessageResponse> {
    return new Promise<MessageResponse>((resolve, reject) => {
      const list = this.waiters.get(id) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(id, list);
    });
  }

  private settle(id: string, outcome: { message: MessageResponse } | { error: ChatError }): void {
    const list = this.waiters.get(id) ?? [];
    this.waiters.delete(id);
    for (const w of list) {
      if ('message' in outcome) w.resolve(outcome.message);
      else w.reject(outcome.error);
    }
  }

  /** Sends queued messages one at a time, oldest first, so that the server's seq order is the order they were written. */
  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (!this.userId || this.connectionState === 'offline' || this.connectionState === 'disconnected') return Promise.resolve();
    const generation = this.generation;
    const store = this.offline;
    this.flushing = (async () => {
      try {
        for (;;) {
          if (generation !== this.generation) return;
          const next = (await store.pending()).find((p) => !p.failed);
          if (!next) break;
          this.inFlight = next.id;
          const ok = await this.sendOne(next).finally(() => (this.inFlight = undefined));
          if (generation !== this.generation) return;
          if (!ok) {
            clearTimeout(this.flushTimer);
            this.flushTimer = setTimeout(() => void this.flush(), 3_000);
            break;
          }
        }
      } catch (e) {
        this.report('flush_failed', e);
      } finally {
        this.flushing = undefined;
        if (generation === this.generation) this.patch({ pendingCount: (await store.pending().catch(() => [])).length });
      }
    })();
    return this.flushing;
  }

  /** One queued send; false when it must wait (network, server unavailable). */
  private async sendOne(send: PendingSend): Promise<boolean> {
    const [type, ...rest] = send.cid.split(':');
    const path = `/channels/${encodeURIComponent(type ?? '')}/${encodeURIComponent(rest.join(':'))}/message`;
    const ch = this.channels.get(send.cid);
    try {
      const res = await this.request<{ message: MessageResponse }>('POST', path, { body: { message: send.message } });
      await this.offline.deletePending(send.id);
      const m: LocalMessage = sent(res.message);
      if (ch) {
        ch.putLocal(m);
        await ch.persist([m]);
      } else {
        await this.offline.putChannel(send.cid, undefined, [m], CACHED_MESSAGES_PER_CHANNEL);
      }
      this.settle(send.id, { message: res.message });
      return true;
    } catch (e) {
      const err = e instanceof ChatError ? e : ChatError.network(e);
      if (err.retryable) return false;
      // a conflict or an internal error may pass: a few more tries before the send is called failed
      const attempts = (send.attempts ?? 0) + 1;
      if ((err.code === 'conflict' || err.code === 'internal_error' || err.code === 'http_error') && attempts < 5) {
        await this.offline.putPending({ ...send, attempts });
        return false;
      }
      const failed = { code: err.code, detail: err.message };
      // discarded meanwhile: do not bring it back
      if (!(await this.offline.pending()).some((p) => p.id === send.id)) return true;
      await this.offline.putPending({ ...send, failed });
      if (ch && this.userId) {
        const m: LocalMessage = { ...optimistic(send.cid, this.userId, send.message, send.createdAt), status: 'failed', error: failed };
        ch.putLocal(m);
        await ch.persist([m]);
      }
      this.emitter.emit({ type: 'message.send_failed', cid: send.cid, id: send.id, error: failed });
      this.settle(send.id, { error: err });
      return true;
    }
  }

  /** In a browser, the network coming back reconnects at once, and going away is noticed at once. */
  private watchBrowserNetwork(): void {
    const w = globalThis as { addEventListener?: (t: string, f: () => void) => void; removeEventListener?: (t: string, f: () => void) => void };
    if (typeof w.addEventListener !== 'function' || typeof w.removeEventListener !== 'function') return;
    const online = () => this.connection?.reconnectNow();
    const offline = () => this.connection?.goneOffline();
    w.addEventListener('online', online);
    w.addEventListener('offline', offline);
    this.detachers.push(() => {
      w.removeEventListener?.('online', online);
      w.removeEventListener?.('offline', offline);
    });
  }
}

function pick<T extends object>(o: T, keys: (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** The fields a held message has that the server would refuse or ignore on update. */
function stripLocal(m: Record<string, unknown>): Record<string, unknown> {
  const { status, error, ...rest } = m;
  void status;
  void error;
  return rest;
}

function uuid(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c?.randomUUID) return c.randomUUID();
  const b = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

