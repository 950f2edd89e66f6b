import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';

jest.setTimeout(600_000);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a command in `cwd`; resolves with its output, fails the test with it on a non-zero exit. */
function run(cwd: string, command: string, args: string[]): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${output}`);
  return output;
}

/**
 * A copy of this checkout as a fresh clone would have it (every file git tracks or would
 * track, as they are in the working tree), in a git repository of its own, with this
 * checkout's installed packages (the workspace packages pointing at the copy's own).
 */
function freshCopy(): string {
  const copy = mkdtempSync(path.join(tmpdir(), 'switchboard-generate-'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(copy, file), { dereference: false });
  }
  const modules = path.join(copy, 'node_modules');
  mkdirSync(path.join(modules, '@switchboard'), { recursive: true });
  for (const entry of readdirSync(path.join(ROOT, 'node_modules'))) {
    if (entry !== '@switchboard')
      symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(modules, entry));
  }
  for (const name of ['protocol', 'client']) {
    symlinkSync(path.join(copy, 'packages', name), path.join(modules, '@switchboard', name));
  }
  run(copy, 'git', ['init', '--quiet']);
  run(copy, 'git', ['add', '--all']);
  run(copy, 'git', [
    '-c',
    'user.name=test',
    '-c',
    'user.email=test@example.com',
    'commit',
    '--quiet',
    '-m',
    'copy',
  ]);
  return copy;
}

describe('npm run generate:module', () => {
  let copy: string;
  beforeAll(() => {
    copy = freshCopy();
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('writes a module that builds, lints and passes its own test, touching only its own paths', () => {
    run(copy, 'npm', ['run', '--silent', 'generate:module', '--', 'parcels']);

    const changed = run(copy, 'git', ['status', '--porcelain', '--untracked-files=all'])
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3));
    for (const file of changed) {
      expect(file).toMatch(
        /^(src\/parcels\/|test\/parcels\/|packages\/protocol\/src\/modules\/parcels\.ts$|src\/app\.module\.ts$)/,
      );
    }
    expect(changed).toEqual(
      expect.arrayContaining(['src/app.module.ts', 'packages/protocol/src/modules/parcels.ts']),
    );
    // app.module.ts: the module's import and its one line in the list of domain modules.
    const registration = run(copy, 'git', ['diff', '--numstat', 'src/app.module.ts']).trim();
    expect(registration).toMatch(/^2\s+0\s+src\/app\.module\.ts$/);

    run(copy, 'npm', ['run', '--silent', 'build']);
    run(copy, 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
    run(copy, 'npx', [
      'eslint',
      'src/parcels',
      'test/parcels',
      'packages/protocol/src/modules/parcels.ts',
      'src/app.module.ts',
    ]);
    run(copy, 'npx', [
      'prettier',
      '--check',
      'src/parcels',
      'test/parcels',
      'packages/protocol/src/modules/parcels.ts',
    ]);
    const tested = run(copy, 'npm', ['test', '--', 'test/parcels']);
    expect(tested).toMatch(/Tests:\s+5 passed, 5 total/);
  });

  it('refuses a name that is not a namespace, or one already taken, and writes nothing', () => {
    for (const name of ['Parcels', 'chat', 'core', 'two--dashes']) {
      const result = spawnSync('npm', ['run', '--silent', 'generate:module', '--', name], {
        cwd: copy,
        encoding: 'utf8',
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^generate:module: /);
    }
    const again = spawnSync('npm', ['run', '--silent', 'generate:module', '--', 'parcels'], {
      cwd: copy,
      encoding: 'utf8',
    });
    expect(again.stderr).toContain('exists already: nothing written');
  });
});
