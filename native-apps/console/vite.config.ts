import { defineConfig } from 'vite';

// Builds the console into console/dist; `npm run install-console -w @chatsdk/console` copies it into
// admin-console/src/main/resources/META-INF/resources/console/, where test/console-assets.test.ts checks that the
// committed copy is what this build makes. No inline script or style: the console's CSP allows 'self' only.
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, reportCompressedSize: false, modulePreload: { polyfill: false } },
});
