// The white-label app's web build (Expo, branded as Northwind) in Debian's Chromium against the real appliance, which
// scripts/run-tests.mjs starts in demo mode: sign in, open a channel, chat with another user, react, attach an image,
// record a voice note, and go offline and back. The build is served from its own origin, as a customer would host it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { baseURL, newApp, type TestApp } from '../test-support/fixtures.js';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { buildAppWeb, brandsDir } from '../test-support/app-build.mjs';
import { serveStatic } from '../test-support/static-server.mjs';
import { launch } from './browser.js';

let browser: Browser;
let site: { url: string; close: () => Promise<void> };
const contexts: BrowserContext[] = [];
const marker = () => Math.random().toString(36).slice(2, 10);
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

beforeAll(async () => {
  const dir = await buildAppWeb(join(brandsDir, 'northwind'), 'northwind', baseURL);
  site = await serveStatic(dir);
  browser = await launch();
}, 300_000);

afterAll(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await browser?.close();
  await site?.close();
});

async function signIn(user: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 800, height: 800 }, permissions: ['microphone'] });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${user}] page error: ${e.message}`));
  await page.goto(site.url);
  await page.getByRole('button', { name: `Continue as ${user}` }).click({ timeout: 60_000 });
  await page.getByRole('button', { name: /^Welcome/ }).waitFor({ timeout: 30_000 });
  return { context, page };
}

async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

/** The open channel's messages (a stack keeps the screens below it in the page, hidden). */
function list(page: Page) {
  return page.getByTestId('message-list').filter({ visible: true });
}

/** How many bubbles of the open channel hold `text`. */
function count(page: Page, text: string): Promise<number> {
  return list(page).getByText(text, { exact: true }).count();
}

function banner(page: Page) {
  return page.getByTestId('offline-banner').filter({ visible: true });
}

describe('the white-label app (web build) in Chromium', () => {
  let alice: { context: BrowserContext; page: Page };
  let bob: { context: BrowserContext; page: Page };
  // a channel of its own, so that the demo page's tests, which share the demo users, find their channel as they left it
  const channelId = `app-${marker()}`;
  const channelName = `App test ${channelId.slice(4)}`;

  /** The test channel's get-or-create query, as a demo user (with the demo's own API key and token). */
  async function queryChannelAs(user: 'alice' | 'bob', body: unknown): Promise<Response> {
    const demo = (await (await fetch(`${baseURL}/demo/config.json`)).json()) as { api_key: string; tokens: Record<string, string> };
    return fetch(`${baseURL}/api/v1/channels/messaging/${channelId}/query?api_key=${demo.api_key}`, {
      method: 'POST',
      headers: { Authorization: demo.tokens[user]!, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  beforeAll(async () => {
    alice = await signIn('alice');
    bob = await signIn('bob');
    const created = await queryChannelAs('alice', { data: { name: channelName, members: ['alice', 'bob'] } });
    expect(created.status).toBeLessThan(300);
    // both channel lists show it (a notification.added_to_channel reloads them)
    for (const p of [alice.page, bob.page]) await p.getByRole('button', { name: new RegExp(`^${channelName}`) }).waitFor({ timeout: 30_000 });
  }, 120_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await alice.page.screenshot({ path: `test-results/failed-app-${name}-alice.png` }).catch(() => undefined);
    await bob.page.screenshot({ path: `test-results/failed-app-${name}-bob.png` }).catch(() => undefined);
  });

  it('is branded: its title, and the brand colour on its buttons', async () => {
    await expect.poll(() => alice.page.title(), { timeout: 15_000 }).toBe('Northwind Chat');
    const settings = alice.page.getByRole('button', { name: 'Settings' });
    expect(await settings.locator('div').first().evaluate((e) => getComputedStyle(e).color)).toBe('rgb(29, 78, 216)'); // #1D4ED8
  });

  it('two users chat: a message sent by one arrives at the other, with typing and a read receipt', async () => {
    await alice.page.getByRole('button', { name: new RegExp(`^${channelName}`) }).click();
    await bob.page.getByRole('button', { name: new RegExp(`^${channelName}`) }).click();
    const text = `Hello from the app ${marker()}`;
    await alice.page.getByRole('textbox', { name: 'Message' }).pressSequentially('Hel');
    await expect.poll(() => bob.page.getByTestId('typing').textContent(), { timeout: 15_000 }).toBe('alice is typing…');
    await alice.page.getByRole('textbox', { name: 'Message' }).fill('');
    await send(alice.page, text);
    await list(bob.page).getByText(text, { exact: true }).waitFor({ timeout: 15_000 });
    // bob has the channel open, so it is marked read, and alice sees the receipt on her newest message
    await alice.page.getByTestId('read-receipt').filter({ hasText: 'Seen by bob' }).waitFor({ timeout: 15_000 });
    const reply = `Hi alice ${marker()}`;
    await send(bob.page, reply);
    await list(alice.page).getByText(reply, { exact: true }).waitFor({ timeout: 15_000 });
  });

  it('reacts with a long press, and the other side sees the count', async () => {
    const text = `React to me ${marker()}`;
    await send(bob.page, text);
    const bubble = list(alice.page).getByText(text, { exact: true });
    await bubble.waitFor({ timeout: 15_000 });
    const heart = alice.page.getByRole('menuitem', { name: 'React with heart' });
    // a press that the list moves away from under the pointer (a message arriving, an image loading) is no long
    // press; the gesture is tried again then, as a person would
    for (let attempt = 0; attempt < 3 && !(await heart.isVisible()); attempt++) {
      const box = (await bubble.boundingBox())!;
      await alice.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await alice.page.mouse.down();
      await alice.page.waitForTimeout(1500); // well past the 500 ms a long press takes
      await alice.page.mouse.up();
      await heart.waitFor({ timeout: 3_000 }).catch(() => undefined);
    }
    await heart.click();
    const bubbleOf = (page: Page) => list(page).getByTestId(/^message-/).filter({ hasText: text });
    await bubbleOf(bob.page).getByRole('button', { name: 'heart: 1' }).waitFor({ timeout: 15_000 });
    await bubbleOf(alice.page).getByRole('button', { name: 'heart: 1, including yours' }).waitFor({ timeout: 15_000 });
  });

  it('attaches an image from the picker, and the other side shows it', async () => {
    const name = `pixel-${marker()}.png`;
    const chooser = alice.page.waitForEvent('filechooser');
    await alice.page.getByRole('button', { name: 'Attach a photo' }).click();
    await (await chooser).setFiles({ name, mimeType: 'image/png', buffer: PNG_1x1 });
    const img = list(bob.page).getByAltText(`Image: ${name}`);
    await img.waitFor({ timeout: 30_000 });
    // the picture loads from the appliance's signed link, across origins
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth).catch(() => 0), { timeout: 15_000 }).toBeGreaterThan(0);
  });

  it('attaches a file from the document picker, and the other side gets a link that downloads it', async () => {
    const name = `minutes-${marker()}.txt`;
    const content = `Minutes of the meeting ${marker()}`;
    const chooser = alice.page.waitForEvent('filechooser');
    await alice.page.getByRole('button', { name: 'Attach a file' }).click();
    await (await chooser).setFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(content) });
    const link = list(bob.page).getByRole('link', { name: `File: ${name}` });
    await link.waitFor({ timeout: 30_000 });
    // the attachment's link is the appliance's signed download, and it serves exactly what was attached
    const url = await bob.page.evaluate((n) => {
      for (const m of document.querySelectorAll('[data-testid^="message-"]')) if (m.textContent?.includes(n)) return m.getAttribute('data-testid');
      return null;
    }, name);
    expect(url).toMatch(/^message-/);
    const res = await queryChannelAs('bob', { state: true });
    const body = (await res.json()) as { messages: { attachments: { type: string; title?: string; asset_url?: string }[] }[] };
    const attachment = body.messages.flatMap((m) => m.attachments).find((a) => a.title === name);
    expect(attachment?.type).toBe('file');
    expect(await (await fetch(attachment!.asset_url!)).text()).toBe(content);
  });

  it("records a voice note with Chromium's fake microphone, and it plays on the other side", async () => {
    const notes = list(bob.page).getByRole('button', { name: /^Play voice note, 0:0[1-9]$/ });
    const before = await notes.count();
    await alice.page.getByRole('button', { name: 'Record a voice note' }).click();
    await alice.page.getByRole('button', { name: 'Send voice note' }).waitFor();
    await alice.page.waitForTimeout(1500);
    await alice.page.getByRole('button', { name: 'Send voice note' }).click();
    await expect.poll(() => notes.count(), { timeout: 30_000 }).toBe(before + 1);
    await notes.last().click();
    await list(bob.page).getByRole('button', { name: 'Pause voice note' }).waitFor({ timeout: 10_000 });
    // and alice's copy is no longer waiting
    await expect.poll(() => banner(alice.page).count(), { timeout: 15_000 }).toBe(0);
  });

  it('queues sends while offline and delivers each exactly once when back online', async () => {
    await expect.poll(() => banner(alice.page).count(), { timeout: 15_000 }).toBe(0);
    await alice.context.setOffline(true);
    const queued = [`Queued one ${marker()}`, `Queued two ${marker()}`];
    try {
      await banner(alice.page).filter({ hasText: 'Offline' }).waitFor({ timeout: 30_000 });
      for (const t of queued) await send(alice.page, t);
      await banner(alice.page).filter({ hasText: '2 messages wait to send' }).waitFor({ timeout: 10_000 });
      expect(await count(bob.page, queued[0]!)).toBe(0);
    } finally {
      await alice.context.setOffline(false);
    }
    for (const t of queued) await list(bob.page).getByText(t, { exact: true }).waitFor({ timeout: 60_000 });
    await expect.poll(() => banner(alice.page).count(), { timeout: 30_000 }).toBe(0);
    // once each, on both sides, also after bob reloads from the server
    await bob.page.reload();
    await list(bob.page).getByText(queued[1]!, { exact: true }).waitFor({ timeout: 30_000 });
    for (const t of queued) {
      expect(await count(bob.page, t)).toBe(1);
      expect(await count(alice.page, t)).toBe(1);
    }
  });

  it('blocks the author of a message from its long-press menu, and unblocks them in the settings', async () => {
    const text = `Block me ${marker()}`;
    await send(bob.page, text);
    // the same menu from the keyboard: the message's actions button
    const bubble = list(alice.page).getByTestId(/^message-/).filter({ hasText: text });
    await bubble.getByRole('button', { name: /^Actions for (bob|Bob)'s message$/ }).click({ timeout: 15_000 });
    await alice.page.getByRole('button', { name: 'Block bob' }).click();
    await alice.page.goto(`${site.url}/settings`);
    await alice.page.getByRole('button', { name: 'Unblock bob' }).click({ timeout: 15_000 });
    await alice.page.getByText('Nobody. Long-press a message to block its author.').waitFor({ timeout: 15_000 });
  });

  it('has no axe violations on its channel screen', async () => {
    await alice.page.goto(`${site.url}/channel/messaging:${channelId}`);
    await list(alice.page).getByText(/^Queued two/).waitFor({ timeout: 30_000 });
    await alice.page.addScriptTag({ content: axeSource });
    const violations = await alice.page.evaluate(async () => {
      const r = await (window as unknown as { axe: { run: (o?: unknown) => Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe.run();
      return r.violations.map((v) => `${v.id}: ${(v.nodes as { html: string; target: string[] }[]).map((n) => `${n.html.slice(0, 160)} ${document.querySelector(n.target[0]!)?.textContent?.slice(0, 80)}`).join(' | ')}`);
    });
    expect(violations).toEqual([]);
  });

  it('starts without the appliance from what the device has, and connects once it is back', async () => {
    const cut = async (route: { abort: (code?: string) => Promise<void> }) => route.abort('internetdisconnected');
    await alice.page.route(`${baseURL}/**`, cut);
    let away = true;
    // the socket too: refused while the appliance is away, passed through to it afterwards
    await alice.page.routeWebSocket(/\/api\/v1\/connect/, (ws) => {
      if (away) void ws.close();
      else ws.connectToServer();
    });
    try {
      await alice.page.goto(site.url);
      // the session and its last token came from the tab's storage; the channels from the device's store
      await banner(alice.page).filter({ hasText: 'Showing what this device has' }).waitFor({ timeout: 30_000 });
      await alice.page.getByRole('button', { name: new RegExp(`^${channelName}`) }).click({ timeout: 30_000 });
      await list(alice.page).getByText(/^Queued two/).waitFor({ timeout: 30_000 });
    } finally {
      away = false;
      await alice.page.unrouteAll({ behavior: 'ignoreErrors' });
    }
    const text = `Back online ${marker()}`;
    await send(alice.page, text);
    await list(bob.page).getByText(text, { exact: true }).waitFor({ timeout: 60_000 });
    await expect.poll(() => banner(alice.page).count(), { timeout: 60_000 }).toBe(0);
  });

  it('opens a channel from a deep link, and signing out returns to the sign-in screen', async () => {
    await alice.page.goto(`${site.url}/channel/messaging:${channelId}`);
    await alice.page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => alice.page.title(), { timeout: 15_000 }).toBe(`${channelName} · Northwind Chat`);
    await alice.page.goto(`${site.url}/settings`);
    const signOut = alice.page.getByRole('button', { name: 'Sign out' });
    const colour = () => signOut.locator('div').first().evaluate((e) => getComputedStyle(e).color);
    expect(await colour()).toBe('rgb(185, 28, 28)'); // the light theme's danger, #B91C1C
    await alice.page.getByRole('radio', { name: 'Dark' }).click();
    await expect.poll(colour).toBe('rgb(252, 165, 165)'); // the dark theme's, #FCA5A5
    expect(await alice.page.getByRole('radio', { name: 'Dark' }).getAttribute('aria-checked')).toBe('true');
    expect(await alice.page.getByRole('radio', { name: 'Light' }).getAttribute('aria-checked')).toBe('false');
    await alice.page.getByRole('button', { name: 'Sign out' }).click();
    await alice.page.getByRole('button', { name: 'Continue as alice' }).waitFor({ timeout: 15_000 });
    // and forgets the session, its token and the channel list in this browser
    expect(await alice.page.evaluate(() => [sessionStorage.getItem('chatsdk.session'), localStorage.getItem('chatsdk.channels.alice')])).toEqual([null, '[]']);
  });
});

describe('a brand that signs in through the customer\'s token endpoint', () => {
  let app: TestApp;
  let backend: Server;
  let acme: { url: string; close: () => Promise<void> };

  beforeAll(async () => {
    app = await newApp();
    await app.upsertUsers('nurse-joy', 'dr-who');
    await app.server('POST', '/channels/messaging/ward-7/query', { data: { name: 'Ward 7', members: ['nurse-joy', 'dr-who'], created_by_id: 'dr-who' } });
    // the customer's back end: its own staff sign-in, and chat tokens signed with the app's secret (docs/white-label.md)
    backend = createServer((req, res) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Accept');
      if (req.method === 'OPTIONS') return void res.writeHead(204).end();
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(raw || '{}') as { username?: string; password?: string; session?: string };
        const ok = (body.username === 'S1234' && body.password === 'correct horse') || body.session === 'sess-nurse-joy';
        if (!ok) return void res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"unauthorized"}');
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ user_id: 'nurse-joy', token: app.token('nurse-joy'), session: 'sess-nurse-joy' }));
      });
    }).listen(0, '127.0.0.1');
    await new Promise((r) => backend.once('listening', r));
    // the Acme brand, pointed at this back end and this app
    const dir = mkdtempSync(join(tmpdir(), 'acme-'));
    cpSync(join(brandsDir, 'acme-health'), dir, { recursive: true });
    const brand = JSON.parse(readFileSync(join(dir, 'brand.json'), 'utf8'));
    brand.api.apiKey = app.apiKey;
    brand.signIn.tokenEndpoint = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/chat/token`;
    writeFileSync(join(dir, 'brand.json'), JSON.stringify(brand));
    acme = await serveStatic(await buildAppWeb(dir, 'acme', baseURL));
  }, 300_000);

  afterAll(async () => {
    await acme?.close();
    backend?.close();
  });

  it('refuses a wrong password, signs in with the right one, and has its own name, fields and features', async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error(`[acme] page error: ${e.message}`));
    await page.goto(acme.url);
    await expect.poll(() => page.title(), { timeout: 15_000 }).toBe('Sign in · Acme Care');
    await page.getByRole('textbox', { name: 'Staff ID' }).fill('S1234');
    await page.getByRole('textbox', { name: 'Password' }).fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The user name or password is wrong.' }).waitFor({ timeout: 15_000 });
    await page.getByRole('textbox', { name: 'Password' }).fill('correct horse');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: /^Ward 7/ }).click({ timeout: 30_000 });
    const text = `Handover at six ${marker()}`;
    await send(page, text);
    await list(page).getByText(text, { exact: true }).waitFor({ timeout: 15_000 });
    // this brand turns voice notes off
    expect(await page.getByRole('button', { name: 'Record a voice note' }).count()).toBe(0);
    // stored by the appliance as nurse-joy's, once
    const stored = async () => (await app.server<{ messages: { text: string; user_id: string }[] }>('POST', '/channels/messaging/ward-7/query', { state: true }))
      .messages.filter((m) => m.text === text).map((m) => m.user_id);
    await expect.poll(stored, { timeout: 15_000 }).toEqual(['nurse-joy']);
  });
});
