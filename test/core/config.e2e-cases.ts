import { startChildGateway } from '../support/child-gateway.js';
import { TEST_SECRET } from '../support/gateway.js';

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
