import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'main.js');

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
 * (`dist/` is built by the e2e global setup.)
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
