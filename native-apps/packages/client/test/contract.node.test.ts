// The types are generated from the appliance's OpenAPI document: the committed snapshot must be what the appliance
// serves, and the generated files what scripts/gen-types.mjs makes of it. Refresh both with
// `npm run gen:types -- --fetch http://127.0.0.1:8080/openapi?format=JSON` against a running appliance.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// @ts-expect-error a plain ESM script without types
import { generate, normalizeDocument } from '../../../scripts/openapi-types.mjs';
import { baseURL } from '../../../test-support/fixtures.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('the API contract', () => {
  it('the committed OpenAPI snapshot is what the appliance serves', async () => {
    const served = normalizeDocument(await (await fetch(`${baseURL}/openapi?format=JSON`, { headers: { accept: 'application/json' } })).json());
    const snapshot = JSON.parse(readFileSync(`${root}openapi/chatsdk.openapi.json`, 'utf8'));
    expect(served).toEqual(snapshot);
  });

  it('the generated types are what the generator makes of the snapshot', async () => {
    const files: Record<string, string> = await generate(JSON.parse(readFileSync(`${root}openapi/chatsdk.openapi.json`, 'utf8')));
    for (const [name, text] of Object.entries(files)) {
      expect(readFileSync(`${root}packages/client/src/generated/${name}`, 'utf8'), `${name} is stale: npm run gen:types`).toBe(text);
    }
  });
});
