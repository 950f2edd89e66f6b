import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './global-setup.js';
import { request } from './http.js';
import { eventually } from './wait.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist', 'main.js');

export interface ChildGateway {
  readonly process: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Everything written to stdout so far. */
  stdout(): string;
  /**
   * The first complete stdout line matching `pattern`, as soon as it is written; rejects when the
   * process exits without writing one, or after `timeoutMs`.
   */
  stdoutLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** The exit code (or the signal's name), once the process has exited and its output is drained. */
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
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never outlive the Jest worker, even when a test fails before its cleanup.
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  let stdout = '';
  let stderr = '';
  // Read both pipes to the end: a child blocked on a full pipe would never exit.
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const stdoutLine = (pattern: RegExp, timeoutMs = 30_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const find = (): string | undefined =>
        stdout
          .split('\n')
          .slice(0, -1)
          .find((line) => pattern.test(line));
      const settle = (outcome: () => void): void => {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.off('close', onClose);
        outcome();
      };
      // Registered after the collector above, so `stdout` already holds the chunk.
      const onData = (): void => {
        const line = find();
        if (line !== undefined) settle(() => resolve(line));
      };
      const onClose = (): void => {
        const line = find();
        settle(() =>
          line !== undefined
            ? resolve(line)
            : reject(
                new Error(`exited without a stdout line matching ${String(pattern)}; stderr: ${stderr}`),
              ),
        );
      };
      const timer = setTimeout(
        () =>
          settle(() => reject(new Error(`no stdout line matching ${String(pattern)} in ${timeoutMs} ms`))),
        timeoutMs,
      );
      child.stdout?.on('data', onData);
      child.once('close', onClose);
      onData();
    });
  return { process: child, stderr: () => stderr, stdout: () => stdout, stdoutLine, exited };
}

/**
 * {@link startChildGateway} on a free port of 127.0.0.1 with `env`, resolved once
 * `/health/ready` answers 200 (killed if it never does).
 */
export async function startReadyChildGateway(
  env: Record<string, string>,
  what = 'the child gateway ready',
): Promise<{ child: ChildGateway; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = startChildGateway({ PORT: String(port), HOST: '127.0.0.1', ...env });
  try {
    await eventually(
      async () => (await request(url, 'GET', '/health/ready').catch(() => null))?.status === 200,
      { timeoutMs: 30_000, what },
    );
  } catch (error) {
    child.process.kill('SIGKILL');
    throw error;
  }
  return { child, url };
}
