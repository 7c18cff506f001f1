// The admin console (/console/) in Debian's Chromium against the real appliance that scripts/run-tests.mjs starts:
// the first officer's setup from an invitation, sign-in with TOTP, the audit log under the officer's name, role
// separation, lockout and unlock, the end of a session, and axe on every screen. Screenshots go to test-results/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { baseURL, newApp, operator } from '../test-support/fixtures.js';
import { launch } from './browser.js';
import { startAppliance } from '../test-support/appliance.mjs';

const PASSWORD = 'a console passphrase for tests';
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

/** RFC 4648 base32, as the setup screen shows the secret. */
function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error(`not base32: ${c}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The authenticator app: RFC 6238, SHA-1, 30-second steps, 6 digits; `offset` steps from now. */
function totp(secret: Buffer, offset = 0): string {
  const step = Math.floor(Date.now() / 1000 / 30) + offset;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', secret).update(counter).digest();
  const o = h[h.length - 1]! & 0x0f;
  const n = ((h[o]! & 0x7f) << 24) | (h[o + 1]! << 16) | (h[o + 2]! << 8) | h[o + 3]!;
  return String(n % 1_000_000).padStart(6, '0');
}

async function axe(page: Page): Promise<string[]> {
  // evaluated through the DevTools protocol: the console's CSP (rightly) refuses an inline script tag
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const a = (window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await a.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  });
}

interface Ready { name: string; secret: Buffer; page: Page; base: string }

/**
 * Waits until a new 30-second step has begun when the current one ends within 6 s: the previous step's code, accepted
 * for one step more, would otherwise expire on its way to the server (the cause of a failed setup in one run).
 */
async function awayFromAStepEdge(): Promise<void> {
  const intoStep = (Date.now() / 1000) % 30;
  if (intoStep > 24) await new Promise((r) => setTimeout(r, (30 - intoStep + 0.5) * 1000));
}

/** Invites an officer (as ./chatsdk console-invite does) and sets the account up in the browser. */
/** Where officers are invited: the shared appliance, or one a test started itself. */
interface Target { baseURL: string; invite: (name: string, role: string) => Promise<{ setup_path: string }> }
const shared: Target = { baseURL, invite: (name, role) => operator<{ setup_path: string }>('POST', '/officers', { name, role }) };

async function setUp(role: string, screenshots = false, target: Target = shared): Promise<Ready> {
  const name = `${role}-${randomUUID().slice(0, 8)}`;
  const invited = await target.invite(name, role);
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${name}] page error: ${e.message}`));
  await page.goto(`${target.baseURL}${invited.setup_path}`);
  await page.getByRole('form', { name: 'Choose a password' }).waitFor();
  if (screenshots) expect(await axe(page)).toEqual([]);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password again').fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  const secret = base32((await page.getByLabel('Authenticator secret').textContent()) ?? '');
  expect(await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count()).toBe(10);
  if (screenshots) {
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/console-setup.png' });
  }
  // the previous step's code (still accepted) proves the authenticator; sign-in then uses the current one
  await awayFromAStepEdge();
  await page.getByLabel('Current code from your authenticator').fill(totp(secret, -1));
  await page.getByRole('button', { name: 'Finish setup' }).click();
  await page.getByText('Your account is ready.').waitFor();
  return { name, secret, page, base: target.baseURL };
}

/** Follows a link of the console's navigation and waits for its page's heading. */
async function go(page: Page, link: string, heading = link): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

async function signIn(r: Ready, code = totp(r.secret)): Promise<void> {
  await r.page.goto(`${r.base}/console/#/login`);
  await r.page.waitForFunction(() => window.consoleReady === true);
  await r.page.getByLabel('Name').fill(r.name);
  await r.page.getByLabel('Password').fill(PASSWORD);
  await r.page.getByLabel('Code from your authenticator, or a recovery code').fill(code);
  await r.page.getByRole('button', { name: 'Sign in' }).click();
}

describe('the admin console in Chromium', () => {
  it('an invited officer sets up, signs in with TOTP, and finds their actions in the audit log under their name', async () => {
    const r = await setUp('operator', true);
    await signIn(r);
    await r.page.getByText(`Signed in as ${r.name}, operator.`).waitFor();
    expect(await axe(r.page)).toEqual([]);
    await r.page.screenshot({ path: 'test-results/console-overview.png' });
    // the session cookie is HttpOnly: the page cannot read it; and the CSP refuses inline script
    expect(await r.page.evaluate(() => document.cookie)).not.toContain('chatsdk_console');
    await expect(r.page.addScriptTag({ content: 'window.__inline = 1' })).rejects.toThrow(/Content Security Policy/);

    await r.page.getByRole('link', { name: 'Audit log' }).click();
    await r.page.getByLabel('Actor').fill(r.name);
    await r.page.getByRole('button', { name: 'Filter' }).click();
    const rows = r.page.locator('table.console-audit tbody tr');
    // the filtered page: every row is the officer's (the unfiltered first page may still be showing)
    await expect.poll(async () => {
      const who = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[2]?.textContent));
      return who.length > 0 && who.every((w) => w === r.name);
    }, { timeout: 15_000 }).toBe(true);
    const actions = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')));
    expect(actions).toEqual(expect.arrayContaining(['officer.setup', 'officer.login']));
    expect(await rows.first().locator('td').nth(2).textContent()).toBe(r.name);
    expect(await axe(r.page)).toEqual([]);
    await r.page.screenshot({ path: 'test-results/console-audit.png' });

    // officers: the invitation link is shown once
    await r.page.getByRole('link', { name: 'Officers' }).click();
    await r.page.getByLabel('Name').fill(`auditor-${randomUUID().slice(0, 6)}`);
    await r.page.getByLabel('Role').selectOption('auditor');
    await r.page.getByRole('button', { name: 'Invite' }).click();
    await r.page.getByText('Send this link to the officer').waitFor();
    expect(await axe(r.page)).toEqual([]);
    await r.page.screenshot({ path: 'test-results/console-officers.png' });
    await r.page.context().close();
  });

  it('a replayed code and a wrong password are refused; a moderator cannot open the audit log', async () => {
    const m = await setUp('moderator');
    const code = totp(m.secret);
    await signIn(m, code);
    await m.page.getByText(`Signed in as ${m.name}, moderator.`).waitFor();
    expect(await m.page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await m.page.goto(`${baseURL}/console/#/audit`);
    await m.page.getByText('Your role may not see this page.').waitFor();
    expect(await axe(m.page)).toEqual([]);
    // signed out, the same code again is a replay
    await m.page.getByRole('button', { name: 'Sign out' }).click();
    await m.page.getByText('You signed out.').waitFor();
    await signIn(m, code);
    await m.page.getByRole('alert').filter({ hasText: 'wrong' }).waitFor();
    expect(await axe(m.page)).toEqual([]);
    await m.page.screenshot({ path: 'test-results/console-login.png' });
    await m.page.context().close();
  });

  it('ten failures lock an account; an operator unlocks it in the console; a disabled officer is signed out', async () => {
    const locked = await setUp('compliance');
    for (let i = 0; i < 10; i++) {
      const r = await fetch(`${baseURL}/admin/api/console/login`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: locked.name, password: 'not the password', code: '000000' }),
      });
      expect(r.status).toBe(401);
    }
    await signIn(locked);
    await locked.page.getByRole('alert').filter({ hasText: 'locked' }).waitFor();

    const op = await setUp('operator');
    await signIn(op);
    await op.page.getByText(`Signed in as ${op.name}`).waitFor();
    await op.page.goto(`${baseURL}/console/#/officers`);
    await op.page.getByRole('button', { name: `Unlock ${locked.name}` }).click();
    await expect.poll(() => op.page.getByRole('button', { name: `Unlock ${locked.name}` }).count(), { timeout: 15_000 }).toBe(0);

    await signIn(locked, totp(locked.secret, 1));
    await locked.page.getByText(`Signed in as ${locked.name}, compliance.`).waitFor();

    // disabled by the operator: the officer's next request finds the session ended
    await op.page.getByRole('button', { name: `Disable ${locked.name}` }).click();
    await expect.poll(() => op.page.getByRole('button', { name: `Disable ${locked.name}` }).count(), { timeout: 15_000 }).toBe(0);
    await locked.page.getByRole('link', { name: 'Audit log' }).click();
    await locked.page.getByText('Your session has ended. Sign in again.').waitFor();
    const audit = await operator<{ records: { action: string; actor_id: string; outcome: string }[] }>('GET',
      `/audit?actor_id=${encodeURIComponent(op.name)}&limit=1000`);
    expect(audit.records.map((x) => x.action)).toEqual(expect.arrayContaining(['officersadmin.unlock', 'officersadmin.disable']));
    await locked.page.context().close();
    await op.page.context().close();
  });
  it('a legal hold placed in the console blocks a deletion made through the API, until it is released there', async () => {
    const app = await newApp();
    await app.upsertUsers('ann', 'ben');
    const channel = `case-${randomUUID().slice(0, 8)}`;
    await app.server('POST', `/channels/messaging/${channel}/query`, { data: { members: ['ann', 'ben'], created_by_id: 'ann' } });
    await app.server('POST', `/channels/messaging/${channel}/message`, { message: { text: 'the contract draft', user_id: 'ann' } });
    const deleteChannel = () => fetch(`${baseURL}/api/v1/channels/messaging/${channel}?api_key=${app.apiKey}`, {
      method: 'DELETE', headers: { Authorization: app.serverToken() },
    });

    const officer = await setUp('compliance');
    await signIn(officer);
    await officer.page.getByText(`Signed in as ${officer.name}, compliance.`).waitFor();
    await officer.page.getByRole('link', { name: 'Legal holds' }).click();
    await officer.page.getByLabel('App', { exact: true }).selectOption(app.id);
    const form = officer.page.getByRole('form', { name: 'Place a legal hold' });
    await form.getByLabel('Name').fill('matter-42');
    await form.getByLabel('Reason').fill('litigation hold for matter 42');
    await form.getByLabel('Channels, as type:id (comma-separated)').fill(`messaging:${channel}`);
    await form.getByRole('button', { name: 'Place hold' }).click();
    const row = officer.page.locator('tr[data-hold="matter-42"]');
    await row.waitFor();
    expect(await row.locator('td').nth(3).textContent()).toBe(officer.name);
    expect(await axe(officer.page)).toEqual([]);
    await officer.page.screenshot({ path: 'test-results/console-holds.png' });

    const refused = await deleteChannel();
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { code: string }).code).toBe('legal_hold');

    await officer.page.getByRole('button', { name: 'Release matter-42' }).click();
    await row.locator('td', { hasText: `released by ${officer.name}` }).waitFor();
    expect((await deleteChannel()).status).toBe(200);
    await officer.page.context().close();
  });
  it('a moderator works the flag queue: a flagged message is deleted from the console, and the review is audited', async () => {
    const app = await newApp();
    await app.upsertUsers('ann', 'ben');
    const channel = `flags-${randomUUID().slice(0, 8)}`;
    await app.server('POST', `/channels/messaging/${channel}/query`, { data: { members: ['ann', 'ben'], created_by_id: 'ann' } });
    const sent = await app.server<{ message: { id: string } }>('POST', `/channels/messaging/${channel}/message`, { message: { text: 'buy cheap pills', user_id: 'ann' } });
    await app.server('POST', '/moderation/flag', { target_message_id: sent.message.id, reason: 'spam', user_id: 'ben' });

    const mod = await setUp('moderator');
    await signIn(mod);
    await mod.page.getByText(`Signed in as ${mod.name}, moderator.`).waitFor();
    await mod.page.getByRole('link', { name: 'Moderation' }).click();
    await mod.page.getByLabel('App', { exact: true }).selectOption(app.id);
    const row = mod.page.locator(`tr[data-flag="${sent.message.id}"]`);
    await row.waitFor();
    expect(await axe(mod.page)).toEqual([]);
    await mod.page.screenshot({ path: 'test-results/console-moderation.png' });
    await row.getByRole('button', { name: 'Delete message' }).click();
    await mod.page.getByText('Message deleted: done.').waitFor();
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);

    const stored = await app.server<{ message: { type: string } }>('GET', `/messages/${sent.message.id}`);
    expect(stored.message.type).toBe('deleted');
    const reviewed = await app.server<{ flags: { target_message_id: string; reviewed_by: string; review_action: string }[] }>('GET', '/moderation/flags?reviewed=true');
    expect(reviewed.flags.find((f) => f.target_message_id === sent.message.id)).toMatchObject({ reviewed_by: mod.name, review_action: 'delete_message' });
    // in the app's own chain, under the moderator's name
    const audit = await operator<{ records: { action: string; actor_type: string }[] }>('GET',
      `/apps/${app.id}/compliance/audit?actor_id=${encodeURIComponent(mod.name)}&limit=1000`);
    expect(audit.records.filter((r) => r.action === 'moderationadmin.review').map((r) => r.actor_type)).toEqual(['officer']);
    await mod.page.context().close();
  });

  it('an operator works the dashboard, apps, users, channels, retention, dead letters and settings, each passing axe', async () => {
    const app = await newApp();
    await app.upsertUsers('ann', 'ben', 'cat');
    const channel = `ops-${randomUUID().slice(0, 8)}`;
    await app.server('POST', `/channels/messaging/${channel}/query`, { data: { name: 'Ops room', members: ['ann', 'ben'], created_by_id: 'ann' } });
    for (let i = 0; i < 3; i++) await app.server('POST', `/channels/messaging/${channel}/message`, { message: { text: `hello ${i}`, user_id: 'ben' } });
    const op = await setUp('operator');
    await signIn(op);
    const page = op.page;
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    // the dashboard: two charts drawn on canvases, with the same numbers in a table; a chain verified on demand
    await page.getByLabel('Messages of').selectOption(app.id);
    await page.locator('canvas[role="img"]').first().waitFor();
    expect(await page.locator('canvas[role="img"]').count()).toBe(2);
    await expect.poll(async () => page.locator('canvas[role="img"]').first().getAttribute('aria-label'), { timeout: 15_000 }).toContain('3 today');
    const chainRow = page.locator(`tr[data-chain="${app.id}"]`);
    await chainRow.getByRole('button', { name: /^Verify / }).click();
    await chainRow.getByText(/^Intact: \d+ records/).waitFor();
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/console-dashboard.png', fullPage: true });

    // apps: created with the secret shown once; the secret rotated (a recent sign-in: no second prompt)
    await go(page, 'Apps');
    const appName = `console-${randomUUID().slice(0, 6)}`;
    await page.getByRole('form', { name: 'Create an app' }).getByLabel('Name').fill(appName);
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.getByText(`New app ${appName}`).waitFor();
    const secret = await page.locator('.console-secretbox code').nth(1).textContent();
    expect(secret?.length).toBeGreaterThan(20);
    expect(await axe(page)).toEqual([]);
    await page.getByRole('button', { name: 'Hide the secret' }).click();
    expect(await page.getByText(secret ?? 'x').count()).toBe(0);
    await page.getByRole('button', { name: `Rotate secret of ${appName}` }).click();
    await page.getByText(`New secret of ${appName}`).or(page.getByRole('alert')).or(page.getByRole('dialog')).first().waitFor();
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.getByText(`New secret of ${appName}`).waitFor();
    expect(await page.locator('.console-secretbox code').nth(1).textContent()).not.toBe(secret);
    await page.screenshot({ path: 'test-results/console-apps.png', fullPage: true });

    // users: found by the start of their id, viewed, deactivated (the chat API then refuses them), reactivated
    await go(page, 'Users');
    await page.getByLabel('App', { exact: true }).selectOption(app.id);
    await page.getByLabel('Id or name starts with').fill('be');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.locator('tr[data-user="ben"]').waitFor();
    await expect.poll(() => page.locator('tbody tr').count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('button', { name: 'View ben' }).click();
    await page.getByRole('heading', { name: 'User ben' }).waitFor();
    expect(await page.locator('.console-facts').textContent()).toContain(`messaging:${channel}`);
    await page.getByRole('button', { name: 'Deactivate ben' }).click();
    await page.getByText('ben: deactivated.').waitFor();
    const refused = await fetch(`${baseURL}/api/v1/channels/messaging/${channel}/message?api_key=${app.apiKey}`, {
      method: 'POST', headers: { Authorization: app.serverToken(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ message: { text: 'me again', user_id: 'ben' } }),
    });
    expect(((await refused.json()) as { code: string }).code).toBe('user_deactivated');
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/console-users.png', fullPage: true });
    await page.getByRole('button', { name: 'Reactivate ben' }).click();
    await page.getByText('ben: reactivated.').waitFor();

    // channels: found by name and frozen
    await go(page, 'Channels');
    await page.getByLabel('App', { exact: true }).selectOption(app.id);
    await page.getByRole('button', { name: `Freeze messaging:${channel}` }).click();
    await page.getByText(`messaging:${channel} is frozen.`).waitFor();
    expect(await axe(page)).toEqual([]);
    await page.getByRole('button', { name: `Unfreeze messaging:${channel}` }).click();
    await page.getByText(`messaging:${channel} is open again.`).waitFor();

    // retention: a policy set, shown, and deleted
    await go(page, 'Retention');
    await page.getByLabel('App', { exact: true }).selectOption(app.id);
    const form = page.getByRole('form', { name: 'Set a retention policy' });
    await form.getByLabel('Keep messages for').fill('30');
    await form.getByRole('button', { name: 'Set policy' }).click();
    await page.getByRole('button', { name: /^Delete policy for / }).first().waitFor();
    const policies = await operator<{ policies: unknown[] }>('GET', `/apps/${app.id}/compliance/retention`);
    expect(policies.policies).toHaveLength(1);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/console-retention.png', fullPage: true });

    // dead letters and settings render and pass axe; the token policy saves
    await go(page, 'Dead letters');
    await page.getByText(/dead webhook jobs/).waitFor();
    expect(await axe(page)).toEqual([]);
    await go(page, 'Settings');
    await page.getByLabel('App', { exact: true }).selectOption(app.id);
    const token = page.getByRole('form', { name: 'Token policy' });
    await token.getByLabel('Refuse user tokens without an expiry (exp)').check();
    await token.getByRole('button', { name: 'Save token policy' }).click();
    await expect.poll(async () => (await operator<{ app: { require_token_expiry: boolean } }>('GET', `/apps/${app.id}`)).app.require_token_expiry,
      { timeout: 15_000 }).toBe(true);
    // the push key: uploaded as Google's file, then shown only by project, account and a masked key id
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keyFile = JSON.stringify({ type: 'service_account', project_id: 'console-push-test', private_key_id: 'abcd0123456789ef',
      private_key: pem, client_email: 'push@console-push-test.iam.gserviceaccount.com', token_uri: 'https://oauth2.googleapis.com/token' });
    const push = page.getByRole('form', { name: 'Upload a push key' });
    await push.getByLabel(/^Service-account key file/).setInputFiles({ name: 'key.json', mimeType: 'application/json', buffer: Buffer.from(keyFile) });
    await push.getByRole('button', { name: 'Upload the push key' }).click();
    const shown = page.getByRole('definition').filter({ hasText: 'abcd…89ef' });
    await shown.waitFor();
    expect(await page.getByText('push@console-push-test.iam.gserviceaccount.com').count()).toBe(1);
    expect(await page.content()).not.toContain(pem.split('\n')[1]);
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/console-settings.png', fullPage: true });

    // every change above is in the audit log under the operator's name
    const audit = await operator<{ records: { action: string }[] }>('GET', `/apps/${app.id}/compliance/audit?actor_id=${encodeURIComponent(op.name)}&limit=1000`);
    expect(audit.records.map((r) => r.action)).toEqual(expect.arrayContaining(['usersadmin.deactivate', 'channelsadmin.freeze', 'compliance.setRetention',
      'pushcredentialsadmin.setFcm']));
    await page.context().close();
  });

  it('a compliance officer runs an export job, watches its progress and downloads it; a data subject is exported and erased', async () => {
    const app = await newApp();
    await app.upsertUsers('ann', 'ben');
    const channel = `export-${randomUUID().slice(0, 8)}`;
    await app.server('POST', `/channels/messaging/${channel}/query`, { data: { members: ['ann', 'ben'], created_by_id: 'ann' } });
    const total = 120;
    for (let i = 0; i < total; i++) {
      await app.server('POST', `/channels/messaging/${channel}/message`, { message: { text: `line ${i} of the record`, user_id: i % 3 ? 'ann' : 'ben' } });
    }
    const officer = await setUp('compliance');
    await signIn(officer);
    const page = officer.page;
    await go(page, 'Exports', 'Exports and data subject requests');
    await page.getByLabel('App', { exact: true }).selectOption(app.id);
    const form = page.getByRole('form', { name: 'Export messages' });
    await form.getByLabel('Format').selectOption('jsonl');
    await form.getByRole('button', { name: 'Start export' }).click();
    await page.getByText(/^Export [0-9a-f]{8} started\.$/).waitFor();
    const row = page.locator('tr[data-export]').first();
    const progress = row.locator('progress');
    // the bar and its text follow the job until it is done
    await row.getByText(`${total} of ${total} messages`).waitFor({ timeout: 30_000 });
    await row.getByText('done', { exact: true }).waitFor();
    expect(await progress.getAttribute('max')).toBe(String(total));
    expect(await progress.getAttribute('value')).toBe(String(total));
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/console-exports.png', fullPage: true });

    const sha = await row.locator('code').textContent();
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: /^Download export / }).click()]);
    const file = readFileSync((await download.path())!);
    expect(download.suggestedFilename()).toMatch(/\.jsonl$/);
    expect(createHash('sha256').update(file).digest('hex')).toBe(sha);
    const lines = file.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; text?: string });
    expect(lines.filter((l) => l.type === 'message')).toHaveLength(total);
    expect(file.toString('utf8')).toContain('line 119 of the record');

    // a data subject's export, then their erasure after typing their id
    await page.getByRole('form', { name: 'Data subject export' }).getByLabel('User id').fill('ben');
    await page.getByRole('button', { name: 'Export their data' }).click();
    const subject = page.locator('tr[data-export]').first();
    await subject.getByText('everything about user ben').waitFor();
    await subject.getByText(`${total / 3} of ${total / 3} messages`).waitFor({ timeout: 30_000 });
    const [doc] = await Promise.all([page.waitForEvent('download'), subject.getByRole('button', { name: /^Download export / }).click()]);
    const json = JSON.parse(readFileSync((await doc.path())!, 'utf8')) as { user: { id: string }; messages: unknown[] };
    expect(json.user.id).toBe('ben');
    expect(json.messages).toHaveLength(total / 3);
    await page.getByRole('form', { name: 'Erase a user' }).getByLabel('User id to erase').fill('ben');
    await page.getByRole('button', { name: 'Erase…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Erase ben?' });
    await dialog.getByLabel('Type the user id to confirm').fill('bem');
    await dialog.getByRole('button', { name: 'Erase ben' }).click();
    await page.getByText('Type the user id ben to confirm.').waitFor();
    expect(await axe(page)).toEqual([]);
    await dialog.getByLabel('Type the user id to confirm').fill('ben');
    await dialog.getByRole('button', { name: 'Erase ben' }).click();
    await page.getByText(/^Erased ben: /).waitFor();
    const erased = await operator<{ user: { id: string; deactivated: boolean } }>('GET', `/apps/${app.id}/users/ben`);
    expect(erased.user.deactivated).toBe(true);

    // the officer's actions, under their name in the app's chain
    const audit = await operator<{ records: { action: string }[] }>('GET', `/apps/${app.id}/compliance/audit?actor_id=${encodeURIComponent(officer.name)}&limit=1000`);
    expect(audit.records.map((r) => r.action)).toEqual(expect.arrayContaining(['compliance.startExportJob', 'compliance.downloadExport', 'compliance.eraseUser']));
    await page.context().close();
  });

  it('an auditor sees exports and retention but is offered no change', async () => {
    const a = await setUp('auditor');
    await signIn(a);
    await a.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await a.page.getByRole('link', { name: 'Exports' }).click();
    await a.page.getByRole('table').first().waitFor();
    expect(await a.page.getByRole('form', { name: 'Export messages' }).count()).toBe(0);
    await a.page.getByRole('link', { name: 'Retention' }).click();
    await a.page.getByRole('heading', { name: 'Retention' }).waitFor();
    expect(await a.page.getByRole('form', { name: 'Set a retention policy' }).count()).toBe(0);
    expect(await a.page.getByRole('link', { name: 'Apps', exact: true }).count()).toBe(0);
    expect(await axe(a.page)).toEqual([]);
    await a.page.context().close();
  });

  it('a session idle longer than the timeout ends, and the page asks to sign in again', async () => {
    // an appliance of its own, whose console sessions end after 15 s without a request
    const strict = await startAppliance({ CHATSDK_CONSOLE_IDLE_TIMEOUT_SECONDS: '15' });
    try {
      const invite = async (name: string, role: string) => {
        const r = await fetch(`${strict.baseURL}/admin/api/officers`, {
          method: 'POST', headers: { Authorization: `Bearer ${strict.operatorToken}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ name, role }),
        });
        expect(r.status).toBe(201);
        return (await r.json()) as { setup_path: string };
      };
      const r = await setUp('auditor', false, { baseURL: strict.baseURL, invite });
      await signIn(r);
      await r.page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await r.page.getByRole('link', { name: 'Audit log' }).click();
      await r.page.getByRole('heading', { name: 'Audit log' }).waitFor();
      await new Promise((done) => setTimeout(done, 17_000));
      await r.page.getByRole('link', { name: 'Retention' }).click();
      await r.page.getByText('Your session has ended. Sign in again.').waitFor();
      expect(await axe(r.page)).toEqual([]);
      await r.page.context().close();
    } finally {
      await strict.stop();
    }
  }, 240_000);
});
