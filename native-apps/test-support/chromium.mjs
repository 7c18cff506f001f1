// Debian's Chromium, driven by playwright-core (Playwright's own browser download is not reachable here), for the
// browser tests (e2e/) and the web benchmark (bench/web/).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);

export function chromiumPath() {
  for (const p of [process.env.CHATSDK_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && existsSync(p)) return p;
  throw new Error("Chromium is missing: install Debian's chromium package (scripts/ensure-chromium.sh does) or set CHATSDK_CHROMIUM");
}

/**
 * Headless Chromium with a fake microphone (a beep), no permission prompts, a silent audio sink whose clock still
 * runs (there is no sound device here), and no calls to Google.
 */
export function launch(extra = {}) {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required', '--disable-audio-output',
    ],
    ...extra,
  });
}
