// Expo's configuration, made from the brand that `npm run brand -- brands/<name>` checked and wrote into .brand/
// (or into CHATSDK_BRAND_OUT). CHATSDK_API_BASE_URL overrides the brand's appliance address, e.g. for a staging build;
// CHATSDK_GOOGLE_SERVICES_FILE names the Firebase project's google-services.json for Android push (docs/white-label.md).
const { existsSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

module.exports = () => {
  const dir = resolve(__dirname, process.env.CHATSDK_BRAND_OUT || '.brand');
  const file = join(dir, 'brand.json');
  if (!existsSync(file)) {
    throw new Error(`No brand at ${dir}: run \`npm run brand -- brands/northwind\` (or your own brand directory) first.`);
  }
  const brand = JSON.parse(readFileSync(file, 'utf8'));
  const baseUrl = process.env.CHATSDK_API_BASE_URL || brand.api.baseUrl;
  const light = brand.colors.light;
  return {
    name: brand.name,
    slug: brand.slug,
    scheme: brand.scheme,
    version: '0.1.0',
    orientation: 'portrait',
    userInterfaceStyle: 'automatic',
    icon: join(dir, 'icon.png'),
    ios: {
      bundleIdentifier: brand.ios.bundleIdentifier,
      supportsTablet: true,
      infoPlist: {
        NSMicrophoneUsageDescription: `${brand.name} records voice notes when you hold the microphone button.`,
        NSCameraUsageDescription: `${brand.name} takes photos you choose to send.`,
        NSPhotoLibraryUsageDescription: `${brand.name} sends the photos you pick.`,
      },
    },
    android: {
      package: brand.android.package,
      adaptiveIcon: { foregroundImage: join(dir, 'adaptive-icon.png'), backgroundColor: light.background },
      permissions: ['android.permission.RECORD_AUDIO', 'android.permission.CAMERA', 'android.permission.POST_NOTIFICATIONS'],
      ...(process.env.CHATSDK_GOOGLE_SERVICES_FILE ? { googleServicesFile: resolve(process.env.CHATSDK_GOOGLE_SERVICES_FILE) } : {}),
    },
    web: { favicon: join(dir, 'favicon.png'), name: brand.name, shortName: brand.name, themeColor: light.primary, backgroundColor: light.background },
    plugins: [
      ['expo-notifications', { icon: join(dir, 'favicon.png'), color: light.primary }],
      ['expo-audio', { microphonePermission: `${brand.name} records voice notes when you hold the microphone button.` }],
      ['expo-image-picker', { photosPermission: `${brand.name} sends the photos you pick.`, cameraPermission: `${brand.name} takes photos you choose to send.` }],
      'expo-sqlite',
      'expo-secure-store',
    ],
    extra: {
      brand: {
        name: brand.name,
        scheme: brand.scheme,
        colors: brand.colors,
        api: { baseUrl, ...(brand.api.apiKey ? { apiKey: brand.api.apiKey } : {}) },
        signIn: brand.signIn,
        features: { attachments: true, search: false, ...brand.features },
      },
    },
  };
};
