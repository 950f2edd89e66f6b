import { ConfigError, validateEnv } from './validate-env.js';

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

  it('accepts production with a secret', () => {
    expect(validateEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).NODE_ENV).toBe('production');
  });
});
