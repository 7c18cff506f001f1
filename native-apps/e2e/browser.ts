// The browser tests' Chromium: one launcher for them and the web benchmark.
export { chromiumPath, launch } from '../test-support/chromium.mjs';
