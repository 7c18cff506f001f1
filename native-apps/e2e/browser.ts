// Debian's Chromium, driven by playwright-core (Playwright's own browser download is not reachable here).
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { existsSync } from 'node:fs';

export function chromiumPath(): string {
  for (const p of [process.env.CHATSDK_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && existsSync(p)) return p;
  throw new Error('Chromium is missing: install Debian\'s chromium package (scripts/ensure-chromium.sh does) or set CHATSDK_CHROMIUM');
}

/** Headless Chromium with a fake microphone (a beep) and no permission prompts, and no calls to Google. */
export function launch(extra: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
      // no sound device here: play into a silent sink whose clock still runs
      '--disable-audio-output',
    ],
    ...extra,
  });
}
