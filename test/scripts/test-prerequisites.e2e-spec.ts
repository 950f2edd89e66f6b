import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, plan, PYTHON, SBIN } from '../../scripts/test-prerequisites.mjs';

/**
 * `npm test` on a machine with only Node.js and Redis: scripts/test-prerequisites.mjs (npm's
 * `pretest`) installs what the suite starts, or stops with one line that says how. The
 * decision is tested with a stand-in file system; the script itself runs with a PATH that
 * lacks the programs (never by uninstalling anything).
 */
const SCRIPT = fileURLToPath(new URL('../../scripts/test-prerequisites.mjs', import.meta.url));

/** A file system holding exactly `files`, for {@link plan}'s `executable`. */
const holding =
  (...files: string[]) =>
  (file: string): boolean =>
    files.includes(file);

const EVERYTHING = ['/usr/bin/redis-server', '/usr/bin/redis-cli', '/usr/sbin/haproxy', CHROMIUM, PYTHON];
/** Python modules, as Debian's Python would import them. */
const importing =
  (...modules: string[]) =>
  (module: string): boolean =>
    modules.includes(module);
const ALL_MODULES = importing('socketio', 'requests', 'websocket');

describe('test prerequisites (scripts/test-prerequisites.mjs)', () => {
  it('does nothing when every program is there, haproxy found in /usr/sbin off a user PATH', () => {
    expect(
      plan({ path: '/usr/bin:/bin', uid: 1000, executable: holding(...EVERYTHING), importable: ALL_MODULES }),
    ).toMatchObject({
      action: 'none',
      missing: [],
    });
    expect(SBIN).toContain('/usr/sbin');
  });

  it('as root with apt-get: installs the Debian packages of what is missing, nothing else', () => {
    const decided = plan({
      path: '/usr/bin:/bin',
      uid: 0,
      executable: holding('/usr/bin/apt-get', '/usr/bin/redis-server', '/usr/bin/redis-cli', PYTHON),
      importable: importing('requests', 'websocket'),
    });
    expect(decided).toMatchObject({
      action: 'install',
      packages: ['haproxy', 'chromium', 'python3-socketio'],
    });
  });

  it('as another user: stops with one line naming the exact install command, with sudo', () => {
    const decided = plan({
      path: '/usr/bin:/bin',
      uid: 1000,
      executable: holding('/usr/bin/apt-get', '/usr/sbin/haproxy', PYTHON),
      importable: ALL_MODULES,
    });
    expect(decided).toMatchObject({ action: 'stop', packages: ['redis-server', 'redis-tools', 'chromium'] });
    expect(decided.action === 'stop' && decided.line).toBe(
      `npm test needs redis-server, redis-cli, ${CHROMIUM}: install with ` +
        '"sudo apt-get install -y --no-install-recommends redis-server redis-tools chromium" ' +
        '(Debian or Ubuntu; elsewhere, the packages of the same names), then run npm test again',
    );
  });

  it('as root without apt-get (not Debian): stops too, naming the command without sudo', () => {
    const decided = plan({
      path: '/usr/bin',
      uid: 0,
      executable: holding(...EVERYTHING.slice(1)),
      importable: ALL_MODULES,
    });
    expect(decided).toMatchObject({ action: 'stop', packages: ['redis-server'] });
    expect(decided.action === 'stop' && decided.line).toContain(
      '"apt-get install -y --no-install-recommends redis-server"',
    );
  });

  it("without Debian's Python: its client and both its transports are missing, one package each", () => {
    const decided = plan({ path: '/usr/bin', uid: 1000, executable: holding(...EVERYTHING.slice(0, 4)) });
    expect(decided).toMatchObject({
      action: 'stop',
      packages: ['python3-socketio', 'python3-requests', 'python3-websocket'],
    });
    expect(decided.action === 'stop' && decided.line).toMatch(
      /^npm test needs socketio \(Python module\), requests \(Python module\), websocket \(Python module\): /,
    );
  });

  it('run with a PATH that lacks redis-server, redis-cli and apt-get: exit 1 and that one line, at once', () => {
    const empty = mkdtempSync(join(tmpdir(), 'sb-prereq-'));
    try {
      const run = spawnSync(process.execPath, [SCRIPT], { env: { PATH: empty }, encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      // haproxy and Chromium are where this machine has them (/usr/sbin, /usr/bin/chromium).
      const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
      expect(lines[0]).toContain(
        `npm test needs redis-server, redis-cli: install with "${sudo}apt-get install -y ` +
          '--no-install-recommends redis-server redis-tools"',
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('run as root with an apt-get on PATH: runs update, then install of exactly the missing packages', () => {
    const bin = mkdtempSync(join(tmpdir(), 'sb-prereq-'));
    try {
      // A stand-in apt-get that records its arguments and "installs" redis-server and redis-cli
      // into the same directory, so the script's check after installing finds them.
      writeFileSync(
        join(bin, 'apt-get'),
        [
          '#!/bin/sh',
          `echo "$DEBIAN_FRONTEND $*" >> ${bin}/calls`,
          `for p in redis-server redis-cli; do printf '#!/bin/sh\\n' > ${bin}/$p; /bin/chmod +x ${bin}/$p; done`,
        ].join('\n'),
      );
      chmodSync(join(bin, 'apt-get'), 0o755);
      const run = spawnSync(process.execPath, [SCRIPT], { env: { PATH: bin }, encoding: 'utf8' });
      if (process.getuid?.() !== 0) {
        // Only root may install: anyone else gets the line, and apt-get is never run.
        expect(run.status).toBe(1);
        expect(run.stderr).toContain('sudo apt-get install');
        return;
      }
      expect(run.stderr).toBe('test-prerequisites: installing redis-server redis-tools (apt-get)\n');
      expect(run.status).toBe(0);
      expect(readFileSync(join(bin, 'calls'), 'utf8').trimEnd().split('\n')).toEqual([
        'noninteractive update -qq',
        'noninteractive install -y -qq --no-install-recommends redis-server redis-tools',
      ]);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('run on this machine: everything is there, so it says nothing and exits 0', () => {
    const run = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
      status: 0,
      stdout: '',
      stderr: '',
    });
  });
});
