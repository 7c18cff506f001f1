import { defineConfig } from 'vite';

// Builds the demo into demo/dist; `npm run install-demo -w @chatsdk/demo` copies it into the appliance's webapp,
// where test/demo-assets.test.ts checks that the committed copy is what this build makes.
export default defineConfig({
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, reportCompressedSize: false },
});
