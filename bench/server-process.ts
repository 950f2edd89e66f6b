import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('./probe.js', import.meta.url));
/** Linux reports process CPU time in clock ticks; 100 per second on every common kernel. */
const CLOCK_TICKS_PER_SECOND = 100;
const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

export interface MemoryReading {
  readonly heapUsed: number;
  readonly rss: number;
}

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

/** Pins this process (every thread) to `cpus`, e.g. '1'; false where taskset is missing. */
export function pinSelf(cpus: string): boolean {
  return hasTaskset && spawnSync('taskset', ['-a', '-cp', cpus, String(process.pid)]).status === 0;
}

export interface ServerStart {
  /** The compiled entry point to run with node. */
  readonly script: string;
  readonly env: Record<string, string>;
  /** Cores to pin the server to (taskset -c), or undefined to leave it free. */
  readonly cpus?: string;
}

/**
 * One server under test in its own process (so its CPU time is its own), started with
 * `--expose-gc` and the bench probe, on a free port, answering `GET /health/ready`.
 */
export class ServerProcess {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly log: string,
  ) {}

  static async start({ script, env, cpus }: ServerStart): Promise<ServerProcess> {
    const port = await freePort();
    // The server's own output (Switchboard logs to stdout), kept for a post-mortem.
    const log = `${tmpdir()}/bench-server-${port}.log`;
    const output = openSync(log, 'w');
    const node = [process.execPath, '--expose-gc', '--import', PROBE, script];
    const [command, ...args] = cpus !== undefined && hasTaskset ? ['taskset', '-c', cpus, ...node] : node;
    const child = spawn(command, args, {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', output, output, 'ipc'],
    });
    closeSync(output);
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL')
        process.stderr.write(`bench: server ${port} exited (${code ?? signal}); see ${log}\n`);
    });
    const server = new ServerProcess(`http://127.0.0.1:${port}`, child, log);
    await server.waitReady();
    return server;
  }

  /** CPU seconds (user + system, all threads) this process has used so far. */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  }

  /** Heap used and RSS right after two full GCs in the server (see probe.ts). */
  memory(): Promise<MemoryReading> {
    return this.ask<MemoryReading>('bench:probe');
  }

  /** Starts a CPU profile in the server (see probe.ts). */
  async startProfile(): Promise<void> {
    await this.ask('bench:profile-start');
  }

  /** Stops the CPU profile and writes it to `file` (.cpuprofile). */
  async stopProfile(file: string): Promise<void> {
    await this.ask(`bench:profile-stop:${file}`);
  }

  /** Writes a heap snapshot of the server to `file` (.heapsnapshot), after a full GC. */
  async heapSnapshot(file: string): Promise<void> {
    await this.ask(`bench:heap-snapshot:${file}`, 120_000);
  }

  private ask<T>(message: string, timeoutMs = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${message} timed out`)), timeoutMs);
      this.child.once('message', (answer: T) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.child.send(message);
    });
  }

  /** The bench never needs a graceful stop; its clients are gone by then. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
    rmSync(this.log, { force: true });
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`server exited with ${this.child.exitCode}`);
      try {
        if ((await fetch(`${this.url}/health/ready`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('server did not become ready within 30 s');
  }
}
