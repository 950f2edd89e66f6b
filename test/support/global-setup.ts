import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

/** A free TCP port on loopback, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * `node dist/main.js` (child-process, HAProxy and drain tests) and the SDK bundle the demo page
 * loads (browser tests) must match the sources: built here once for the whole run, and only
 * when an input changed since the last build (scripts/build-if-stale.mjs, as `npm start`).
 */
function buildIfStale(): void {
  const script = fileURLToPath(new URL('../../scripts/build-if-stale.mjs', import.meta.url));
  // stdout belongs to `jest --json`: the build reports on stderr.
  const build = spawnSync(process.execPath, [script], { stdio: ['ignore', 2, 2] });
  if (build.status !== 0)
    throw new Error(`npm run build failed (exit ${build.status ?? build.signal}): see above`);
}

/**
 * Tests need one Redis: `REDIS_URL`, else the machine's 127.0.0.1:6379, else a private
 * `redis-server` started here on a free port (stopped by the OS with the Jest process).
 */
export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  buildIfStale();
  const candidate = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await answers(candidate)) {
    process.env.TEST_REDIS_URL = candidate;
    return;
  }
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  child.unref();
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100 && !(await answers(url)); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!(await answers(url))) throw new Error('no Redis answers and redis-server could not be started');
  process.env.TEST_REDIS_URL = url;
  process.on('exit', () => child.kill());
}
