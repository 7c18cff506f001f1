// Brands the white-label app and makes its web build (`expo export --platform web`), as docs/white-label.md does by
// hand, for the browser tests.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = fileURLToPath(new URL('../app/', import.meta.url));

/** Where the example brands are. */
export const brandsDir = join(app, 'brands');

/**
 * Brands the app with the brand directory `brandDir` and exports its web build into test-results/app-<label>/;
 * answers the build's directory.
 */
export async function buildAppWeb(brandDir, label, apiBaseUrl) {
  const { writeBrand } = await import('../app/scripts/brand-lib.mjs');
  const results = resolve(app, '../test-results');
  const brandOut = join(results, `brand-${label}`);
  const out = join(results, `app-${label}`);
  rmSync(out, { recursive: true, force: true });
  // a cold build each time: the brand is inlined into the bundle (see app/metro.config.js)
  rmSync(join(results, `metro-cache-${label}`), { recursive: true, force: true });
  mkdirSync(results, { recursive: true });
  await writeBrand(brandDir, brandOut);
  execFileSync(process.execPath, [join(app, '../node_modules/expo/bin/cli'), 'export', '--platform', 'web', '--output-dir', out], {
    cwd: app,
    env: { ...process.env, CHATSDK_BRAND_OUT: brandOut, CHATSDK_METRO_CACHE_DIR: join(results, `metro-cache-${label}`), CHATSDK_API_BASE_URL: apiBaseUrl, EXPO_OFFLINE: '1', CI: '1', EXPO_NO_TELEMETRY: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return out;
}
