import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freeClusterPort, freePort } from '../../support/global-setup.js';

/** Resolves once `redis-cli -p port ping` answers PONG; rejects after `timeoutMs` or once `exited()`. */
async function untilAnswers(port: number, exited: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) throw new Error(`redis-server on ${port} exited while starting`);
    const client = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    if (Date.now() > deadline)
      throw new Error(`redis-server on ${port} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A private `redis-server` on a free port, in its own directory, that a test may stop and
 * start again on the same port (the shared Redis on 6379 is never stopped).
 */
export class PrivateRedis {
  private child?: ChildProcess;
  private exited?: Promise<void>;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly extraArgs: string[],
  ) {}

  static async start(extraArgs: string[] = [], port?: number): Promise<PrivateRedis> {
    const server = new PrivateRedis(
      port ?? (await freePort()),
      mkdtempSync(join(tmpdir(), 'sb-redis-')),
      extraArgs,
    );
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const child = spawn('redis-server', [...args, '--dir', this.dir, ...this.extraArgs], {
      cwd: this.dir,
      stdio: 'ignore',
    });
    this.child = child;
    // Never outlive the test process, even when a test fails before its cleanup.
    const kill = (): void => void child.kill('SIGKILL');
    process.once('exit', kill);
    child.once('exit', () => process.off('exit', kill));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    // A server that exits at once (its port or cluster bus port taken) says so now, not after
    // the wait for an answer times out.
    await untilAnswers(this.port, () => child.exitCode !== null || child.signalCode !== null);
  }

  /** Stops the server the way an operator (or a crash with SIGTERM) would; resolves once it exited. */
  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }

  /** Kills the server outright (SIGKILL, as a crash or the OOM killer would); resolves once it exited. */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async destroy(): Promise<void> {
    this.resume();
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A local Redis Cluster of three masters (no replicas), built from `redis-server --cluster-enabled yes`. */
export class PrivateCluster {
  private constructor(readonly nodes: PrivateRedis[]) {}

  static async start(): Promise<PrivateCluster> {
    const nodes: PrivateRedis[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freeClusterPort();
      nodes.push(
        await PrivateRedis.start(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'], port),
      );
    }
    const cluster = new PrivateCluster(nodes);
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0) {
      await cluster.destroy();
      throw new Error(`redis-cli --cluster create failed:\n${created.stdout}\n${created.stderr}`);
    }
    await cluster.untilReady();
    return cluster;
  }

  /** `REDIS_CLUSTER_NODES` */
  get seeds(): string {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
  }

  async destroy(): Promise<void> {
    for (const node of this.nodes) await node.destroy();
  }

  /** Every node reports `cluster_state:ok` (slots are assigned and gossiped). */
  private async untilReady(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const node of this.nodes) {
      for (;;) {
        const info = spawnSync('redis-cli', ['-p', String(node.port), 'cluster', 'info'], {
          encoding: 'utf8',
        });
        if (info.stdout.includes('cluster_state:ok')) break;
        if (Date.now() > deadline) throw new Error(`cluster node ${node.port} not ok within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
}
