// npm run brand -- brands/northwind [--out .brand]
// Checks a brand directory and writes the branded build configuration that app.config.js reads (default .brand/).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrandError, writeBrand } from './brand-lib.mjs';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? resolve(args.splice(outAt, 2)[1] ?? '') : join(dirname(fileURLToPath(import.meta.url)), '../.brand');
const dir = args[0];
if (!dir || args.length !== 1) {
  console.error('usage: npm run brand -- <brand directory> [--out <dir>]   e.g. npm run brand -- brands/northwind');
  process.exit(2);
}
try {
  // relative to this package (npm run runs scripts here), or to where npm was started (npm run -w from the workspace)
  const here = resolve(dir);
  const fromStart = resolve(process.env.INIT_CWD ?? process.cwd(), dir);
  const brand = await writeBrand(existsSync(here) ? here : fromStart, out);
  console.log(`branded "${brand.name}" (${brand.ios.bundleIdentifier}, ${brand.android.package}) into ${out}`);
} catch (e) {
  if (e instanceof BrandError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
