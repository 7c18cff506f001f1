// Signing in: who the user is and where their chat token comes from. Plain TypeScript (no React Native), so that the
// Node suite tests it against real HTTP servers.
//
// Two methods, chosen by the brand:
//  - demo: the appliance's demo (`./chatsdk up`) hands out tokens for its demo users at /demo/config.json, to a
//    browser or simulator on the appliance's own machine only;
//  - token-endpoint: the customer's back end signs the user in and issues chat tokens. The contract (docs/white-label.md):
//      POST <tokenEndpoint> {"username", "password"}  -> 200 {"user_id", "token", "session"}   (401: wrong credentials)
//      POST <tokenEndpoint> {"session"}                -> 200 {"user_id", "token", "session"}   (401: the session ended)
//    `session` is the back end's own opaque credential; the app keeps it in the device's secure storage and trades it
//    for a fresh chat token when the old one expires.

export type SignInMethod = 'demo' | 'token-endpoint';

/** What the app keeps between runs to sign the user in again without asking. */
export interface Session {
  method: SignInMethod;
  userId: string;
  apiKey: string;
  /** The customer back end's opaque session (token-endpoint only). */
  backendSession?: string;
  /** The last chat token, to connect after a start without network (refreshed when it expires). */
  token?: string;
}

export interface SignedIn {
  session: Session;
  token: string;
}

export type SignInErrorCode = 'demo_off' | 'wrong_credentials' | 'session_ended' | 'network' | 'bad_response' | 'unknown_user';

export class SignInError extends Error {
  constructor(readonly code: SignInErrorCode, message: string) {
    super(message);
    this.name = 'SignInError';
  }
}

async function call(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: timeout(15_000) });
  } catch {
    throw new SignInError('network', `Could not reach ${new URL(url).host}. Check the connection and try again.`);
  }
}

function timeout(ms: number): AbortSignal | undefined {
  if (typeof AbortSignal !== 'undefined' && typeof AbortSignal.timeout === 'function') return AbortSignal.timeout(ms);
  if (typeof AbortController === 'undefined') return undefined;
  const c = new AbortController();
  setTimeout(() => c.abort(), ms);
  return c.signal;
}

async function json(res: Response): Promise<Record<string, unknown>> {
  const body: unknown = await res.json().catch(() => undefined);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SignInError('bad_response', 'The sign-in service answered with something that is not a JSON object.');
  return body as Record<string, unknown>;
}

function text(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > 4096) throw new SignInError('bad_response', `The sign-in service's answer has no usable "${key}".`);
  return v;
}

export interface DemoConfig {
  apiKey: string;
  channel: string;
  users: string[];
}

/** The appliance's demo: its API key, its channel and the users one may be. */
export async function demoConfig(baseUrl: string): Promise<DemoConfig & { tokens: Record<string, string> }> {
  const res = await call(`${baseUrl}/demo/config.json`, { cache: 'no-store' });
  if (res.status === 404) throw new SignInError('demo_off', 'This appliance has no demo: start it with ./chatsdk up, on this machine.');
  if (!res.ok) throw new SignInError('bad_response', `The appliance answered ${res.status}.`);
  const body = await json(res);
  const tokens = body.tokens;
  if (!tokens || typeof tokens !== 'object') throw new SignInError('bad_response', 'The demo configuration has no tokens.');
  const t = tokens as Record<string, unknown>;
  const users = Object.keys(t).filter((u) => typeof t[u] === 'string');
  return { apiKey: text(body, 'api_key'), channel: text(body, 'channel'), users, tokens: Object.fromEntries(users.map((u) => [u, t[u] as string])) };
}

export async function signInDemo(baseUrl: string, userId: string): Promise<SignedIn> {
  const cfg = await demoConfig(baseUrl);
  const token = cfg.tokens[userId];
  if (!token) throw new SignInError('unknown_user', `The demo has no user "${userId}".`);
  return { session: { method: 'demo', userId, apiKey: cfg.apiKey }, token };
}

async function tokenEndpoint(endpoint: string, apiKey: string, body: Record<string, string>, refused: SignInErrorCode): Promise<SignedIn> {
  const res = await call(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) });
  if (res.status === 401 || res.status === 403) {
    throw new SignInError(refused, refused === 'wrong_credentials' ? 'The user name or password is wrong.' : 'You were signed out. Sign in again.');
  }
  if (!res.ok) throw new SignInError('bad_response', `The sign-in service answered ${res.status}.`);
  const answer = await json(res);
  return { session: { method: 'token-endpoint', userId: text(answer, 'user_id'), apiKey, backendSession: text(answer, 'session') }, token: text(answer, 'token') };
}

export function signInWithPassword(endpoint: string, apiKey: string, username: string, password: string): Promise<SignedIn> {
  return tokenEndpoint(endpoint, apiKey, { username, password }, 'wrong_credentials');
}

/**
 * Where fresh chat tokens come from for a session (the client calls it when the server says the token expired).
 * `onRotate` is told when the back end hands out a new session, so that the app stores it.
 */
export function tokenProvider(session: Session, where: { baseUrl: string; tokenEndpoint?: string }, onRotate: (s: Session) => void): () => Promise<string> {
  return async () => {
    if (session.method === 'demo') return (await signInDemo(where.baseUrl, session.userId)).token;
    if (!where.tokenEndpoint || !session.backendSession) throw new SignInError('session_ended', 'You were signed out. Sign in again.');
    const next = await tokenEndpoint(where.tokenEndpoint, session.apiKey, { session: session.backendSession }, 'session_ended');
    if (next.session.userId !== session.userId) throw new SignInError('bad_response', 'The sign-in service answered for another user.');
    if (next.session.backendSession !== session.backendSession) {
      session = next.session;
      onRotate(next.session);
    }
    return next.token;
  };
}
