// The app's sign-in against the real appliance (its demo, in demo mode) and against a customer back end that this
// test plays: a real HTTP server following the token-endpoint contract, signing chat tokens with the app's secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { ChatClient, type WebSocketConstructor } from '@chatsdk/client';
import { baseURL, newApp, type TestApp } from '../../test-support/fixtures.js';
import { demoConfig, signInDemo, signInWithPassword, SignInError, tokenProvider, type Session } from '../src/session.js';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof SignInError ? e.code : `not a SignInError: ${String(e)}`;
  }
}

describe('demo sign-in', () => {
  it('takes the demo users and a token from the appliance, and the token connects', async () => {
    const cfg = await demoConfig(baseURL);
    expect(cfg.users).toEqual(expect.arrayContaining(['alice', 'bob']));
    const { session, token } = await signInDemo(baseURL, 'bob');
    expect(session).toEqual({ method: 'demo', userId: 'bob', apiKey: cfg.apiKey });
    const client = new ChatClient(session.apiKey, { baseURL, store: 'memory', WebSocket: WebSocket as unknown as WebSocketConstructor });
    const me = await client.connectUser({ id: 'bob' }, tokenProvider(session, { baseUrl: baseURL }, () => undefined));
    expect(me.id).toBe('bob');
    await client.disconnectUser();
    expect(token.split('.')).toHaveLength(3);
  });

  it('says which demo user does not exist, and that an appliance without a demo has none', async () => {
    expect(await code(signInDemo(baseURL, 'mallory'))).toBe('unknown_user');
    // the health endpoint is not the demo: any other server answers 404 there
    const other = createServer((_, res) => res.writeHead(404).end()).listen(0, '127.0.0.1');
    await new Promise((r) => other.once('listening', r));
    expect(await code(signInDemo(`http://127.0.0.1:${(other.address() as AddressInfo).port}`, 'alice'))).toBe('demo_off');
    other.close();
    expect(await code(signInDemo('http://127.0.0.1:9', 'alice'))).toBe('network');
  });
});

describe('token-endpoint sign-in', () => {
  let app: TestApp;
  let backend: Server;
  let endpoint: string;
  const sessions = new Map<string, string>(); // backend session -> user
  const calls: string[] = [];
  let ttl = 3600;
  let answerHtml = false;

  beforeAll(async () => {
    app = await newApp();
    await app.upsertUsers('carol');
    let n = 0;
    backend = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        if (answerHtml) return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>maintenance</html>');
        const body = JSON.parse(raw) as { username?: string; password?: string; session?: string };
        let user: string | undefined;
        if (body.session !== undefined) {
          calls.push('refresh');
          user = sessions.get(body.session);
          sessions.delete(body.session); // sessions rotate: each is traded once
        } else {
          calls.push('password');
          if (body.username === 'carol' && body.password === 'correct horse') user = 'carol';
        }
        if (!user) return void res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"unauthorized"}');
        const next = `s-${++n}`;
        sessions.set(next, user);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ user_id: user, token: app.token(user, ttl), session: next }));
      });
    }).listen(0, '127.0.0.1');
    await new Promise((r) => backend.once('listening', r));
    endpoint = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/chat/token`;
  });

  afterAll(() => backend?.close());

  it('refuses a wrong password, a broken answer and an unreachable back end with distinct codes', async () => {
    expect(await code(signInWithPassword(endpoint, app.apiKey, 'carol', 'wrong'))).toBe('wrong_credentials');
    answerHtml = true;
    expect(await code(signInWithPassword(endpoint, app.apiKey, 'carol', 'correct horse'))).toBe('bad_response');
    answerHtml = false;
    expect(await code(signInWithPassword('http://127.0.0.1:9/token', app.apiKey, 'carol', 'x'))).toBe('network');
  });

  it('signs in, and trades the back end session for a fresh token when the chat token has expired', async () => {
    ttl = -600; // the first chat token has expired already, beyond any clock-skew allowance
    const signed = await signInWithPassword(endpoint, app.apiKey, 'carol', 'correct horse');
    expect(signed.session.userId).toBe('carol');
    ttl = 3600;
    const rotated: Session[] = [];
    const client = new ChatClient(app.apiKey, { baseURL, store: 'memory', WebSocket: WebSocket as unknown as WebSocketConstructor });
    const provider = tokenProvider(signed.session, { baseUrl: baseURL, tokenEndpoint: endpoint }, (s) => rotated.push(s));
    let first = true;
    await client.connectUser({ id: 'carol' }, async () => {
      if (!first) return provider();
      first = false;
      return signed.token;
    });
    const channel = client.channel('messaging', `carol-${Date.now()}`, { members: ['carol'] });
    await channel.watch();
    await channel.sendMessage({ text: 'after a refresh' });
    expect(calls.filter((c) => c === 'refresh').length).toBeGreaterThanOrEqual(1);
    expect(rotated.at(-1)?.backendSession).toMatch(/^s-\d+$/);
    expect(rotated.at(-1)?.backendSession).not.toBe(signed.session.backendSession);
    await client.disconnectUser();
    // the back end ended the old session when it was traded: using it again signs the user out
    expect(await code(tokenProvider(signed.session, { baseUrl: baseURL, tokenEndpoint: endpoint }, () => undefined)())).toBe('session_ended');
  });
});
