import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import { freePort } from '../../support/global-setup.js';
import { repoPath } from './repo-files.js';

/**
 * Real gateway processes (`node dist/main.js`, as `npm run start:prod` and the image run it),
 * sharing the test Redis under a key prefix of their own.
 */
export const CLUSTER_SECRET = 'deploy-test-secret-0123456789abcdef';

/** Polls `probe` until it yields a value, for conditions no event announces; bounded. */
export async function until<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface GatewayProcess {
  readonly instanceId: string;
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  /** Exit code, or the signal's name. */
  readonly exited: Promise<number | string>;
  output(): string;
}

/** The JSON log lines (pino) a gateway process wrote so far, parsed. */
export function jsonLines<T>(gateway: GatewayProcess): T[] {
  return gateway
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as T);
}

export async function readiness(url: string): Promise<{ status: number; instance?: string }> {
  try {
    const response = await fetch(`${url}/health/ready`);
    const body = (await response.json()) as { instance?: string };
    return { status: response.status, instance: body.instance };
  } catch {
    return { status: 0 };
  }
}

export async function startGatewayProcess(
  instanceId: string,
  env: Record<string, string>,
): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [repoPath('dist', 'main.js')], {
    cwd: tmpdir(),
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      INSTANCE_ID: instanceId,
      JWT_SECRET: CLUSTER_SECRET,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  // Never outlive the Jest worker, even when a test fails before its cleanup.
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  const url = `http://127.0.0.1:${port}`;
  const gateway = { instanceId, port, url, process: child, exited, output: () => output };
  let early: number | string | undefined;
  void exited.then((code) => (early = code));
  try {
    await until(
      async () => {
        if (early !== undefined)
          throw new Error(`${instanceId} exited (${early}) before it was ready:\n${output}`);
        return (await readiness(url)).status === 200;
      },
      `${instanceId} ready`,
      60_000,
    );
  } catch (error) {
    kill();
    throw error;
  }
  return gateway;
}

/** A Redis key prefix of this test run's own, and the cleanup of every key under it. */
export function testPrefix(name: string): { prefix: string; cleanup(): Promise<void> } {
  const prefix = `t-${name}-${randomBytes(4).toString('hex')}:`;
  return {
    prefix,
    async cleanup() {
      const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}

export interface GatewayCluster {
  readonly gateways: GatewayProcess[];
  readonly prefix: string;
  token(claims: { sub: string; roles?: string[]; channels?: string[] }): string;
  stop(): Promise<void>;
}

/** `count` gateways on the test Redis, all ready; `stop()` ends them and deletes their keys. */
export async function startCluster(
  name: string,
  count: number,
  env: Record<string, string> = {},
): Promise<GatewayCluster> {
  const redisUrl = process.env.TEST_REDIS_URL;
  if (!redisUrl) throw new Error('TEST_REDIS_URL is not set (test/support/global-setup.ts)');
  const { prefix, cleanup } = testPrefix(name);
  const shared = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, ...env };
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, index) => startGatewayProcess(`${name}-${index + 1}`, shared)),
  );
  const gateways = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    // The caller gets no cluster to stop: end the gateways that did start here.
    for (const gateway of gateways) gateway.process.kill('SIGKILL');
    await Promise.all(gateways.map((gateway) => gateway.exited));
    await cleanup();
    throw failed.reason;
  }
  return {
    gateways,
    prefix,
    token: (claims) => jwt.sign(claims, CLUSTER_SECRET, { algorithm: 'HS256', expiresIn: 600 }),
    async stop() {
      for (const gateway of gateways) {
        if (gateway.process.exitCode === null && gateway.process.signalCode === null)
          gateway.process.kill('SIGKILL');
      }
      await Promise.all(gateways.map((gateway) => gateway.exited));
      await cleanup();
    },
  };
}
