// Copies the console build (console/dist) into the admin-console module's resources, from where any servlet
// container serves it at /console/. The copy is committed, so that Maven alone builds the appliance;
// test/console-assets.test.ts fails when it is not what the build makes.
import { cpSync, mkdirSync, rmSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../console/dist/', import.meta.url));
const target = fileURLToPath(new URL('../../admin-console/src/main/resources/META-INF/resources/console/', import.meta.url));
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
cpSync(`${dist}index.html`, `${target}index.html`);
cpSync(`${dist}assets`, `${target}assets`, { recursive: true });
console.log(`install-console: ${readdirSync(`${target}assets`).join(', ')} -> ${target}`);
