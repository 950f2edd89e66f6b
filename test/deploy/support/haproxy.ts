import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { SBIN } from '../../../scripts/test-prerequisites.mjs';
import { freePort } from '../../support/global-setup.js';
import { until } from './gateway-processes.js';
import { readRepoFile } from './repo-files.js';

/**
 * A real HAProxy (the Debian package; `npm test` installs it when missing, scripts/test-prerequisites.mjs) running deploy/haproxy/haproxy.cfg
 * itself, its addresses given through the environment variables the file reads.
 */
export const HAPROXY_CFG = readRepoFile('deploy', 'haproxy', 'haproxy.cfg');

/**
 * The same file with stickiness taken out: the backend's `cookie` directive and each server's
 * `cookie sN`. Everything else (balancing, health checks, timeouts) is unchanged.
 */
export function withoutStickiness(cfg: string): string {
  const stripped = cfg
    .split('\n')
    .filter((line) => !/^\s*cookie\s/.test(line))
    .map((line) => line.replace(/\s+cookie\s+s\d+\b/, ''))
    .join('\n');
  if (/^\s*cookie\s|\bcookie\s+s\d/m.test(stripped)) throw new Error('stickiness still in the config');
  return stripped;
}

export interface Haproxy {
  /** `http://127.0.0.1:<port>`: the frontend clients use. */
  readonly url: string;
  /** Server name (`gateway-1`…) → HAProxy's view of it (`UP`, `DOWN`, `UP 1/2`, …). */
  servers(): Promise<Record<string, string>>;
  output(): string;
  stop(): Promise<void>;
}

function haproxyEnv(listen: number, stats: number, backends: number[]): Record<string, string> {
  return {
    // Debian puts haproxy in /usr/sbin, not on a regular user's PATH (spawn looks up env.PATH).
    PATH: [process.env.PATH ?? '', ...SBIN].join(delimiter),
    SB_LISTEN: `127.0.0.1:${listen}`,
    SB_STATS_LISTEN: `127.0.0.1:${stats}`,
    ...Object.fromEntries(backends.map((port, index) => [`SB_GATEWAY_${index + 1}`, `127.0.0.1:${port}`])),
  };
}

/** `haproxy -c`: whether HAProxy accepts `cfg` with these addresses (and its complaints). */
export function checkConfig(cfg: string, backends: number[]): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sb-haproxy-'));
  try {
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(file, cfg);
    const result = spawnSync('haproxy', ['-c', '-f', file], {
      env: haproxyEnv(1, 2, backends),
      encoding: 'utf8',
    });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts `haproxy -db` on `cfg` in front of `backends` (ports on 127.0.0.1); resolves when all are UP. */
export async function startHaproxy(cfg: string, backends: number[]): Promise<Haproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, cfg);
  const [listen, stats] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', file], {
    env: haproxyEnv(listen, stats, backends),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never outlive the Jest worker, even when a test fails before its cleanup.
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const servers = async (): Promise<Record<string, string>> => {
    const response = await fetch(`http://127.0.0.1:${stats}/stats;csv`);
    const rows = (await response.text()).split('\n').map((row) => row.split(','));
    const [header] = rows;
    const [proxy, server, status] = ['# pxname', 'svname', 'status'].map((name) => header.indexOf(name));
    return Object.fromEntries(
      rows
        .filter((row) => row[proxy] === 'gateways' && row[server]?.startsWith('gateway-'))
        .map((row) => [row[server], row[status]]),
    );
  };
  const haproxy: Haproxy = {
    url: `http://127.0.0.1:${listen}`,
    servers,
    output: () => output,
    async stop() {
      if (!gone) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await until(async () => {
      if (gone) throw new Error(`haproxy exited:\n${output}`);
      const states: Record<string, string> = await servers().catch(() => ({}));
      return Object.keys(states).length === backends.length && Object.values(states).every((s) => s === 'UP');
    }, 'haproxy to see every gateway UP');
  } catch (error) {
    await haproxy.stop();
    throw error;
  }
  return haproxy;
}
