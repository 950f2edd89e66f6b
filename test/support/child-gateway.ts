import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * `npm run build` unless `dist/main.js` is newer than every source file. Serialised with a
 * lock file because other test runs in the same checkout may build at the same time.
 */
export function buildIfStale(): void {
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestSource(join(ROOT, 'src'))) return;
  const build = spawnSync('flock', ['/tmp/switchboard-build.lock', 'npm', 'run', 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
}

export interface ChildGateway {
  readonly process: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** The exit code (or the signal's name), once the process has exited and stderr is drained. */
  readonly exited: Promise<number | string>;
}

/**
 * Runs the compiled server (`node dist/main.js`) exactly as `npm run start:prod` does, with
 * only `env` (plus PATH) in its environment, from a directory without a `.env` file.
 */
export function startChildGateway(env: Record<string, string>): ChildGateway {
  const child = spawn(process.execPath, [MAIN], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { process: child, stderr: () => stderr, exited };
}
