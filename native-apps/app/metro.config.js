// Expo's Metro configuration, plus:
//  - `@brand/…`: the files `npm run brand` wrote (.brand/, or CHATSDK_BRAND_OUT);
//  - a transform cache per brand: the brand is inlined into the bundle (expo-constants), so a build for another brand,
//    or after a brand change, must not reuse what was transformed for the previous one.
const { getDefaultConfig } = require('expo/metro-config');
const { FileStore } = require('metro-cache');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const config = getDefaultConfig(__dirname);
const brandDir = resolve(__dirname, process.env.CHATSDK_BRAND_OUT || '.brand');
const next = config.resolver.resolveRequest;
config.resolver.resolveRequest = (context, moduleName, platform) => {
  const name = moduleName.startsWith('@brand/') ? join(brandDir, moduleName.slice('@brand/'.length)) : moduleName;
  return (next ?? context.resolveRequest)(context, name, platform);
};
config.watchFolders = [...(config.watchFolders ?? []), brandDir];

const brandFile = join(brandDir, 'brand.json');
const brandHash = createHash('sha256')
  .update(existsSync(brandFile) ? readFileSync(brandFile) : '')
  .update(process.env.CHATSDK_API_BASE_URL ?? '')
  .digest('hex')
  .slice(0, 16);
config.cacheStores = [new FileStore({ root: process.env.CHATSDK_METRO_CACHE_DIR || join(tmpdir(), `chatsdk-app-metro-${brandHash}`) })];

module.exports = config;
