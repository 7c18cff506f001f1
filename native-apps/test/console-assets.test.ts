// The admin console is committed into the admin-console module's resources (so that Maven alone builds it). This
// fails when the committed copy is not what building native-apps/console makes now: run
// `npm run install-console -w @chatsdk/console`.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../console/dist/', import.meta.url));
const committed = fileURLToPath(new URL('../../admin-console/src/main/resources/META-INF/resources/console/', import.meta.url));

describe('the console in the admin-console module', () => {
  it('is the current build of native-apps/console', () => {
    expect(existsSync(`${dist}index.html`), 'build the console first (npm run build)').toBe(true);
    const built = readdirSync(`${dist}assets`).sort();
    expect(readdirSync(`${committed}assets`).sort(), 'admin-console resources are stale: run npm run install-console -w @chatsdk/console').toEqual(built);
    for (const f of built) expect(readFileSync(`${committed}assets/${f}`).equals(readFileSync(`${dist}assets/${f}`)), f).toBe(true);
    expect(readFileSync(`${committed}index.html`, 'utf8')).toBe(readFileSync(`${dist}index.html`, 'utf8'));
  });

  it('has no inline script or style, which its Content-Security-Policy would block', () => {
    const html = readFileSync(`${dist}index.html`, 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style[\s>]/);
    expect(html).not.toMatch(/\sstyle=/);
  });
});
