// Copies the demo build (demo/dist) into the appliance's webapp: index.html and assets/. The copy is committed, so
// that the appliance builds with Maven alone; test/demo-assets.test.ts fails when it is not what the build makes.
import { cpSync, rmSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../demo/dist/', import.meta.url));
const webapp = fileURLToPath(new URL('../../appliance-war/src/main/webapp/', import.meta.url));
rmSync(`${webapp}assets`, { recursive: true, force: true });
cpSync(`${dist}index.html`, `${webapp}index.html`);
cpSync(`${dist}assets`, `${webapp}assets`, { recursive: true });
console.log(`install-demo: ${readdirSync(`${webapp}assets`).join(', ')} -> ${webapp}`);
