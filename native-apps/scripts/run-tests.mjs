// `npm test`: runs the white-label app's component tests (Jest with React Native Testing Library), then starts the
// real appliance (the jar `./chatsdk build` or `mvn verify` made) on a free port with its own data directory and
// embedded PostgreSQL, runs every Vitest project against it (units, the client and the app's sign-in in Node, the kit,
// the demo and the app's web build in Debian's Chromium), then stops it. One appliance serves every suite.
//   CHATSDK_TEST_BASE_URL=http://127.0.0.1:8080 CHATSDK_TEST_OPERATOR_TOKEN=... npm test   reuses a running one
import { startAppliance } from '../test-support/appliance.mjs';
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);

function run(command, argv, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { stdio: 'inherit', ...options });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
}

// Jest needs no appliance: it renders the app's components in React Native's test renderer
const jest = args.length ? 0 : await run(process.execPath, ['../node_modules/jest/bin/jest.js', '--ci'], { cwd: new URL('../app/', import.meta.url) });

let appliance;
if (!process.env.CHATSDK_TEST_BASE_URL) {
  appliance = await startAppliance();
  process.env.CHATSDK_TEST_BASE_URL = appliance.baseURL;
  process.env.CHATSDK_TEST_OPERATOR_TOKEN = appliance.operatorToken;
}
const stop = () => appliance?.stop();
process.on('SIGINT', () => { stop(); process.exit(130); });
const code = await run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...args]);
await appliance?.stop();
process.exit(code || jest);
