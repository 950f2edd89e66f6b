#!/usr/bin/env node
// What `npm test` needs besides Node.js and the npm packages: the programs the e2e tests start
// (redis-server and redis-cli for private Redis servers and clusters, haproxy in front of
// gateway processes, Debian's Chromium for the browser tests, Debian's python3-socketio as a
// third-party client, with the modules of its two transports). npm runs this before the suite
// (`pretest`). When something is missing it installs the Debian packages, as CI on a clean
// machine must, but only when it may: as root, with apt-get on PATH. Otherwise it stops at
// once with one line naming the install command, instead of letting a third of the suite fail
// with "spawn haproxy ENOENT".
//
// Exit code: 0 when everything is there (found or installed), 1 otherwise.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's Chromium, where the browser tests launch it (never a downloaded browser). */
export const CHROMIUM = '/usr/bin/chromium';
/** Debian's Python, whose packages hold the Python client (a pyenv `python3` on PATH would not). */
export const PYTHON = '/usr/bin/python3';

/**
 * Each program the suite starts (or Python module it imports), how it is found, and the
 * Debian package that brings it.
 */
export const PREREQUISITES = [
  { program: 'redis-server', debian: 'redis-server' },
  { program: 'redis-cli', debian: 'redis-tools' },
  { program: 'haproxy', debian: 'haproxy' },
  { program: CHROMIUM, debian: 'chromium' },
  { program: PYTHON, module: 'socketio', debian: 'python3-socketio' },
  { program: PYTHON, module: 'requests', debian: 'python3-requests' },
  { program: PYTHON, module: 'websocket', debian: 'python3-websocket' },
];

/** Whether Debian's Python imports `module`. */
const canImport = (module) => spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;

/** How a prerequisite is named in the one line. */
const nameOf = ({ program, module }) => (module ? `${module} (Python module)` : program);

const isExecutable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The file `program` names: itself when it is a path, else the first match on `path` (PATH). */
export function locate(program, path, executable = isExecutable) {
  if (program.includes('/')) return executable(program) ? program : undefined;
  return (path ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, program))
    .find(executable);
}

/**
 * Where Debian installs daemons such as haproxy: not on a regular user's PATH, so the tests
 * look there too (test/deploy/support/haproxy.ts).
 */
export const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/**
 * What to do, decided from what is missing and what this process may do:
 * `{ action: 'none' }`, `{ action: 'install', packages }` (root with apt-get), or
 * `{ action: 'stop', line }` with the one line that names the install command.
 */
export function plan({ path, uid, executable = isExecutable, importable = canImport }) {
  const searched = [path ?? '', ...SBIN].join(delimiter);
  const missing = PREREQUISITES.filter(
    ({ program, module }) =>
      !locate(program, searched, executable) || (module !== undefined && !importable(module)),
  );
  if (missing.length === 0) return { action: 'none', missing };
  const packages = [...new Set(missing.map(({ debian }) => debian))];
  if (uid === 0 && locate('apt-get', searched, executable)) return { action: 'install', missing, packages };
  const sudo = uid === 0 ? '' : 'sudo ';
  return {
    action: 'stop',
    missing,
    packages,
    line:
      `npm test needs ${missing.map(nameOf).join(', ')}: install with ` +
      `"${sudo}apt-get install -y --no-install-recommends ${packages.join(' ')}" ` +
      `(Debian or Ubuntu; elsewhere, the packages of the same names), then run npm test again`,
  };
}

function run(command, args) {
  // stdout may be a test report (`npm test -- --json`): everything here goes to stderr.
  const result = spawnSync(command, args, {
    stdio: ['ignore', 2, 2],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

function main() {
  const decided = plan({ path: process.env.PATH, uid: process.getuid?.() });
  if (decided.action === 'none') return 0;
  if (decided.action === 'stop') {
    process.stderr.write(`${decided.line}\n`);
    return 1;
  }
  process.stderr.write(`test-prerequisites: installing ${decided.packages.join(' ')} (apt-get)\n`);
  const installed =
    run('apt-get', ['update', '-qq']) &&
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...decided.packages]);
  const still = plan({ path: process.env.PATH, uid: process.getuid?.() });
  if (installed && still.action === 'none') return 0;
  const programs = still.missing.map(nameOf).join(', ');
  process.stderr.write(`test-prerequisites: apt-get did not install ${programs}; see above\n`);
  return 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main();
