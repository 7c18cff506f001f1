import { backoffDelay } from './backoff.js';
import type { ConnectionState } from './types.js';

/** The subset of the WebSocket API the client uses: the browser's, Node 22's, or the `ws` package's. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface ConnectionOptions {
  url: string;
  apiKey: string;
  token: () => Promise<string>;
  /** Called when the server closes with `token_expired`: must produce a fresh token (the token provider). */
  refreshToken: () => Promise<void>;
  WebSocket: WebSocketConstructor;
  /** How often the client sends its own `health.check`; the server closes a connection silent for 60 s. */
  healthCheckIntervalMs: number;
  /** Nothing from the server for this long means the connection is dead (the server sends health.check every 30 s). */
  deadAfterMs: number;
  onFrame: (frame: Record<string, unknown> & { type: string }) => void;
  onMalformed: (length: number) => void;
  onState: (state: ConnectionState, error?: { code: string; detail: string }) => void;
  /** Once per successful (re)connect, with the server's first health.check. */
  onConnected: (hello: Record<string, unknown> & { type: string }, reconnect: boolean) => void;
  random?: () => number;
}

const OPEN = 1;
/** Close codes after which reconnecting with the same credentials cannot help. */
const FATAL = new Set([4401, 4403]);

/**
 * One WebSocket to `/api/v1/connect` that stays up: it authenticates with its first frame (so the token never appears
 * in a URL or an access log), answers the server's schedule with its own health checks, notices a silent server,
 * and reconnects with jittered exponential backoff. An expired token is refreshed through the token provider.
 */
export class Connection {
  private ws: WebSocketLike | undefined;
  private attempt = 0;
  private everConnected = false;
  private stopped = true;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private healthTimer: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;
  private helloTimer: ReturnType<typeof setTimeout> | undefined;
  private state: ConnectionState = 'disconnected';
  connectionId: string | undefined;
  private firstHello: { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly options: ConnectionOptions) {}

  get current(): ConnectionState {
    return this.state;
  }

  /** Opens the connection; resolves with the first health.check, rejects if authentication fails. */
  start(): Promise<Record<string, unknown>> {
    this.stopped = false;
    const first = new Promise<Record<string, unknown>>((resolve, reject) => (this.firstHello = { resolve, reject }));
    void this.open();
    return first;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.helloTimer);
    this.firstHello?.reject(Object.assign(new Error('disconnected: the client disconnected'), { code: 'disconnected' }));
    this.firstHello = undefined;
    this.dropSocket(1000, 'client disconnect');
    this.setState('disconnected');
  }

  /** Sends a client event; false when the socket is not open (the caller decides whether that matters). */
  send(frame: Record<string, unknown>): boolean {
    if (!this.ws || this.ws.readyState !== OPEN || this.state !== 'online') return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Drops the socket and reconnects at once (the browser came back online, or a test cuts it). */
  reconnectNow(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.dropSocket();
    void this.open();
  }

  /** The device lost its network (the browser's `offline` event): say so now rather than after the dead timer. */
  goneOffline(): void {
    if (this.stopped || !this.everConnected) return;
    this.dropSocket();
    this.scheduleRetry();
  }

  /** Closes the socket without hearing from it again (its handlers are detached first). */
  private dropSocket(code = 4000, reason = 'reconnecting'): void {
    const ws = this.ws;
    this.ws = undefined;
    clearInterval(this.healthTimer);
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      ws.onerror = null;
      try {
        ws.close(code, reason);
      } catch {
        // already closed
      }
    }
  }

  private setState(state: ConnectionState, error?: { code: string; detail: string }): void {
    if (state === this.state && !error) return;
    this.state = state;
    this.options.onState(state, error);
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    // one socket at a time: a retry timer, the browser's online event and a token refresh may all ask for one
    clearTimeout(this.retryTimer);
    this.dropSocket();
    this.setState(this.everConnected ? 'offline' : 'connecting');
    let token: string;
    try {
      token = await this.options.token();
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      // before the first connect the app hears it from connectUser; later, the provider gets another chance
      if (this.everConnected) this.scheduleRetry();
      else this.fail('token_provider_failed', detail);
      return;
    }
    if (this.stopped || this.ws) return;
    const url = `${this.options.url}?api_key=${encodeURIComponent(this.options.apiKey)}`;
    let ws: WebSocketLike;
    try {
      ws = new this.options.WebSocket(url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    let hello = false;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'authorization', token }));
    // a handshake that never answers is dropped and tried again
    clearTimeout(this.helloTimer);
    this.helloTimer = setTimeout(() => {
      if (this.ws === ws && !hello) {
        this.dropSocket();
        this.scheduleRetry();
      }
    }, 15_000);
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      const frame = parseFrame(ev.data);
      if (!frame) {
        this.options.onMalformed(typeof ev.data === 'string' ? ev.data.length : 0);
        return;
      }
      if (!hello && frame.type === 'health.check') {
        hello = true;
        clearTimeout(this.helloTimer);
        this.attempt = 0;
        this.connectionId = typeof frame.connection_id === 'string' ? frame.connection_id : undefined;
        const reconnect = this.everConnected;
        this.everConnected = true;
        this.startHealthChecks(ws);
        this.setState('online');
        this.firstHello?.resolve(frame);
        this.firstHello = undefined;
        this.options.onConnected(frame, reconnect);
        return;
      }
      this.options.onFrame(frame);
    };
    ws.onerror = () => undefined; // onclose follows with the reason
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      clearInterval(this.healthTimer);
      this.closed(ev.code, ev.reason ?? '');
    };
  }

  private closed(code: number, reason: string): void {
    if (this.stopped) return;
    const errCode = reason.split(/[\s:]/, 1)[0] ?? '';
    if (code === 4401 && errCode === 'token_expired') {
      // a provider that fails now may answer later: back off and try again
      this.options.refreshToken().then(() => this.reconnectSoon(), () => this.scheduleRetry());
      return;
    }
    if (FATAL.has(code)) {
      this.fail(errCode || 'connection_refused', reason);
      return;
    }
    if (code === 4429) {
      this.setState('offline', { code: errCode, detail: reason });
      this.scheduleRetry(60_000);
      return;
    }
    this.scheduleRetry();
  }

  private reconnectSoon(): void {
    // the attempt count is kept: a provider that keeps returning expired tokens backs off like any failure
    this.scheduleRetry(0);
  }

  private fail(code: string, detail: string): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.setState('disconnected', { code, detail });
    this.firstHello?.reject(Object.assign(new Error(`${code}: ${detail}`), { code }));
    this.firstHello = undefined;
  }

  private scheduleRetry(atLeastMs = 0): void {
    if (this.stopped) return;
    if (this.everConnected || this.state !== 'connecting') this.setState('offline');
    const delay = Math.max(atLeastMs, backoffDelay(this.attempt++, this.options.random));
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.open(), delay);
  }

  private startHealthChecks(ws: WebSocketLike): void {
    clearInterval(this.healthTimer);
    this.lastHeard = Date.now();
    const tick = Math.min(this.options.healthCheckIntervalMs, this.options.deadAfterMs / 2);
    let sinceCheck = 0;
    this.healthTimer = setInterval(() => {
      if (this.ws !== ws) return;
      if (Date.now() - this.lastHeard > this.options.deadAfterMs) {
        this.dropSocket();
        this.scheduleRetry();
        return;
      }
      sinceCheck += tick;
      if (sinceCheck >= this.options.healthCheckIntervalMs) {
        sinceCheck = 0;
        if (ws.readyState === OPEN) ws.send('{"type":"health.check"}');
      }
    }, tick);
    // do not keep a Node process alive for the health timer alone
    (this.healthTimer as { unref?: () => void }).unref?.();
  }
}

/** A frame is a JSON object with a string `type`; anything else is malformed and skipped. */
export function parseFrame(data: unknown): (Record<string, unknown> & { type: string }) | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const v: unknown = JSON.parse(data);
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { type?: unknown }).type === 'string') {
      return v as Record<string, unknown> & { type: string };
    }
  } catch {
    // fall through
  }
  return undefined;
}
