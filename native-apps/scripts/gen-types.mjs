// Generates @chatsdk/client's types from the appliance's OpenAPI document.
//   node scripts/gen-types.mjs                  regenerate from the committed snapshot openapi/chatsdk.openapi.json
//   node scripts/gen-types.mjs --fetch URL      first refresh the snapshot from a running appliance (URL of /openapi)
// The snapshot is committed so that a build needs no appliance; test/contract.node.test.ts checks that it equals what
// the appliance serves, and that the generated files equal what this script writes from it.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generate, normalizeDocument } from './openapi-types.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const snapshot = `${root}openapi/chatsdk.openapi.json`;
const i = process.argv.indexOf('--fetch');
if (i > 0) {
  const url = process.argv[i + 1];
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  await writeFile(snapshot, JSON.stringify(normalizeDocument(await res.json()), null, 2) + '\n');
}
const files = await generate(JSON.parse(await readFile(snapshot, 'utf8')));
for (const [name, text] of Object.entries(files)) {
  await writeFile(`${root}packages/client/src/generated/${name}`, text);
}
console.log(`gen-types: wrote ${Object.keys(files).join(', ')} from ${snapshot}`);
