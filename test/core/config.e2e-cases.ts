import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildGateway } from '../support/child-gateway.js';
import { TEST_SECRET } from '../support/gateway.js';

const HOOKS_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const filesDir = mkdtempSync(join(tmpdir(), 'sb-config-'));
/** A namespaces file with `content`, for the start-up cases below. */
function namespacesFile(name: string, content: string): string {
  const path = join(filesDir, name);
  writeFileSync(path, content);
  return path;
}

/** Starts `node dist/main.js` with `env`; resolves with its exit code and stderr lines. */
async function startWith(env: Record<string, string>): Promise<{ code: number | string; lines: string[] }> {
  const child = startChildGateway({ PORT: '0', HOST: '127.0.0.1', ...env });
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 30_000);
  const code = await child.exited;
  clearTimeout(timer);
  return {
    code,
    lines: child
      .stderr()
      .split('\n')
      .filter((line) => line.trim() !== ''),
  };
}

describe('start-up configuration (node dist/main.js)', () => {
  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['REDIS_URL', { REDIS_URL: 'notaurl' }],
    ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: 'host-without-port' }],
    ['HISTORY_SIZE', { HISTORY_SIZE: '0' }],
    ['HISTORY_TTL_SECONDS', { HISTORY_TTL_SECONDS: 'soon' }],
    ['MAX_PAYLOAD_BYTES', { MAX_PAYLOAD_BYTES: '-5' }],
    ['RATE_LIMIT_BURST', { RATE_LIMIT_BURST: '1.5' }],
    ['MAX_CONNECTIONS_PER_USER', { MAX_CONNECTIONS_PER_USER: '0' }],
    ['CORS_ORIGINS', { CORS_ORIGINS: 'not an origin' }],
    ['NODE_ENV', { NODE_ENV: 'not a name' }],
    ['JWT_SECRET', { NODE_ENV: 'production', JWT_SECRET: '' }],
    ['CONFORMANCE', { CONFORMANCE: 'true' }],
    // The protocol conformance mode turns authentication off: never in production.
    ['CONFORMANCE', { NODE_ENV: 'production', CONFORMANCE: '1' }],
    ['ADMIN_UI_PASSWORD_HASH', { ADMIN_UI_PASSWORD_HASH: 'not-a-bcrypt-hash' }],
    ['HOOKS_SECRET', { WEBHOOK_URL: 'http://127.0.0.1:9/hooks' }],
    ['HOOKS_SECRET', { HOOKS_SECRET: 'whsec_short' }],
    ['WEBHOOK_URL', { HOOKS_SECRET, WEBHOOK_URL: 'ftp://hooks.example/in' }],
    ['WEBHOOK_EVENTS', { WEBHOOK_EVENTS: 'channel.created' }],
    ['WEBHOOK_TIMEOUT_MS', { WEBHOOK_TIMEOUT_MS: '0' }],
    ['WEBHOOK_RETRY_SECONDS', { WEBHOOK_RETRY_SECONDS: 'an hour' }],
    ['PROXY_TIMEOUT_MS', { PROXY_TIMEOUT_MS: '1.5' }],
    ['NAMESPACES_FILE', { HOOKS_SECRET, NAMESPACES_FILE: join(filesDir, 'missing.json') }],
    ['NAMESPACES_FILE', { HOOKS_SECRET, NAMESPACES_FILE: namespacesFile('broken.json', '{"namespaces": {') }],
    [
      'NAMESPACES_FILE',
      {
        HOOKS_SECRET,
        NAMESPACES_FILE: namespacesFile('name.json', '{"namespaces":{"Or ders":{"subscribe":"http://a/s"}}}'),
      },
    ],
    [
      'NAMESPACES_FILE',
      {
        HOOKS_SECRET,
        NAMESPACES_FILE: namespacesFile('url.json', '{"namespaces":{"orders":{"subscribe":"file:///s"}}}'),
      },
    ],
    [
      'NAMESPACES_FILE',
      {
        HOOKS_SECRET,
        NAMESPACES_FILE: namespacesFile('taken.json', '{"namespaces":{"chat":{"subscribe":"http://a/s"}}}'),
      },
    ],
  ])(
    'refuses a bad %s with exit code 1 and one stderr line naming it (%j)',
    async (variable, env) => {
      const { code, lines } = await startWith({ JWT_SECRET: TEST_SECRET, ...env });
      expect(code).toBe(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(variable);
    },
    40_000,
  );

  it('refuses NODE_ENV=production without JWT_SECRET even when the rest is valid', async () => {
    const { code, lines } = await startWith({ NODE_ENV: 'production', HISTORY_SIZE: '10' });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('JWT_SECRET');
  }, 40_000);

  it('never echoes a refused value that may carry a secret', async () => {
    const { code, lines } = await startWith({ REDIS_URL: 'http://user:s3cr3t@cache:6379' });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('REDIS_URL');
    expect(lines[0]).not.toContain('s3cr3t');
  }, 40_000);

  it('names the problem in a namespaces file: the file and the namespace', async () => {
    const path = namespacesFile(
      'problem.json',
      '{"namespaces":{"orders":{"subscribe":"gopher://orders/s"}}}',
    );
    const { code, lines } = await startWith({ JWT_SECRET: TEST_SECRET, HOOKS_SECRET, NAMESPACES_FILE: path });
    expect(code).toBe(1);
    expect(lines).toEqual([
      `switchboard: Invalid environment variable NAMESPACES_FILE: ${path}: namespace "orders": subscribe must be an http:// or https:// URL (got "gopher://orders/s")`,
    ]);
  }, 40_000);

  it('names a namespace of the file that a module owns', async () => {
    const path = namespacesFile('owned.json', '{"namespaces":{"public":{"subscribe":"http://a/s"}}}');
    const { code, lines } = await startWith({ JWT_SECRET: TEST_SECRET, HOOKS_SECRET, NAMESPACES_FILE: path });
    expect(code).toBe(1);
    expect(lines).toEqual([
      'switchboard: start-up failed: NAMESPACES_FILE: namespace "public" is already taken by a module',
    ]);
  }, 40_000);

  it('never echoes a refused hooks secret', async () => {
    const { code, lines } = await startWith({ JWT_SECRET: TEST_SECRET, HOOKS_SECRET: 'whsec_t0ps3cr3t' });
    expect(code).toBe(1);
    expect(lines).toEqual([expect.stringContaining('HOOKS_SECRET must be whsec_')]);
    expect(lines[0]).not.toContain('t0ps3cr3t');
  }, 40_000);

  it('refuses a plain password where the admin UI wants its bcrypt hash, without echoing it', async () => {
    const { code, lines } = await startWith({
      JWT_SECRET: TEST_SECRET,
      ADMIN_UI_PASSWORD_HASH: 'correct horse',
    });
    expect(code).toBe(1);
    expect(lines).toEqual([expect.stringContaining('ADMIN_UI_PASSWORD_HASH must be a bcrypt hash')]);
    expect(lines[0]).not.toContain('correct horse');
  }, 40_000);
});
