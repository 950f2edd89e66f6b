import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jwt from 'jsonwebtoken';

/** `npm run token` (scripts/mint-token.mjs), as a newcomer first calls it. */
const SCRIPT = fileURLToPath(new URL('../../scripts/mint-token.mjs', import.meta.url));
const SECRET = 'mint-token-test-secret-0123456789';

/** Runs the script in an empty directory (no .env), with only the given environment. */
function mint(args: string[], env: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'sb-mint-'));
  try {
    return spawnSync(process.execPath, [SCRIPT, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

describe('npm run token (scripts/mint-token.mjs)', () => {
  it.each([['--help'], ['-h']])(
    '%s prints the usage on stdout and exits 0, even without JWT_SECRET',
    (flag) => {
      const run = mint([flag]);
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^Usage: npm run --silent token -- \[options\]\n/);
      for (const option of ['--sub', '--name', '--roles', '--channels', '--ttl'])
        expect(run.stdout).toContain(option);
      expect(run.stderr).toBe('');
    },
  );

  it('an unknown option: one line saying which, the usage, exit 2, no stack trace', () => {
    const run = mint(['--subject', 'alice'], { JWT_SECRET: SECRET });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toMatch(/^mint-token: Unknown option '--subject'/);
    expect(run.stderr).toContain('Usage: npm run --silent token');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('mints the claims it is asked for, signed with JWT_SECRET', () => {
    const run = mint(['--sub', 'alice', '--roles', '', '--channels', 'chat:team-*', '--ttl', '60'], {
      JWT_SECRET: SECRET,
    });
    expect(run.status).toBe(0);
    const claims = jwt.verify(run.stdout.trim(), SECRET) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: 'alice', roles: [], channels: ['chat:team-*'] });
    expect(claims.exp! - claims.iat!).toBe(60);
  });

  it('without JWT_SECRET: says where it looked and what to do instead, exit 1', () => {
    const run = mint([]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^mint-token: JWT_SECRET is not set \(environment or \.env\)/);
  });
});
