import { ENV_KEYS, validateEnv } from '../../src/config/validate-env.js';
import { composeSpecValidator, describeErrors } from './support/compose-schema.js';
import {
  asArray,
  asObject,
  readRepoFile,
  readYaml,
  repoFileExists,
  type Json,
} from './support/repo-files.js';

/**
 * docker-compose.yml without Docker (no engine runs on these machines): the file must satisfy
 * the Compose Specification schema, and its services, ports, health checks and environment
 * must agree with the gateway's configuration contract, .env.example, the HAProxy config and
 * docs/deploying.md.
 */
const compose = asObject(readYaml('docker-compose.yml'), 'docker-compose.yml');
const services = asObject(compose.services, 'services');
const GATEWAYS = ['gateway-1', 'gateway-2', 'gateway-3'];
const service = (name: string): Json => asObject(services[name], `services.${name}`);
const environment = (name: string): Record<string, string> => {
  const env = asObject(service(name).environment, `services.${name}.environment`);
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value)]));
};
/** Compose's `${VAR:?message}` / `${VAR:-default}` as `docker compose` would resolve them. */
const interpolate = (value: string, shell: Record<string, string>): string =>
  value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => {
    const set = shell[name];
    if (set !== undefined && set !== '') return set;
    if (kind === '?') throw new Error(`${name}: ${rest ?? 'required'}`);
    return kind === '-' ? (rest ?? '') : '';
  });
const seconds = (duration: unknown): number => {
  const match = /^(\d+)(ms|s|m)$/.exec(String(duration));
  if (!match) throw new Error(`unsupported duration ${String(duration)}`);
  return Number(match[1]) * { ms: 0.001, s: 1, m: 60 }[match[2] as 'ms' | 's' | 'm'];
};

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const validate = composeSpecValidator();
    expect(describeErrors(validate(compose) ? [] : validate.errors)).toBe('');
    // The validator is not vacuous: a misspelt key and a wrongly typed value are refused.
    const broken = structuredClone(compose) as { services: Record<string, Json> };
    broken.services['gateway-1'].helthcheck = { test: ['CMD', 'true'] };
    broken.services.redis.ports = 6379;
    expect(validate(broken)).toBe(false);
  });

  it('runs Redis, three gateway replicas and HAProxy', () => {
    expect(Object.keys(services).sort()).toEqual([...GATEWAYS, 'haproxy', 'redis'].sort());
    expect(service('redis').image).toMatch(/^redis:7(-alpine)?$/);
    expect(asObject(service('redis').healthcheck, 'redis.healthcheck').test).toEqual([
      'CMD',
      'redis-cli',
      'ping',
    ]);
    expect(service('haproxy').image).toMatch(/^haproxy:2\.\d+$/);
  });

  it.each(GATEWAYS)('%s is built from the Dockerfile and configured only with contract variables', (name) => {
    const gateway = service(name);
    expect(gateway.build).toBe('.');
    expect(repoFileExists('Dockerfile')).toBe(true);
    const env = environment(name);
    const contract: readonly string[] = ENV_KEYS;
    expect(Object.keys(env).filter((key) => !contract.includes(key))).toEqual([]);
    const example = readRepoFile('.env.example');
    for (const key of Object.keys(env)) expect(example).toMatch(new RegExp(`^#? ?${key}=`, 'm'));

    expect(env).toMatchObject({ NODE_ENV: 'production', INSTANCE_ID: name, REDIS_URL: 'redis://redis:6379' });
    expect(env.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?[^}]+\}$/);
    expect(() => interpolate(env.JWT_SECRET, {})).toThrow(/JWT_SECRET/);
    // What the container would see is a configuration the gateway accepts.
    const resolved = Object.fromEntries(
      Object.entries(env).map(([key, value]) => [key, interpolate(value, { JWT_SECRET: 'x'.repeat(32) })]),
    );
    expect(() => validateEnv(resolved)).not.toThrow();
    expect(new URL(env.REDIS_URL).hostname).toBe('redis');

    expect(asObject(gateway.depends_on, 'depends_on').redis).toEqual({ condition: 'service_healthy' });
    expect(asArray(gateway.expose, 'expose').map(String)).toEqual([env.PORT]);
    expect(gateway.stop_signal).toBe('SIGTERM');
    expect(seconds(gateway.stop_grace_period)).toBeGreaterThan(Number(env.SHUTDOWN_DRAIN_MS) / 1000 + 5);
  });

  it('checks gateway health on /health/ready, the same way the image does', () => {
    const dockerfile = readRepoFile('Dockerfile');
    for (const name of GATEWAYS) {
      const test = asArray(asObject(service(name).healthcheck, 'healthcheck').test, 'test').map(String);
      expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
      expect(test[3]).toContain('/health/ready');
      expect(dockerfile).toContain(JSON.stringify(test[3]));
    }
  });

  it('gives HAProxy the config file whose defaults name these services and ports', () => {
    const haproxy = service('haproxy');
    const mount = asArray(haproxy.volumes, 'volumes').map(String);
    expect(mount).toEqual(['./deploy/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro']);
    const cfg = readRepoFile('deploy', 'haproxy', 'haproxy.cfg');
    for (const [index, name] of GATEWAYS.entries()) {
      const port = environment(name).PORT;
      expect(cfg).toContain(
        `server ${name} "\${SB_GATEWAY_${index + 1}-${name}:${port}}" check cookie s${index + 1}`,
      );
      expect(asObject(haproxy.depends_on, 'depends_on')[name]).toBeDefined();
    }
    const published = asArray(haproxy.ports, 'ports').map(String);
    expect(cfg).toContain('bind "${SB_LISTEN-:8080}"');
    expect(cfg).toContain('bind "${SB_STATS_LISTEN-:8404}"');
    expect(published).toEqual(['8080:8080', '127.0.0.1:8404:8404']);
  });

  it('is the setup docs/deploying.md describes', () => {
    const docs = readRepoFile('docs', 'deploying.md');
    expect(docs).toContain('docker compose up');
    expect(docs).toContain('http://localhost:8080');
    expect(docs).toContain('JWT_SECRET');
    for (const name of Object.keys(services)) expect(docs).toContain(name);
  });
});
