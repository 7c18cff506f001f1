// What the suites share: the appliance the runner started, a fresh app per suite, and HS256 tokens signed the way a
// customer's back end signs them (the test plays that back end).
import { createHmac, randomUUID } from 'node:crypto';

export const baseURL = process.env.CHATSDK_TEST_BASE_URL ?? '';
const operatorToken = process.env.CHATSDK_TEST_OPERATOR_TOKEN ?? '';
if (!baseURL) throw new Error('CHATSDK_TEST_BASE_URL is not set: run the suites with npm test, which starts the appliance');

export interface TestApp {
  id: string;
  apiKey: string;
  secret: string;
  /** A user token, expiring in `ttlSeconds` (default an hour). */
  token(userId: string, ttlSeconds?: number): string;
  serverToken(): string;
  /** Calls the chat API as the server. */
  server<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  upsertUsers(...ids: string[]): Promise<void>;
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export function sign(secret: string, claims: Record<string, unknown>): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

export async function operator<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${baseURL}/admin/api${path}`, {
    method,
    headers: { Authorization: `Bearer ${operatorToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`operator ${method} ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

export async function newApp(name = `js-${randomUUID().slice(0, 8)}`): Promise<TestApp> {
  const created = await operator<{ app: { id: string }; api_key: string; api_secret: string }>('POST', '/apps', { name });
  const app: TestApp = {
    id: created.app.id,
    apiKey: created.api_key,
    secret: created.api_secret,
    token: (userId, ttl = 3600) => {
      const now = Math.floor(Date.now() / 1000);
      return sign(created.api_secret, { user_id: userId, iat: now - 5, exp: now + ttl });
    },
    serverToken: () => sign(created.api_secret, { server: true, iat: Math.floor(Date.now() / 1000) - 5 }),
    server: async (method, path, body) => {
      const r = await fetch(`${baseURL}/api/v1${path}${path.includes('?') ? '&' : '?'}api_key=${created.api_key}`, {
        method,
        headers: { Authorization: app.serverToken(), 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      if (!r.ok) throw new Error(`server ${method} ${path}: ${r.status} ${text}`);
      return text ? JSON.parse(text) : {};
    },
    upsertUsers: async (...ids) => {
      await app.server('POST', '/users', { users: Object.fromEntries(ids.map((id) => [id, { id, name: id[0]!.toUpperCase() + id.slice(1) }])) });
    },
  };
  return app;
}

export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
