import { spawn, spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

/** Whether nothing listens on `port`, on any address (an unspecified-address bind conflicts with all). */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/** The kernel's ephemeral port range (listen(0) and connect() draw from it); Linux's default elsewhere. */
function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 32768;
  }
}

const LOWEST_PORT = 20_000;
const CLUSTER_BUS_OFFSET = 10_000;
const HIGHEST_PORT = 65_535 - CLUSTER_BUS_OFFSET;

/**
 * A port nothing listens on, for a server started later (a child process) or restarted on the
 * same port. Drawn at random *below* the ephemeral range: with test files running in parallel,
 * a port that listen(0) just handed out and released would soon be handed to another file's
 * listen(0), between this check and its use; ports outside the range are never handed out.
 */
export async function freePort(busOffset = 0): Promise<number> {
  const top = Math.min(ephemeralLow(), HIGHEST_PORT + 1) - 1 - busOffset;
  for (let attempt = 0; attempt < 100 && top > LOWEST_PORT; attempt++) {
    const port = randomInt(LOWEST_PORT, top + 1);
    if ((await canListen(port)) && (busOffset === 0 || (await canListen(port + busOffset)))) return port;
  }
  throw new Error(`no free port between ${LOWEST_PORT} and ${top}`);
}

/**
 * A port for a Redis Cluster node, which also binds port + 10000 (its cluster bus): both free,
 * and both below the ephemeral range (a bus port in it could be taken by any connection).
 */
export const freeClusterPort = (): Promise<number> => freePort(CLUSTER_BUS_OFFSET);

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
