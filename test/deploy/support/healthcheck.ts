import { spawn } from 'node:child_process';

/**
 * Runs a container health check's `node -e <script>` as Docker would inside the container,
 * where `PORT` is the gateway's port; resolves with the exit code (0 healthy, 1 unhealthy).
 */
export function runNodeHealthcheck(command: string[], port: number): Promise<number | null> {
  if (command[0] !== 'node' || command[1] !== '-e' || command.length !== 3) {
    throw new Error(`expected ["node", "-e", script], got ${JSON.stringify(command)}`);
  }
  const child = spawn(process.execPath, ['-e', command[2]], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: 'ignore',
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}
