// Validates a brand directory (brand.json and its logo) and writes what app.config.js reads: the checked brand and the
// icons resized from the logo. Every failure names the field it is about.
import Ajv from 'ajv';
import { Jimp } from 'jimp';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const schema = JSON.parse(readFileSync(join(here, '../brand.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, useDefaults: true, verbose: true }).compile(schema);

export const LOGO_MAX_BYTES = 1024 * 1024;
export const LOGO_MIN_SIDE = 512;
export const LOGO_MAX_SIDE = 4096;
/** WCAG 2.2 AA for normal text. */
export const MIN_CONTRAST = 4.5;

export class BrandError extends Error {
  /** @param {string[]} problems each `field: what is wrong` */
  constructor(dir, problems) {
    super(`${dir}/brand.json is not a valid brand:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'BrandError';
    this.problems = problems;
  }
}

function field(path) {
  return path.replace(/^\//, '').replace(/\//g, '.') || '(the file)';
}

function schemaProblems(errors) {
  const out = new Set();
  // a oneOf failure repeats each branch's complaint; the const on `method` says which branch was meant
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'if') continue;
    if (e.keyword === 'required') out.add(`${field(`${e.instancePath}/${e.params.missingProperty}`)}: is required`);
    else if (e.keyword === 'additionalProperties') out.add(`${field(`${e.instancePath}/${e.params.additionalProperty}`)}: is not a brand setting`);
    else if (e.keyword === 'pattern') out.add(`${field(e.instancePath)}: ${JSON.stringify(e.data)} does not match ${e.params.pattern}`);
    else if (e.keyword === 'const') out.add(`${field(e.instancePath)}: must be one of "demo", "token-endpoint"`);
    else out.add(`${field(e.instancePath)}: ${e.message}`);
  }
  return [...out];
}

function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG contrast ratio of two #rrggbb colours (1 to 21). */
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

function contrastProblems(colors) {
  const out = [];
  // text on its backgrounds; primary is also the colour of links and plain buttons, muted of placeholders in inputs
  const pairs = [['text', 'background'], ['muted', 'background'], ['text', 'surface'], ['muted', 'surface'], ['onPrimary', 'primary'],
    ['primary', 'background'], ['primary', 'surface'], ['danger', 'background']];
  for (const theme of ['light', 'dark']) {
    for (const [fg, bg] of pairs) {
      const ratio = contrast(colors[theme][fg], colors[theme][bg]);
      if (ratio < MIN_CONTRAST) out.push(`colors.${theme}.${fg}: contrast with colors.${theme}.${bg} is ${ratio.toFixed(2)}:1, below ${MIN_CONTRAST}:1`);
    }
  }
  return out;
}

function secureOrLocal(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname));
  } catch {
    return false;
  }
}

/** Reads and checks a brand directory; throws a BrandError listing every problem. */
export async function loadBrand(dir) {
  dir = resolve(dir);
  const file = join(dir, 'brand.json');
  if (!existsSync(file)) throw new BrandError(dir, ['brand.json: not found']);
  let brand;
  try {
    brand = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BrandError(dir, [`brand.json: not JSON (${e.message})`]);
  }
  if (!validate(brand)) throw new BrandError(dir, schemaProblems(validate.errors ?? []));
  const problems = contrastProblems(brand.colors);
  const logoFile = join(dir, brand.logo);
  let logo;
  if (!existsSync(logoFile)) problems.push(`logo: ${brand.logo} not found beside brand.json`);
  else {
    const size = statSync(logoFile).size;
    if (size > LOGO_MAX_BYTES) problems.push(`logo: ${brand.logo} is ${size} bytes, over the ${LOGO_MAX_BYTES}-byte limit`);
    else {
      try {
        logo = await Jimp.read(logoFile);
      } catch (e) {
        problems.push(`logo: ${brand.logo} is not a readable PNG (${e.message})`);
      }
      if (logo) {
        const { width, height } = logo.bitmap;
        if (width !== height) problems.push(`logo: ${brand.logo} is ${width}×${height}; it must be square`);
        else if (width < LOGO_MIN_SIDE || width > LOGO_MAX_SIDE) problems.push(`logo: ${brand.logo} is ${width}×${height}; a side must be ${LOGO_MIN_SIDE} to ${LOGO_MAX_SIDE} pixels`);
      }
    }
  }
  if (brand.signIn.method === 'token-endpoint' && !brand.api.apiKey) problems.push('api.apiKey: is required with the token-endpoint sign-in');
  // passwords and tokens never travel in clear, except to this machine while developing
  if (!secureOrLocal(brand.api.baseUrl)) problems.push(`api.baseUrl: ${brand.api.baseUrl} must use https (http only for localhost)`);
  if (brand.signIn.method === 'token-endpoint' && !secureOrLocal(brand.signIn.tokenEndpoint)) {
    problems.push(`signIn.tokenEndpoint: ${brand.signIn.tokenEndpoint} must use https (http only for localhost)`);
  }
  if (problems.length) throw new BrandError(dir, problems);
  return { brand, logo };
}

const ICONS = [
  // [file, side, padding fraction]: iOS and the stores take 1024, Android's adaptive icon keeps its art in the middle 66 %
  ['icon.png', 1024, 0],
  ['adaptive-icon.png', 1024, 0.17],
  ['splash-icon.png', 512, 0],
  ['favicon.png', 48, 0],
];

/** Checks the brand in `dir` and writes `out/brand.json` and the icons; answers the checked brand. */
export async function writeBrand(dir, out) {
  const { brand, logo } = await loadBrand(dir);
  mkdirSync(out, { recursive: true });
  for (const [name, side, pad] of ICONS) {
    const inner = Math.round(side * (1 - 2 * pad));
    const art = logo.clone().resize({ w: inner, h: inner });
    const canvas = new Jimp({ width: side, height: side, color: 0x00000000 });
    canvas.composite(art, Math.round((side - inner) / 2), Math.round((side - inner) / 2));
    await canvas.write(join(out, name));
  }
  await logo.clone().resize({ w: 256, h: 256 }).write(join(out, 'logo.png'));
  const { $schema, ...clean } = brand;
  void $schema;
  writeFileSync(join(out, 'brand.json'), `${JSON.stringify({ ...clean, source: resolve(dir) }, null, 2)}\n`);
  return clean;
}
