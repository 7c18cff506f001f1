// Starts the appliance jar as a separate process, as operators run it, for the JavaScript suites.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, openSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const repo = fileURLToPath(new URL('../../', import.meta.url));

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function javaBin() {
  const home = process.env.JAVA_HOME || execFileSync(join(repo, 'scripts/find-jdk.sh'), { encoding: 'utf8' }).trim();
  return join(home, 'bin', 'java');
}

export async function startAppliance(extraEnv = {}) {
  const jar = join(repo, 'appliance-war/target/chatsdk-appliance.jar');
  if (!existsSync(jar)) throw new Error(`${jar} is missing: run ./chatsdk build first`);
  const base = join(repo, 'native-apps/test-results');
  mkdirSync(base, { recursive: true });
  const dataDir = mkdtempSync(join(base, 'appliance-'));
  const port = await freePort();
  const operatorToken = 'js-test-operator-token-0123456789';
  const log = openSync(`${dataDir}.log`, 'w');
  const child = spawn(javaBin(), ['-jar', jar, '--port', String(port), '--nohazelcast', '--disablephonehome'], {
    env: {
      ...process.env,
      CHATSDK_DATA_DIR: dataDir,
      CHATSDK_PORT: String(port),
      CHATSDK_OPERATOR_TOKEN: operatorToken,
      CHATSDK_DEMO: 'true',
      ...extraEnv,
    },
    stdio: ['ignore', log, log],
  });
  const baseURL = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the appliance exited with ${child.exitCode}; see ${dataDir}.log`);
    try {
      const r = await fetch(`${baseURL}/health/ready`);
      if (r.ok && (await r.text()).includes('"UP"')) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the appliance was not ready within 180 s; see ${dataDir}.log`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`appliance ready at ${baseURL} (data ${dataDir})`);
  return {
    baseURL,
    operatorToken,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('exit', () => { clearTimeout(t); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}
