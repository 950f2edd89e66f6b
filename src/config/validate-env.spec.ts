import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, validateEnv } from './validate-env.js';

/** A valid hooks secret: `whsec_` + base64 of 24 bytes. */
const HOOKS_SECRET = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;
const dir = mkdtempSync(join(tmpdir(), 'sb-env-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const GOOD_NAMESPACES = file('good.json', '{"namespaces":{"orders":{"subscribe":"http://orders/s"}}}');
const BAD_JSON = file('bad.json', '{"namespaces":');
const BAD_NAME = file('bad-name.json', '{"namespaces":{"Orders":{"subscribe":"http://orders/s"}}}');
const BAD_URL = file('bad-url.json', '{"namespaces":{"orders":{"subscribe":"ftp://orders/s"}}}');

describe('validateEnv', () => {
  it('applies the contract defaults', () => {
    expect(validateEnv({})).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      NODE_ENV: 'development',
      REDIS_KEY_PREFIX: 'sb:',
      HISTORY_SIZE: 100,
      HISTORY_TTL_SECONDS: 300,
      STREAM_TTL_SECONDS: 2592000,
      IDEMPOTENCY_TTL_SECONDS: 300,
      POSITION_INTERVAL_SECONDS: 15,
      MAX_PAYLOAD_BYTES: 65536,
      RATE_LIMIT_PER_SECOND: 20,
      RATE_LIMIT_BURST: 40,
      MAX_SUBSCRIPTIONS: 256,
      MAX_CONNECTIONS_PER_USER: 50,
      SHUTDOWN_DRAIN_MS: 5000,
    });
  });

  it('bounds MAX_BUFFERED_BYTES (default 1 MiB)', () => {
    expect(validateEnv({}).MAX_BUFFERED_BYTES).toBe(1048576);
    expect(validateEnv({ MAX_BUFFERED_BYTES: '65536' }).MAX_BUFFERED_BYTES).toBe(65536);
    expect(() => validateEnv({ MAX_BUFFERED_BYTES: '100' })).toThrow(/MAX_BUFFERED_BYTES/);
  });

  it('parses numbers and ignores unrelated variables', () => {
    const env = validateEnv({ PORT: '8080', HISTORY_SIZE: '5', PATH: '/usr/bin' });
    expect(env.PORT).toBe(8080);
    expect(env.HISTORY_SIZE).toBe(5);
    expect(env).not.toHaveProperty('PATH');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ REDIS_URL: 'notaurl' }, 'REDIS_URL'],
    [{ REDIS_CLUSTER_NODES: 'a,b' }, 'REDIS_CLUSTER_NODES'],
    [{ HISTORY_SIZE: '0' }, 'HISTORY_SIZE'],
    [{ RATE_LIMIT_BURST: '1.5' }, 'RATE_LIMIT_BURST'],
    [{ CORS_ORIGINS: 'example.com' }, 'CORS_ORIGINS'],
    [{ NODE_ENV: 'not a name' }, 'NODE_ENV'],
    [{ REDIS_URL: 'http://host:6379' }, 'REDIS_URL'],
    [{ REDIS_KEY_PREFIX: '{sb}:' }, 'REDIS_KEY_PREFIX'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'production', JWT_SECRET: '' }, 'JWT_SECRET'],
    [{ REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'a:1' }, 'REDIS_CLUSTER_NODES'],
    [{ STREAM_TTL_SECONDS: '60', HISTORY_TTL_SECONDS: '300' }, 'STREAM_TTL_SECONDS'],
    [{ IDEMPOTENCY_TTL_SECONDS: '0' }, 'IDEMPOTENCY_TTL_SECONDS'],
    [{ POSITION_INTERVAL_SECONDS: '-1' }, 'POSITION_INTERVAL_SECONDS'],
    [{ CONFORMANCE: 'yes' }, 'CONFORMANCE'],
    [{ CONFORMANCE: '1', NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }, 'CONFORMANCE'],
    // Anything but exactly development or test is production (contract v3 §1).
    [{ NODE_ENV: 'prod' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'Development' }, 'JWT_SECRET'],
    [{ NODE_ENV: 'staging' }, 'JWT_SECRET'],
    [{ CONFORMANCE: '1', NODE_ENV: 'prod', JWT_SECRET: 'x'.repeat(32) }, 'CONFORMANCE'],
    [{ ADMIN_UI_PASSWORD_HASH: 'hunter2' }, 'ADMIN_UI_PASSWORD_HASH'],
    [{ ADMIN_UI_PASSWORD_HASH: `$2b$12$${'a'.repeat(52)}` }, 'ADMIN_UI_PASSWORD_HASH'],
    [{ ADMIN_UI_PASSWORD_HASH: `$2x$12$${'a'.repeat(53)}` }, 'ADMIN_UI_PASSWORD_HASH'],
    [{ ADMIN_UI_USERNAME: 'two words' }, 'ADMIN_UI_USERNAME'],
    [{ WEBHOOK_URL: 'http://hooks.example/in' }, 'HOOKS_SECRET'],
    [{ NAMESPACES_FILE: GOOD_NAMESPACES }, 'HOOKS_SECRET'],
    [{ HOOKS_SECRET: 'hunter2' }, 'HOOKS_SECRET'],
    [{ HOOKS_SECRET: `whsec_${Buffer.alloc(23, 1).toString('base64')}` }, 'HOOKS_SECRET'],
    [{ HOOKS_SECRET: `whsec_${Buffer.alloc(24, 1).toString('base64')}!` }, 'HOOKS_SECRET'],
    [{ HOOKS_SECRET: Buffer.alloc(32, 1).toString('base64') }, 'HOOKS_SECRET'],
    [{ HOOKS_SECRET, WEBHOOK_URL: 'ftp://hooks.example/in' }, 'WEBHOOK_URL'],
    [{ HOOKS_SECRET, WEBHOOK_URL: 'hooks.example' }, 'WEBHOOK_URL'],
    [{ WEBHOOK_EVENTS: 'channel.occupied,channel.deleted' }, 'WEBHOOK_EVENTS'],
    [{ WEBHOOK_EVENTS: 'channel.occupied,' }, 'WEBHOOK_EVENTS'],
    [{ WEBHOOK_TIMEOUT_MS: '0' }, 'WEBHOOK_TIMEOUT_MS'],
    [{ WEBHOOK_TIMEOUT_MS: '5s' }, 'WEBHOOK_TIMEOUT_MS'],
    [{ WEBHOOK_RETRY_SECONDS: '0' }, 'WEBHOOK_RETRY_SECONDS'],
    [{ PROXY_TIMEOUT_MS: '-1' }, 'PROXY_TIMEOUT_MS'],
    [{ HOOKS_SECRET, NAMESPACES_FILE: join(dir, 'missing.json') }, 'NAMESPACES_FILE'],
    [{ HOOKS_SECRET, NAMESPACES_FILE: BAD_JSON }, 'NAMESPACES_FILE'],
    [{ HOOKS_SECRET, NAMESPACES_FILE: BAD_NAME }, 'NAMESPACES_FILE'],
    [{ HOOKS_SECRET, NAMESPACES_FILE: BAD_URL }, 'NAMESPACES_FILE'],
  ])('refuses %p with one line naming %s', (raw, variable) => {
    let error: unknown;
    try {
      validateEnv(raw);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(variable);
    expect(message).not.toContain('\n');
  });

  it('never echoes a secret value back', () => {
    expect(() => validateEnv({ REDIS_URL: 'redis//:pa55word@host' })).toThrow(/^(?!.*pa55word)/);
    // Someone may paste the password itself where the hash belongs.
    expect(() => validateEnv({ ADMIN_UI_PASSWORD_HASH: 'pa55word' })).toThrow(
      /^(?!.*pa55word).*npm run admin-ui:hash/,
    );
  });

  it('leaves the admin UI off by default and takes a bcrypt hash ($2a$, $2b$, $2y$) to turn it on', () => {
    expect(validateEnv({}).ADMIN_UI_PASSWORD_HASH).toBeUndefined();
    expect(validateEnv({}).ADMIN_UI_USERNAME).toBe('admin');
    expect(validateEnv({ ADMIN_UI_PASSWORD_HASH: '' }).ADMIN_UI_PASSWORD_HASH).toBeUndefined();
    for (const prefix of ['$2a$10$', '$2b$12$', '$2y$04$']) {
      const hash = `${prefix}${'./AZaz09'.repeat(6)}abcde`;
      expect(validateEnv({ ADMIN_UI_PASSWORD_HASH: hash, ADMIN_UI_USERNAME: 'ops@example' })).toMatchObject({
        ADMIN_UI_PASSWORD_HASH: hash,
        ADMIN_UI_USERNAME: 'ops@example',
      });
    }
  });

  it('accepts what the contract does not forbid: any environment name, short secrets, full Redis URLs', () => {
    expect(validateEnv({ NODE_ENV: 'staging', JWT_SECRET: 'secret' }).NODE_ENV).toBe('staging');
    expect(validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'secret' }).JWT_SECRET).toBe('secret');
    for (const url of [
      'redis://127.0.0.1:6379/',
      'redis://h:6379/2?family=6',
      'rediss://user:pw@cache.example.com',
    ]) {
      expect(validateEnv({ REDIS_URL: url }).REDIS_URL).toBe(url);
    }
  });

  it('accepts the conformance mode in development and test only (off by default)', () => {
    expect(validateEnv({}).CONFORMANCE).toBe('0');
    expect(validateEnv({ CONFORMANCE: '1' }).CONFORMANCE).toBe('1');
    expect(validateEnv({ CONFORMANCE: '1', NODE_ENV: 'test' }).CONFORMANCE).toBe('1');
  });

  it('leaves hooks off by default, with the contract’s defaults for their settings', () => {
    const env = validateEnv({});
    expect([env.HOOKS_SECRET, env.WEBHOOK_URL, env.NAMESPACES_FILE]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(env).toMatchObject({
      WEBHOOK_EVENTS: 'channel.occupied,channel.vacated,presence.joined,presence.left',
      WEBHOOK_TIMEOUT_MS: 5000,
      WEBHOOK_RETRY_SECONDS: 3600,
      PROXY_TIMEOUT_MS: 3000,
    });
  });

  it('accepts webhooks and a namespaces file with a secret', () => {
    const env = validateEnv({
      HOOKS_SECRET,
      WEBHOOK_URL: 'https://user:pw@hooks.example/in',
      WEBHOOK_EVENTS: 'channel.vacated, presence.left',
      WEBHOOK_TIMEOUT_MS: '250',
      WEBHOOK_RETRY_SECONDS: '2',
      NAMESPACES_FILE: GOOD_NAMESPACES,
      PROXY_TIMEOUT_MS: '100',
    });
    expect(env).toMatchObject({ WEBHOOK_TIMEOUT_MS: 250, WEBHOOK_RETRY_SECONDS: 2, PROXY_TIMEOUT_MS: 100 });
  });

  it('names the problem of a refused namespaces file, and never echoes the hooks secret or webhook URL', () => {
    expect(() => validateEnv({ HOOKS_SECRET, NAMESPACES_FILE: BAD_NAME })).toThrow(
      `Invalid environment variable NAMESPACES_FILE: ${BAD_NAME}: namespace "Orders" is not a valid namespace name`,
    );
    expect(() => validateEnv({ HOOKS_SECRET: 'whsec_s3cr3t' })).toThrow(/^(?!.*s3cr3t)/);
    expect(() => validateEnv({ HOOKS_SECRET, WEBHOOK_URL: 'ftp://user:pa55@hooks' })).toThrow(/^(?!.*pa55)/);
  });

  it('accepts production with a secret', () => {
    expect(validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).NODE_ENV).toBe('production');
  });
});
