import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_SECRET } from './load/clients.js';
import { HookReceiver } from './load/hook-receiver.js';
import { type MemoryReading, ServerProcess } from './server-process.js';

export type ServerKind = 'floor' | 'baseline' | 'switchboard';

export interface DeploymentSpec {
  readonly kind: ServerKind;
  readonly instances: number;
  readonly redis: boolean;
  /** Switchboard only: a webhook receiver that answers in 2 s is configured (see HookReceiver). */
  readonly hooks?: boolean;
}

export interface DeploymentContext {
  readonly redisUrl: string;
  /** Unique per deployment, so each starts from empty channels. */
  readonly keyPrefix: string;
  /** Cores for the servers (taskset -c), or undefined. */
  readonly cpus?: string;
  /** Names this deployment's profiles (case id and repeat). */
  readonly label: string;
}

const SCRIPTS: Record<ServerKind, string> = {
  floor: fileURLToPath(new URL('./floor/server.js', import.meta.url)),
  baseline: fileURLToPath(new URL('./baseline/server.js', import.meta.url)),
  switchboard: fileURLToPath(new URL('../dist/main.js', import.meta.url)),
};

function envFor(
  spec: DeploymentSpec,
  context: DeploymentContext,
  instance: number,
  hooks?: HookReceiver,
): Record<string, string> {
  const redis: Record<string, string> = spec.redis
    ? { REDIS_URL: context.redisUrl, REDIS_KEY_PREFIX: context.keyPrefix }
    : {};
  if (spec.kind !== 'switchboard') return { JWT_SECRET: BENCH_SECRET, ...redis };
  return {
    JWT_SECRET: BENCH_SECRET,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    INSTANCE_ID: `bench-${instance}`,
    ...redis,
    ...hooks?.env,
  };
}

/** One or more server processes of one kind, measured together. */
export class Deployment {
  private constructor(
    readonly servers: readonly ServerProcess[],
    private readonly label: string,
    private readonly hooks?: HookReceiver,
  ) {}

  static async start(spec: DeploymentSpec, context: DeploymentContext): Promise<Deployment> {
    const servers: ServerProcess[] = [];
    const hooks = spec.hooks ? await HookReceiver.start() : undefined;
    try {
      for (let i = 0; i < spec.instances; i++) {
        servers.push(
          await ServerProcess.start({
            script: SCRIPTS[spec.kind],
            env: envFor(spec, context, i, hooks),
            cpus: context.cpus,
          }),
        );
      }
    } catch (error) {
      await Promise.all(servers.map((server) => server.stop()));
      await hooks?.stop();
      throw error;
    }
    return new Deployment(servers, context.label, hooks);
  }

  /** What the webhook receiver was sent so far (none without hooks configured). */
  hookMetrics(): Record<string, number> {
    return this.hooks ? { webhookRequests: this.hooks.requests, webhookBytes: this.hooks.bytes } : {};
  }

  get urls(): string[] {
    return this.servers.map((server) => server.url);
  }

  cpuSeconds(): number {
    return this.servers.reduce((sum, server) => sum + server.cpuSeconds(), 0);
  }

  /** Heap and RSS after GC, summed over the instances. */
  async memory(): Promise<MemoryReading> {
    const readings = await Promise.all(this.servers.map((server) => server.memory()));
    return readings.reduce((sum, r) => ({ heapUsed: sum.heapUsed + r.heapUsed, rss: sum.rss + r.rss }), {
      heapUsed: 0,
      rss: 0,
    });
  }

  /**
   * With BENCH_PROFILE=<dir>, `measure` runs inside a CPU profile of every instance, written
   * to <dir>/<label>-<instance>.cpuprofile (open it in Chrome DevTools); otherwise it just runs.
   */
  async profiled<T>(measure: () => Promise<T>): Promise<T> {
    const dir = process.env.BENCH_PROFILE;
    if (!dir) return measure();
    await Promise.all(this.servers.map((server) => server.startProfile()));
    try {
      return await measure();
    } finally {
      await Promise.all(
        this.servers.map((server, i) => server.stopProfile(join(dir, `${this.label}-${i}.cpuprofile`))),
      );
    }
  }

  /**
   * With BENCH_HEAP=<dir>, a heap snapshot of the first instance, written to
   * <dir>/<label>-<name>.heapsnapshot (compare two with `node dist-bench/heap-summary.js`).
   */
  async heapSnapshot(name: string): Promise<void> {
    const dir = process.env.BENCH_HEAP;
    if (dir) await this.servers[0].heapSnapshot(join(dir, `${this.label}-${name}.heapsnapshot`));
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.stop()));
    await this.hooks?.stop();
  }
}
