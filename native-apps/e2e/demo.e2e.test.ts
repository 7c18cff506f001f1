// The demo page (@chatsdk/react on @chatsdk/client) in Debian's Chromium against the real appliance, which
// scripts/run-tests.mjs starts in demo mode. Each user gets a browser context of their own (`/?user=alice`).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { baseURL, operator } from '../test-support/fixtures.js';
import { launch } from './browser.js';

let browser: Browser;
const contexts: BrowserContext[] = [];
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function open(user: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 900, height: 700 }, permissions: ['microphone'] });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${user}] page error: ${e.message}`));
  await page.goto(`${baseURL}/?user=${user}`);
  await page.waitForFunction(() => window.demoReady === 1, null, { timeout: 60_000 });
  await page.locator('.chatsdk-channel[data-cid="messaging:welcome"]').waitFor();
  return { context, page };
}

const marker = () => Math.random().toString(36).slice(2, 10);

/** The texts of the welcome channel as the page's client holds them, in order. */
function held(page: Page): Promise<{ text: string; status: string; seq: number }[]> {
  return page.evaluate(() =>
    Object.values(window.demoClients)[0]!.channel('messaging', 'welcome').state.getSnapshot().messages.map((m) => ({ text: m.text, status: m.status, seq: m.seq })),
  );
}

async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

describe('the demo page in Chromium', () => {
  let alice: { context: BrowserContext; page: Page };
  let bob: { context: BrowserContext; page: Page };

  beforeAll(async () => {
    alice = await open('alice');
    bob = await open('bob');
  });

  afterAll(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });

  // a failing case leaves screenshots of both pages in test-results/
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const name = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await alice.page.screenshot({ path: `test-results/failed-${name}-alice.png` }).catch(() => undefined);
    await bob.page.screenshot({ path: `test-results/failed-${name}-bob.png` }).catch(() => undefined);
  });

  it('two users in two browser contexts chat, with typing and read receipts', async () => {
    const text = `Hello bob ${marker()}`;
    await alice.page.getByRole('textbox', { name: 'Message' }).pressSequentially('Hel');
    await expect.poll(() => bob.page.locator('.chatsdk-typing').textContent(), { timeout: 15_000 }).toContain('alice is typing');
    await send(alice.page, text);
    await bob.page.locator('.chatsdk-message-text', { hasText: text }).waitFor({ timeout: 15_000 });
    await expect.poll(() => bob.page.locator('.chatsdk-typing').textContent(), { timeout: 15_000 }).toBe('');
    // bob's page has the channel open: it marks it read, and alice sees the receipt
    await bob.page.bringToFront();
    await bob.page.evaluate(() => window.demoClients.bob!.channel('messaging', 'welcome').markRead());
    await alice.page.locator('.chatsdk-read-receipt', { hasText: 'Seen by bob' }).last().waitFor({ timeout: 15_000 });
  });

  it('a reload shows history from IndexedDB before (and without) the network', async () => {
    const text = `Kept across reloads ${marker()}`;
    await send(alice.page, text);
    await alice.page.locator('.chatsdk-message[data-status="sent"] .chatsdk-message-text', { hasText: text }).waitFor();
    // the channel's REST reads fail after the reload: what shows comes from the offline store
    await alice.page.route('**/api/v1/channels**', (route) => route.abort());
    await alice.page.route('**/api/v1/sync**', (route) => route.abort());
    await alice.page.reload();
    await alice.page.locator('.chatsdk-message-text', { hasText: text }).waitFor({ timeout: 15_000 });
    expect(await alice.page.locator('.chatsdk-channel').getAttribute('data-from-cache')).toBe('true');
    await alice.page.unrouteAll();
    await alice.page.reload();
    await alice.page.waitForFunction(() => window.demoReady === 1, null, { timeout: 60_000 });
    await alice.page.locator('.chatsdk-channel:not([data-from-cache])').waitFor({ timeout: 15_000 });
  });

  it('offline, three sends queue; online again, they arrive once and in order', async () => {
    const tag = marker();
    const texts = [`q1 ${tag}`, `q2 ${tag}`, `q3 ${tag}`];
    await alice.context.setOffline(true);
    await alice.page.locator('.chatsdk-connection-status[data-state="offline"]').waitFor({ timeout: 15_000 });
    for (const t of texts) await send(alice.page, t);
    await expect.poll(async () => (await held(alice.page)).filter((m) => m.text.endsWith(tag)).map((m) => m.status)).toEqual(['pending', 'pending', 'pending']);
    expect(await alice.page.locator('.chatsdk-connection-status').textContent()).toContain('3 messages will be sent');
    // a reload while offline keeps the queue (IndexedDB); the page itself comes from the appliance, so reconnect first
    await alice.context.setOffline(false);
    await expect.poll(async () => (await held(bob.page)).filter((m) => m.text.endsWith(tag)).map((m) => m.text), { timeout: 30_000 }).toEqual(texts);
    const mine = (await held(alice.page)).filter((m) => m.text.endsWith(tag));
    expect(mine.map((m) => m.status)).toEqual(['sent', 'sent', 'sent']);
    expect(mine[1]!.seq - mine[0]!.seq).toBe(1);
    expect(mine[2]!.seq - mine[1]!.seq).toBe(1);
    const onServer = await bob.page.evaluate(async (t) => {
      const res = await window.demoClients.bob!.request<{ messages: { text: string }[] }>('GET', '/channels/messaging/welcome/messages', { query: { limit: '100' } });
      return res.messages.filter((m) => m.text.endsWith(t)).length;
    }, tag);
    expect(onServer).toBe(3);
  });

  it('a queued send survives a reload and is sent once', async () => {
    const text = `Queued across a reload ${marker()}`;
    // keep the send from reaching the server, reload with it queued in IndexedDB, then let it through
    await alice.page.route('**/api/v1/channels/messaging/welcome/message**', (route) => route.abort('internetdisconnected'));
    await send(alice.page, text);
    await expect.poll(async () => (await held(alice.page)).find((m) => m.text === text)?.status).toBe('pending');
    await alice.page.unrouteAll();
    await alice.page.reload();
    await alice.page.waitForFunction(() => window.demoReady === 1, null, { timeout: 60_000 });
    await expect.poll(async () => (await held(bob.page)).filter((m) => m.text === text).length, { timeout: 30_000 }).toBe(1);
    await expect.poll(async () => (await held(alice.page)).filter((m) => m.text === text).map((m) => m.status), { timeout: 15_000 }).toEqual(['sent']);
  });

  it("messages sent while one client's socket was cut reach it through sync", async () => {
    const tag = marker();
    const texts = [`while away 1 ${tag}`, `while away 2 ${tag}`, `while away 3 ${tag}`];
    await bob.context.setOffline(true);
    await bob.page.locator('.chatsdk-connection-status[data-state="offline"]').waitFor({ timeout: 15_000 });
    for (const t of texts) await send(alice.page, t);
    await expect.poll(async () => (await held(alice.page)).filter((m) => m.text.endsWith(tag) && m.status === 'sent').length).toBe(3);
    expect((await held(bob.page)).some((m) => m.text.endsWith(tag))).toBe(false);
    await bob.context.setOffline(false);
    await expect.poll(async () => (await held(bob.page)).filter((m) => m.text.endsWith(tag)).map((m) => m.text), { timeout: 30_000 }).toEqual(texts);
    const seqs = (await held(bob.page)).map((m) => m.seq).filter((s) => s > 0);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it("a voice note recorded with Chromium's fake microphone plays on the other side", async () => {
    await alice.page.getByRole('button', { name: 'Record a voice note' }).click();
    await alice.page.getByRole('button', { name: 'Stop recording' }).waitFor();
    await alice.page.waitForTimeout(1500);
    await alice.page.getByRole('button', { name: 'Stop recording' }).click();
    const preview = alice.page.getByRole('group', { name: 'Voice note preview' });
    await preview.waitFor({ timeout: 15_000 });
    await preview.getByRole('button', { name: 'Send voice note' }).click();
    const note = bob.page.locator('.chatsdk-voice-message').last();
    await note.waitFor({ timeout: 30_000 });
    const attachment = await bob.page.evaluate(() => {
      const ms = window.demoClients.bob!.channel('messaging', 'welcome').state.getSnapshot().messages;
      return ms.filter((m) => m.attachments.some((a) => a.type === 'voiceRecording')).at(-1)?.attachments[0];
    });
    expect(attachment?.duration).toBeGreaterThan(0.5);
    expect((attachment?.waveform_data as number[]).length).toBe(100);
    expect(Math.max(...(attachment?.waveform_data as number[]))).toBe(1);
    await note.getByRole('button', { name: 'Play voice message' }).click();
    await expect.poll(() => note.getByRole('button', { name: 'Pause voice message' }).count(), { timeout: 5_000 }).toBe(1);
    await expect.poll(() => note.locator('audio').evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 30_000 }).toBeGreaterThan(0.2);
  });

  it('hostile content renders inert, and the main screen has no axe violations', async () => {
    const tag = marker();
    const hostile = [
      `<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> ${tag}`,
      `javascript:window.__pwned=3 and [click](javascript:alert(1)) ${tag}`,
      `\u202Egnp.exe ${tag}`,
    ];
    // 5,000 emoji: the longest message the appliance takes (5,000 characters)
    const emoji = '😀'.repeat(5000);
    for (const t of [emoji, ...hostile]) await send(alice.page, t);
    await expect.poll(async () => (await held(bob.page)).filter((m) => m.text.endsWith(tag)).length, { timeout: 30_000 }).toBe(3);
    await expect.poll(async () => (await held(bob.page)).filter((m) => m.text === emoji).length, { timeout: 30_000 }).toBeGreaterThan(0);
    const page = bob.page;
    await page.locator('.chatsdk-message-text', { hasText: `${'😀'.repeat(10)}` }).first().waitFor();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('.chatsdk-message-text img, .chatsdk-message-text script').count()).toBe(0);
    const hrefs = await page.locator('.chatsdk-message-text a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).protocol));
    expect(hrefs.every((p) => p === 'http:' || p === 'https:')).toBe(true);
    const texts = await page.locator('.chatsdk-message-text').allTextContents();
    expect(texts.some((t) => t.includes('\u202E'))).toBe(false);
    expect(texts.some((t) => t.includes('<img src=x'))).toBe(true);

    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    });
    expect(violations).toEqual([]);
    await page.screenshot({ path: 'test-results/demo-bob.png' });
  });

  it('keyboard: the channel list and the composer are reachable and usable without a mouse', async () => {
    const page = alice.page;
    // the welcome channel by its cid: the app's browser tests give the demo users channels of their own, which may list first
    const welcome = page.locator('.chatsdk-channel-preview[data-cid="messaging:welcome"]');
    await welcome.focus();
    await page.keyboard.press('Enter');
    expect(await welcome.getAttribute('aria-selected')).toBe('true');
    await page.getByRole('textbox', { name: 'Message' }).focus();
    await page.keyboard.type('@b');
    await page.getByRole('listbox', { name: 'Mention a member' }).waitFor();
    await page.keyboard.press('Enter');
    expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('@bob ');
    const text = `mentions work ${marker()}`;
    await page.keyboard.type(text);
    // the keys typed right after the pick land after the mention (a late caret move once put them in the middle)
    expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe(`@bob ${text}`);
    await page.keyboard.press('Enter');
    await expect.poll(async () => bob.page.evaluate((t) => window.demoClients.bob!.channel('messaging', 'welcome').state.getSnapshot().messages.find((m) => m.text.endsWith(t))?.mentioned_users, text), { timeout: 15_000 }).toEqual(['bob']);
  });
  it('the search box finds a message by its words, in a channel of its own, and opens that channel', async () => {
    const tag = marker();
    const cid = await bob.page.evaluate(async (t) => {
      const ch = window.demoClients.bob!.channel('messaging', `search-${t}`, { members: ['alice', 'bob'] });
      await ch.watch();
      await ch.sendMessage({ text: `the quarterly invoice ${t} is ready` });
      return ch.cid;
    }, tag);
    const page = alice.page;
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    // indexing is a job: search until it finds the message
    await expect.poll(async () => {
      await box.fill(`invoice ${tag}`);
      await box.press('Enter');
      await page.locator('.chatsdk-search-status').filter({ hasText: 'found' }).waitFor({ timeout: 10_000 });
      return page.getByRole('list', { name: 'Search results' }).getByRole('button').count();
    }, { timeout: 30_000 }).toBe(1);
    expect(await page.locator('.chatsdk-search-status').textContent()).toContain('1 message found');
    await page.getByRole('list', { name: 'Search results' }).getByRole('button').click();
    await page.locator(`.chatsdk-channel[data-cid="${cid}"]`).waitFor({ timeout: 15_000 });
    // words that occur nowhere: a clear "none", not an error
    await box.fill(`nothing-${marker()}`);
    await box.press('Enter');
    await expect.poll(() => page.locator('.chatsdk-search-status').textContent(), { timeout: 15_000 }).toContain('No messages found');
    // back to the welcome channel for the tests that follow
    await page.locator('.chatsdk-channel-preview[data-cid="messaging:welcome"]').click();
    await page.locator('.chatsdk-channel[data-cid="messaging:welcome"]').waitFor();
  });

  it('smart replies: none while the app has them off; once on, chips from the history that a click sends', async () => {
    const apiKey = ((await (await fetch(`${baseURL}/demo/config.json`)).json()) as { api_key: string }).api_key;
    const apps = await operator<{ apps: { id: string; api_key: string }[] }>('GET', '/apps');
    const demo = apps.apps.find((a) => a.api_key === apiKey)!.id;
    const tag = marker();
    await send(alice.page, `Is the build green again? ${tag}`);
    await bob.page.locator('.chatsdk-message-text', { hasText: tag }).waitFor({ timeout: 15_000 });
    await bob.page.waitForTimeout(1_000);
    expect(await bob.page.locator('.chatsdk-smart-replies').count()).toBe(0);   // off: the server said feature_disabled

    await operator('PATCH', `/apps/${demo}/ai`, { ai_enabled: true, ai_embeddings: true, ai_smart_replies: true });
    try {
      const lunch = `Are you coming to lunch today ${tag}?`;
      await send(alice.page, lunch);
      await bob.page.locator('.chatsdk-message-text', { hasText: lunch }).waitFor({ timeout: 15_000 });
      await send(bob.page, 'Sure, see you at noon');
      // both are embedded by the indexing job before the question that should recall them
      await expect.poll(() => bob.page.evaluate(async (t) => (await window.demoClients.bob!.search({ cid: 'messaging:welcome' }, `lunch ${t}`)).results.length, tag),
        { timeout: 30_000 }).toBe(1);
      await send(alice.page, 'Want to grab lunch today?');
      await bob.page.reload();   // the page learned the feature was off; a fresh one asks again
      await bob.page.waitForFunction(() => window.demoReady === 1, null, { timeout: 60_000 });
      const chips = bob.page.getByRole('group', { name: 'Suggested replies' });
      await chips.waitFor({ timeout: 30_000 });
      expect(await chips.getByRole('button').allTextContents()).toHaveLength(3);
      await chips.getByRole('button', { name: 'Sure, see you at noon' }).click();
      await expect.poll(async () => (await held(alice.page)).at(-1)?.text, { timeout: 15_000 }).toBe('Sure, see you at noon');
      // the last message is now bob's own: no suggestions for him
      await expect.poll(() => bob.page.locator('.chatsdk-smart-replies').count(), { timeout: 15_000 }).toBe(0);
    } finally {
      await operator('PATCH', `/apps/${demo}/ai`, { ai_enabled: false });
    }
  });
});
