#!/usr/bin/env node
// `npm run build` only when an input changed since the last successful build: `npm start`
// ("builds if needed") and the e2e suite's globalSetup both call this instead of building
// every time (a full build is ~12 s of CPU).
//
// Inputs are everything the build reads: src/ (the server), the workspace packages' sources
// (the protocol, and the SDK that build:client bundles), the tsconfigs and the package manifests. A stamp written after a successful build
// records when that build *started*, so a source saved while tsc was running, or a build that
// failed half-way (tsc emits even on type errors), is still stale next time.
//
// Exit code: 0 when dist/ is fresh (built or not), else the build's.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const PACKAGES = ['protocol', 'client'].flatMap((name) =>
  ['src', 'package.json', 'tsconfig.build.json'].map((input) => `packages/${name}/${input}`),
);
const INPUTS = [
  'src',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
  'package-lock.json',
  ...PACKAGES,
];
const OUTPUTS = [
  'dist/main.js',
  'packages/protocol/dist/index.js',
  'packages/client/dist/index.js',
  'public/vendor/switchboard-client.js',
];
const STAMP = join(ROOT, 'dist', '.build-stamp');
// Two builders in one checkout (`npm start` while `npm test` sets up) would write dist/ at once.
const LOCK = join(
  tmpdir(),
  `switchboard-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.lock`,
);

function newestMtime(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted or renamed file changes its directory's mtime
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why a build is needed, or undefined when dist/ is up to date. */
function staleness() {
  const missing = OUTPUTS.find((output) => !existsSync(join(ROOT, output)));
  if (missing) return `${missing} is missing`;
  const stamp = statSync(STAMP, { throwIfNoEntry: false });
  if (!stamp) return 'no successful build recorded';
  const changed = INPUTS.find((input) => newestMtime(join(ROOT, input)) > stamp.mtimeMs);
  return changed ? `${changed} changed since the last build` : undefined;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Whether the lock's holder is gone (a killed build leaves its lock behind). */
function abandoned() {
  try {
    const holder = Number(readFileSync(LOCK, 'utf8'));
    // An empty file: its holder is between creating and writing it, unless that was long ago.
    return holder > 0 ? !alive(holder) : Date.now() - statSync(LOCK).mtimeMs > 10_000;
  } catch {
    return false; // released meanwhile: try again
  }
}

/** An exclusively created file holding the builder's pid; a dead builder's lock is taken over. */
function withLock(action) {
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (abandoned()) rmSync(LOCK, { force: true });
      else sleep(200);
    }
  }
  try {
    return action();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

function buildIfStale() {
  if (!staleness()) return 0;
  return withLock(() => {
    const reason = staleness(); // another builder may have finished while we waited
    if (!reason) return 0;
    process.stderr.write(`build-if-stale: ${reason}: npm run build\n`);
    const startedAt = new Date();
    // The build's stdout goes to stderr: `jest --json` (globalSetup) owns stdout.
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
    if (build.status !== 0) return build.status ?? 1;
    writeFileSync(STAMP, '');
    utimesSync(STAMP, startedAt, startedAt);
    return 0;
  });
}

process.exitCode = buildIfStale();
