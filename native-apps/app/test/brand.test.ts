// The brand script: the two example brands make two different apps; a bad brand fails with a message naming the field.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Jimp } from 'jimp';
import { contrast, loadBrand, writeBrand } from '../scripts/brand-lib.mjs';

const app = join(import.meta.dirname, '..');
const expoCli = join(app, '../node_modules/expo/bin/cli');

/** Expo's resolved configuration for a brand written into `out`. */
function expoConfig(out: string): Record<string, any> {
  const json = execFileSync(process.execPath, [expoCli, 'config', '--json', '--type', 'public'], {
    cwd: app, env: { ...process.env, CHATSDK_BRAND_OUT: out, EXPO_OFFLINE: '1', CI: '1', EXPO_NO_TELEMETRY: '1' }, encoding: 'utf8',
  });
  return JSON.parse(json);
}

/** A copy of the northwind brand, changed by `edit`, in a fresh directory. */
function variant(edit: (brand: any) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'brand-'));
  cpSync(join(app, 'brands/northwind'), dir, { recursive: true });
  const brand = JSON.parse(readFileSync(join(dir, 'brand.json'), 'utf8'));
  edit(brand);
  writeFileSync(join(dir, 'brand.json'), JSON.stringify(brand));
  return dir;
}

async function problems(dir: string): Promise<string[]> {
  try {
    await loadBrand(dir);
    return [];
  } catch (e) {
    return (e as { problems?: string[] }).problems ?? [String(e)];
  }
}

describe('brands', () => {
  it('the two example brands make two apps whose names, ids, colours and icons differ', async () => {
    const outs = { northwind: mkdtempSync(join(tmpdir(), 'nw-')), acme: mkdtempSync(join(tmpdir(), 'acme-')) };
    await writeBrand(join(app, 'brands/northwind'), outs.northwind);
    await writeBrand(join(app, 'brands/acme-health'), outs.acme);
    const [nw, acme] = [expoConfig(outs.northwind), expoConfig(outs.acme)];
    expect([nw.name, acme.name]).toEqual(['Northwind Chat', 'Acme Care']);
    expect([nw.ios.bundleIdentifier, acme.ios.bundleIdentifier]).toEqual(['com.northwind.chat', 'health.acme.care']);
    expect([nw.android.package, acme.android.package]).toEqual(['com.northwind.chat', 'health.acme.care']);
    expect([nw.scheme, acme.scheme]).toEqual(['northwindchat', 'acmecare']);
    expect(nw.web.themeColor).toBe('#1D4ED8');
    expect(acme.web.themeColor).toBe('#0F766E');
    expect(nw.extra.brand.signIn.method).toBe('demo');
    expect(acme.extra.brand.signIn).toEqual({ method: 'token-endpoint', tokenEndpoint: 'https://portal.acme-health.example/chat/token', usernameLabel: 'Staff ID' });
    expect(acme.extra.brand.features.voiceNotes).toBe(false);
    // icons are resized from each brand's logo
    for (const [name, side] of [['icon.png', 1024], ['adaptive-icon.png', 1024], ['favicon.png', 48]] as const) {
      const [a, b] = await Promise.all([Jimp.read(join(outs.northwind, name)), Jimp.read(join(outs.acme, name))]);
      expect([a.bitmap.width, a.bitmap.height, b.bitmap.width]).toEqual([side, side, side]);
      const [x, y] = [Math.round(side * 0.2), Math.round(side * 0.5)]; // the logos' backgrounds: blue, teal
      expect(a.getPixelColor(x, y)).not.toBe(b.getPixelColor(x, y));
    }
  }, 60_000);

  it('names the field of each problem in a bad brand', async () => {
    expect(await problems(variant((b) => delete b.colors.dark.primary))).toEqual(['colors.dark.primary: is required']);
    expect((await problems(variant((b) => (b.ios.bundleIdentifier = 'com..bad id'))))[0]).toMatch(/^ios\.bundleIdentifier: "com\.\.bad id" does not match/);
    expect((await problems(variant((b) => (b.android.package = '1com.example'))))[0]).toMatch(/^android\.package: /);
    expect((await problems(variant((b) => (b.colors.light.primary = 'blue'))))[0]).toMatch(/^colors\.light\.primary: "blue" does not match/);
    expect(await problems(variant((b) => (b.signIn = { method: 'password' })))).toContain('signIn.method: must be one of "demo", "token-endpoint"');
    expect(await problems(variant((b) => (b.colour = '#fff')))).toEqual(['colour: is not a brand setting']);
    expect(await problems(variant((b) => (b.api.baseUrl = 'ftp://chat.example.com')))).toEqual([expect.stringMatching(/^api\.baseUrl: /)]);
    // passwords and tokens are not sent in clear, except to this machine
    expect(await problems(variant((b) => (b.api.baseUrl = 'http://chat.example.com')))).toEqual(['api.baseUrl: http://chat.example.com must use https (http only for localhost)']);
    expect(await problems(variant((b) => {
      b.api.apiKey = 'key-0123456789';
      b.signIn = { method: 'token-endpoint', tokenEndpoint: 'http://portal.example.com/token' };
    }))).toEqual(['signIn.tokenEndpoint: http://portal.example.com/token must use https (http only for localhost)']);
    expect(await problems(variant((b) => (b.api.baseUrl = 'http://127.0.0.1:8080')))).toEqual([]);
    // several problems at once are all listed
    expect(await problems(variant((b) => { delete b.name; b.slug = 'No Spaces'; }))).toEqual(['name: is required', expect.stringMatching(/^slug: /)]);
  });

  it('refuses text that would be hard to read, naming both colours', async () => {
    expect(contrast('#000000', '#FFFFFF')).toBeCloseTo(21, 5);
    expect(await problems(variant((b) => (b.colors.dark.muted = '#333333')))).toEqual([
      expect.stringMatching(/^colors\.dark\.muted: contrast with colors\.dark\.background is 1\.\d\d:1, below 4\.5:1$/),
      expect.stringMatching(/^colors\.dark\.muted: contrast with colors\.dark\.surface is 1\.\d\d:1, below 4\.5:1$/),
    ]);
    // the brand colour is also the colour of links and plain buttons
    expect(await problems(variant((b) => (b.colors.light.primary = '#7DD3FC')))).toEqual([
      expect.stringMatching(/^colors\.light\.onPrimary: contrast with colors\.light\.primary is/),
      expect.stringMatching(/^colors\.light\.primary: contrast with colors\.light\.background is/),
      expect.stringMatching(/^colors\.light\.primary: contrast with colors\.light\.surface is/),
    ]);
  });

  it('refuses an oversized, a non-square, a tiny or a broken logo, and a missing one', async () => {
    const big = variant(() => undefined);
    await new Jimp({ width: 5000, height: 5000, color: 0x336699ff }).write(join(big, 'logo.png') as `${string}.png`);
    expect(await problems(big)).toEqual([expect.stringMatching(/^logo: logo\.png is 5000×5000; a side must be 512 to 4096 pixels$/)]);

    const heavy = variant(() => undefined);
    const noisy = new Jimp({ width: 1024, height: 1024 });
    noisy.scan(0, 0, 1024, 1024, (_x, _y, i) => { noisy.bitmap.data.writeUInt32BE((((Math.random() * 0xffffff) << 8) | 0xff) >>> 0, i); });
    await noisy.write(join(heavy, 'logo.png') as `${string}.png`);
    expect(await problems(heavy)).toEqual([expect.stringMatching(/^logo: logo\.png is \d+ bytes, over the 1048576-byte limit$/)]);

    const wide = variant(() => undefined);
    await new Jimp({ width: 1024, height: 600, color: 0x336699ff }).write(join(wide, 'logo.png') as `${string}.png`);
    expect(await problems(wide)).toEqual(['logo: logo.png is 1024×600; it must be square']);

    const tiny = variant(() => undefined);
    await new Jimp({ width: 256, height: 256, color: 0x336699ff }).write(join(tiny, 'logo.png') as `${string}.png`);
    expect(await problems(tiny)).toEqual(['logo: logo.png is 256×256; a side must be 512 to 4096 pixels']);

    const broken = variant(() => undefined);
    writeFileSync(join(broken, 'logo.png'), 'not a png');
    expect((await problems(broken))[0]).toMatch(/^logo: logo\.png is not a readable PNG/);

    expect(await problems(variant((b) => (b.logo = 'missing.png')))).toEqual(['logo: missing.png not found beside brand.json']);
  }, 60_000);

  it('the brand script exits 1 with the problems on stderr, and 0 with a summary', () => {
    const bad = variant((b) => delete b.colors.light.text);
    const failed = spawnSync(process.execPath, [join(app, 'scripts/brand.mjs'), bad, '--out', mkdtempSync(join(tmpdir(), 'out-'))], { encoding: 'utf8' });
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('colors.light.text: is required');
    const ok = spawnSync(process.execPath, [join(app, 'scripts/brand.mjs'), join(app, 'brands/acme-health'), '--out', mkdtempSync(join(tmpdir(), 'out-'))], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^branded "Acme Care" \(health\.acme\.care, health\.acme\.care\) into /);
  });
});
