// The demo page is committed into the appliance's webapp (so that Maven alone builds the appliance). This fails when
// the committed copy is not what building the demo makes now: run `npm run install-demo -w @chatsdk/demo`.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../demo/dist/', import.meta.url));
const webapp = fileURLToPath(new URL('../../appliance-war/src/main/webapp/', import.meta.url));

describe('the demo in the appliance', () => {
  it('is the current build of native-apps/demo', () => {
    expect(existsSync(`${dist}index.html`), 'build the demo first (npm run build)').toBe(true);
    const built = readdirSync(`${dist}assets`).sort();
    const committed = readdirSync(`${webapp}assets`).sort();
    expect(committed, 'appliance-war/src/main/webapp/assets is stale: run npm run install-demo -w @chatsdk/demo').toEqual(built);
    for (const f of built) expect(readFileSync(`${webapp}assets/${f}`).equals(readFileSync(`${dist}assets/${f}`)), f).toBe(true);
    expect(readFileSync(`${webapp}index.html`, 'utf8')).toBe(readFileSync(`${dist}index.html`, 'utf8'));
  });
});
