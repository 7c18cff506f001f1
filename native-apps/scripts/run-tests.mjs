// `npm test`: starts the real appliance (the jar `./chatsdk build` or `mvn verify` made) on a free port with its own
// data directory and embedded PostgreSQL, runs every Vitest project against it (units, the client in Node, the kit
// and the demo in Debian's Chromium), then stops it. One appliance serves every suite.
//   CHATSDK_TEST_BASE_URL=http://127.0.0.1:8080 CHATSDK_TEST_OPERATOR_TOKEN=... npm test   reuses a running one
import { startAppliance } from '../test-support/appliance.mjs';
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
let appliance;
if (!process.env.CHATSDK_TEST_BASE_URL) {
  appliance = await startAppliance();
  process.env.CHATSDK_TEST_BASE_URL = appliance.baseURL;
  process.env.CHATSDK_TEST_OPERATOR_TOKEN = appliance.operatorToken;
}
const stop = () => appliance?.stop();
process.on('SIGINT', () => { stop(); process.exit(130); });
const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...args], { stdio: 'inherit' });
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});
await appliance?.stop();
process.exit(code);
