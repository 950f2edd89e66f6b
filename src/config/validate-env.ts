import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { loadNamespacesFile, NamespacesFileError } from './namespaces-file.js';
import { EnvDto, isDevelopmentEnvironment } from './env.dto.js';

/** Thrown for a bad environment; its message is one line that names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The contract's variables (§1) plus LOG_LEVEL and the admin UI's; nothing else in the environment is read. */
export const ENV_KEYS = [
  'PORT',
  'HOST',
  'NODE_ENV',
  'JWT_SECRET',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'REDIS_KEY_PREFIX',
  'INSTANCE_ID',
  'CORS_ORIGINS',
  'HISTORY_SIZE',
  'HISTORY_TTL_SECONDS',
  'STREAM_TTL_SECONDS',
  'IDEMPOTENCY_TTL_SECONDS',
  'HISTORY_MAX_BYTES',
  'POSITION_INTERVAL_SECONDS',
  'MAX_PAYLOAD_BYTES',
  'RATE_LIMIT_PER_SECOND',
  'RATE_LIMIT_BURST',
  'MAX_SUBSCRIPTIONS',
  'MAX_CONNECTIONS_PER_USER',
  'MAX_PENDING_SESSIONS_PER_ADDRESS',
  'MAX_BUFFERED_BYTES',
  'SHUTDOWN_DRAIN_MS',
  'REVOCATION_TTL_SECONDS',
  'CONFORMANCE',
  'ADMIN_UI_PASSWORD_HASH',
  'ADMIN_UI_USERNAME',
  'LOG_LEVEL',
  'HOOKS_SECRET',
  'WEBHOOK_URL',
  'WEBHOOK_EVENTS',
  'WEBHOOK_TIMEOUT_MS',
  'WEBHOOK_RETRY_SECONDS',
  'NAMESPACES_FILE',
  'PROXY_TIMEOUT_MS',
] as const satisfies readonly (keyof EnvDto)[];

/** The constraint that explains a failure best: the type or presence check, before range checks. */
const PRIORITY = ['isString', 'isInt', 'isIn', 'matches', 'satisfies'];
/** Never echoed back: a start-up error line ends up in logs. */
const SECRETS = new Set([
  'JWT_SECRET',
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'ADMIN_UI_PASSWORD_HASH',
  'HOOKS_SECRET',
  // May carry credentials (`https://user:password@host/`).
  'WEBHOOK_URL',
]);

function describe(error: ValidationError): string {
  const constraints = error.constraints ?? {};
  const key = PRIORITY.find((name) => name in constraints) ?? Object.keys(constraints)[0];
  const reasons = key === undefined ? [] : [constraints[key]];
  const secret = SECRETS.has(error.property);
  const shown = error.value === undefined || secret ? '' : ` (got ${JSON.stringify(String(error.value))})`;
  return `Invalid environment variable ${error.property}${shown}: ${reasons[0] ?? 'invalid value'}`;
}

/**
 * Validates `process.env` (or any record) against {@link EnvDto}. Only the contract's
 * variables are read; everything else in the environment is ignored.
 */
export function validateEnv(raw: Record<string, unknown>): EnvDto {
  const picked: Record<string, unknown> = {};
  for (const key of ENV_KEYS) {
    if (raw[key] !== undefined) picked[key] = raw[key];
  }
  const env = plainToInstance(EnvDto, picked, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigError(describe(errors[0]));
  if (env.REDIS_URL && env.REDIS_CLUSTER_NODES) {
    throw new ConfigError(
      'Invalid environment variable REDIS_CLUSTER_NODES: set either REDIS_URL or REDIS_CLUSTER_NODES, not both',
    );
  }
  if (env.CONFORMANCE === '1' && !isDevelopmentEnvironment(env.NODE_ENV)) {
    // Authentication is off in that mode: it must never be what a deployment runs.
    throw new ConfigError(
      'Invalid environment variable CONFORMANCE: the protocol conformance mode (authentication off) is refused unless NODE_ENV is development or test',
    );
  }
  if (env.STREAM_TTL_SECONDS < env.HISTORY_TTL_SECONDS) {
    // A stream shorter-lived than its history would start a new epoch over stored publications.
    throw new ConfigError(
      `Invalid environment variable STREAM_TTL_SECONDS (got "${env.STREAM_TTL_SECONDS}"): must be at least HISTORY_TTL_SECONDS (${env.HISTORY_TTL_SECONDS})`,
    );
  }
  if (env.NAMESPACES_FILE !== undefined) {
    // Read at start-up, so a broken file stops it naming the problem rather than failing later.
    try {
      loadNamespacesFile(env.NAMESPACES_FILE);
    } catch (error) {
      if (!(error instanceof NamespacesFileError)) throw error;
      throw new ConfigError(`Invalid environment variable NAMESPACES_FILE: ${error.message}`);
    }
  }
  return env;
}
