// ./chatsdk bench-web: the web packages' figures, each beside a baseline measured in the same run.
//  1. gzipped bundle sizes (esbuild, minified, for browsers): @chatsdk/client, and @chatsdk/react without React and
//     the client (React, react-dom and @chatsdk/client are the app's own); React itself as the yardstick;
//  2. time to first paint of a channel with 10,000 messages cached in IndexedDB (the demo page, reloaded with the
//     channel's REST reads blocked, so everything shown comes from the cache), against reading the same records
//     straight from IndexedDB in the same page;
//  3. JavaScript heap for those 10,000 messages (after a forced GC, through the DevTools protocol), against the size
//     of the same messages as JSON.
// Usage: node bench/web/run.mjs [ROUNDS] (default 5), from native-apps/ (./chatsdk bench-web does that).
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';

const apps = fileURLToPath(new URL('../../native-apps/', import.meta.url));
const require = createRequire(`${apps}package.json`);
const esbuild = require('esbuild');
const { startAppliance } = await import(pathToFileURL(`${apps}test-support/appliance.mjs`).href);
const { launch } = await import(pathToFileURL(`${apps}test-support/chromium.mjs`).href);
const rounds = Number(process.argv[2] ?? 5);
const N = 10_000;

async function gz(entry, external = []) {
  const r = await esbuild.build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, external, logLevel: 'silent' });
  const bytes = r.outputFiles[0].contents;
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log('== bundle sizes (minified, gzip -9) ==');
const client = await gz(`${apps}packages/client/dist/index.js`);
const kit = await gz(`${apps}packages/react/dist/index.js`, ['react', 'react-dom', 'react/jsx-runtime', '@chatsdk/client']);
const reactItself = await gz(require.resolve('react-dom/client'), []);
console.log(`@chatsdk/client            ${kb(client.gzip)} gzip (${kb(client.raw)} minified)   aim <= 40 KB`);
console.log(`@chatsdk/react (no React)  ${kb(kit.gzip)} gzip (${kb(kit.raw)} minified)   aim <= 120 KB`);
console.log(`baseline: react-dom/client ${kb(reactItself.gzip)} gzip; client = ${(client.gzip / reactItself.gzip).toFixed(2)} x, kit = ${(kit.gzip / reactItself.gzip).toFixed(2)} x react-dom`);

const appliance = await startAppliance();
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${appliance.baseURL}/?user=alice`);
  await page.waitForFunction(() => window.demoReady === 1, null, { timeout: 60_000 });
  await page.locator('.chatsdk-channel[data-cid="messaging:welcome"]').waitFor();
  const jsonBytes = await page.evaluate(async (n) => {
    const client = window.demoClients.alice;
    const state = client.channel('messaging', 'welcome').state.getSnapshot();
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const msgs = Array.from({ length: n }, (_, i) => {
      const at = new Date(t0 + i * 60_000).toISOString();
      return { id: `bench-${i + 1}`, cid: 'messaging:welcome', seq: i + 1, user_id: i % 3 ? 'bob' : 'alice', type: 'regular',
        text: `bench message ${i + 1}: the quick brown fox jumps over the lazy dog`, attachments: [], mentioned_users: [], reply_count: 0,
        pinned: false, silent: false, reaction_counts: {}, reaction_scores: {}, own_reactions: [], created_at: at, updated_at: at, status: 'sent' };
    });
    await client.offline.putChannel('messaging:welcome', { ...state.channel, last_seq: n }, msgs, n, new Date().toISOString());
    return JSON.stringify(msgs).length;
  }, N);

  // every reload shows the channel from the cache only: its REST reads fail
  await page.route('**/api/v1/channels**', (r) => r.abort());
  await page.route('**/api/v1/sync**', (r) => r.abort());
  await page.addInitScript((last) => {
    new MutationObserver((_, obs) => {
      for (const el of document.querySelectorAll('.chatsdk-message-text')) {
        if (el.textContent?.startsWith(last)) { window.__paintAt = performance.now(); obs.disconnect(); return; }
      }
    }).observe(document, { childList: true, subtree: true, characterData: true });
  }, `bench message ${N}:`);
  const paints = [], sinceNav = [], raws = [];
  for (let i = 0; i < rounds; i++) {
    await page.reload();
    await page.waitForFunction(() => typeof window.__paintAt === 'number', null, { timeout: 60_000 });
    const r = await page.evaluate(async () => {
      const start = performance.getEntriesByName('demo:start')[0]?.startTime ?? 0;
      // the baseline: the same records straight from IndexedDB, in this page
      const key = Object.values(window.demoClients)[0].apiKey;
      const t0 = performance.now();
      const db = await new Promise((res, rej) => { const q = indexedDB.open(`chatsdk:${key}:alice`); q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error); });
      const rows = await new Promise((res, rej) => {
        const q = db.transaction('messages').objectStore('messages').index('by_cid_seq').getAll(IDBKeyRange.bound(['messaging:welcome', -Infinity], ['messaging:welcome', Infinity]));
        q.onsuccess = () => res(q.result); q.onerror = () => rej(q.error);
      });
      const raw = performance.now() - t0;
      db.close();
      return { paint: window.__paintAt - start, sinceNav: window.__paintAt, raw, rows: rows.length };
    });
    if (r.rows < N) throw new Error(`only ${r.rows} cached rows`);
    paints.push(r.paint); sinceNav.push(r.sinceNav); raws.push(r.raw);
  }
  console.log(`\n== first paint of a channel with ${N.toLocaleString('en')} cached messages (median of ${rounds}) ==`);
  console.log(`from app start to the newest message on screen: ${median(paints).toFixed(0)} ms (aim < 100 ms); from navigation: ${median(sinceNav).toFixed(0)} ms`);
  console.log(`baseline: reading the ${N.toLocaleString('en')} records from IndexedDB alone: ${median(raws).toFixed(0)} ms; ratio ${(median(paints) / median(raws)).toFixed(2)} x`);

  const cdp = await context.newCDPSession(page);
  const heap = async () => { await cdp.send('HeapProfiler.collectGarbage'); await cdp.send('HeapProfiler.collectGarbage'); return (await cdp.send('Runtime.getHeapUsage')).usedSize; };
  // the first paint holds the newest page; scroll all the way back (from the cache) so that the state holds all of them
  const held = await page.evaluate(async (n) => {
    const ch = window.demoClients.alice.channel('messaging', 'welcome');
    while (ch.state.getSnapshot().messages.length < n && (await ch.loadOlder(1000)) > 0);
    return ch.state.getSnapshot().messages.length;
  }, N);
  if (held < N) throw new Error(`the state holds ${held} messages`);
  await page.waitForTimeout(500);
  const withCache = await heap();
  await page.evaluate(() => window.demoClients.alice.offline.deleteChannel('messaging:welcome'));
  await page.evaluate(() => { window.__paintAt = undefined; });
  await page.reload();
  await page.locator('.chatsdk-channel[data-cid="messaging:welcome"]').waitFor();
  await page.waitForTimeout(1000);
  const without = await heap();
  const per = (withCache - without) / N;
  console.log(`\n== memory for ${N.toLocaleString('en')} messages (JS heap after GC) ==`);
  console.log(`page with them: ${kb(withCache)}; without: ${kb(without)}; ${kb(withCache - without)} for the messages, ${per.toFixed(0)} bytes each`);
  console.log(`baseline: the same messages as JSON: ${kb(jsonBytes)} (${(jsonBytes / N).toFixed(0)} bytes each); heap/JSON ${((withCache - without) / jsonBytes).toFixed(2)} x`);
} finally {
  await browser.close();
  await appliance.stop();
}
