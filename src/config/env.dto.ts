import { applyDecorators } from '@nestjs/common';
import { WEBHOOK_EVENT_TYPES } from '@switchboard/protocol';
import { Transform } from 'class-transformer';
import { isHttpUrl } from './namespaces-file.js';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  registerDecorator,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
/** An integer variable: its string converted, then checked to lie in `[min, max]`. */
function IntInRange(min: number, max: number): PropertyDecorator {
  return applyDecorators(Transform(toInt), IsInt(), Min(min), Max(max));
}
const blankToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** `host:port` pairs separated by commas, e.g. `10.0.0.1:7000,10.0.0.2:7000`. */
const CLUSTER_NODES = /^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/;
/** A `redis://` or `rediss://` URL with a host, as ioredis accepts it (path = db, query options). */
function IsRedisUrl(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isRedisUrl',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            const url = new URL(value);
            return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
          } catch {
            return false;
          }
        },
        defaultMessage: () => 'REDIS_URL must be a redis:// or rediss:// URL with a host',
      },
    });
}
/** A bcrypt hash as bcrypt libraries write it: `$2a$`, `$2b$` or `$2y$`, cost 04-31, 53 characters of salt and hash. */
const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;
/** Origins are `scheme://host[:port]`, comma separated. */
const ORIGINS = /^https?:\/\/[^\s,/]+(,\s*https?:\/\/[^\s,/]+)*$/;

/** A custom check of one variable, with the one-line message that names it. */
function Satisfies(check: (value: unknown) => boolean, message: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'satisfies',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: { validate: check, defaultMessage: () => message },
    });
}

/** `whsec_` + standard base64 (padded) of at least 24 bytes, as Standard Webhooks secrets are. */
const isHooksSecret = (value: unknown): boolean => {
  if (typeof value !== 'string' || !value.startsWith('whsec_')) return false;
  const encoded = value.slice('whsec_'.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return false;
  return Buffer.from(encoded, 'base64').length >= 24;
};

const WEBHOOK_EVENT_NAMES: readonly string[] = WEBHOOK_EVENT_TYPES;
const isWebhookEventList = (value: unknown): boolean =>
  typeof value === 'string' && value.split(',').every((name) => WEBHOOK_EVENT_NAMES.includes(name.trim()));

/**
 * The `NODE_ENV` values where development-only things exist (the sample token,
 * `POST /api/v1/dev/token`, the conformance mode). Exactly these: any other value, `prod` or
 * `staging` included, behaves as `production` (contract v3 §1), so a typo never opens them.
 */
export const DEVELOPMENT_ENVIRONMENTS: ReadonlySet<string> = new Set(['development', 'test']);
export const isDevelopmentEnvironment = (nodeEnv: string): boolean => DEVELOPMENT_ENVIRONMENTS.has(nodeEnv);

const SECRET_REQUIRED = 'JWT_SECRET is required unless NODE_ENV is development or test';

/**
 * Every environment variable of the contract (§1), validated before Nest starts.
 * Property names are the variable names so a failure message names the variable.
 */
export class EnvDto {
  @IntInRange(0, 65535)
  PORT = 3000;

  @Transform(blankToUndefined)
  @IsString()
  @MinLength(1)
  HOST = '0.0.0.0';

  /** Any short name; only `development` and `test` are not production (see {@link DEVELOPMENT_ENVIRONMENTS}). */
  @Transform(blankToUndefined)
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{1,32}$/, {
    message: 'NODE_ENV must be a short name such as development or production',
  })
  NODE_ENV = 'development';

  @Transform(blankToUndefined)
  @ValidateIf((env: EnvDto) => !isDevelopmentEnvironment(env.NODE_ENV) || env.JWT_SECRET !== undefined)
  @IsString({ message: SECRET_REQUIRED })
  @MinLength(1, { message: SECRET_REQUIRED })
  JWT_SECRET?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsRedisUrl()
  REDIS_URL?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(CLUSTER_NODES, { message: 'REDIS_CLUSTER_NODES must be comma-separated host:port pairs' })
  REDIS_CLUSTER_NODES?: string;

  @IsString()
  // No braces: every key of a channel carries its own hash tag, and a `{` in the prefix would
  // become the tag instead, scattering a channel's keys over cluster slots.
  @Matches(/^[A-Za-z0-9:_.-]{1,64}$/, {
    message: 'REDIS_KEY_PREFIX must be 1-64 characters of A-Z a-z 0-9 : _ . -',
  })
  REDIS_KEY_PREFIX = 'sb:';

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(128)
  INSTANCE_ID?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(ORIGINS, { message: 'CORS_ORIGINS must be comma-separated http(s)://host[:port] origins' })
  CORS_ORIGINS?: string;

  @IntInRange(1, 100_000)
  HISTORY_SIZE = 100;

  @IntInRange(1, 30 * 24 * 3600)
  HISTORY_TTL_SECONDS = 300;

  /** A channel's epoch and top offset outlive its history (contract v2); at least the history TTL. */
  @IntInRange(1, 365 * 24 * 3600)
  STREAM_TTL_SECONDS = 30 * 24 * 3600;

  @IntInRange(1, 30 * 24 * 3600)
  IDEMPOTENCY_TTL_SECONDS = 300;

  /**
   * In-memory mode: what stored publications and idempotency records may hold together
   * (contract v3 §1); the oldest publications of all channels are dropped first. 1 MiB to 1 TiB.
   */
  @IntInRange(1024 * 1024, 1024 ** 4)
  HISTORY_MAX_BYTES = 128 * 1024 * 1024;

  /** `0` turns `channel.position` off. */
  @IntInRange(0, 24 * 3600)
  POSITION_INTERVAL_SECONDS = 15;

  @IntInRange(1024, 16 * 1024 * 1024)
  MAX_PAYLOAD_BYTES = 65536;

  @IntInRange(1, 100_000)
  RATE_LIMIT_PER_SECOND = 20;

  @IntInRange(1, 1_000_000)
  RATE_LIMIT_BURST = 40;

  @IntInRange(1, 100_000)
  MAX_SUBSCRIPTIONS = 256;

  @IntInRange(1, 1_000_000)
  MAX_CONNECTIONS_PER_USER = 50;

  /**
   * Engine.IO sessions one client address may hold open before their Socket.IO handshake
   * completed; the excess is refused with 503 (see `PendingSessions` and .env.example).
   */
  @IntInRange(1, 1_000_000)
  MAX_PENDING_SESSIONS_PER_ADDRESS = 100;

  @IntInRange(1024, 1024 * 1024 * 1024)
  MAX_BUFFERED_BYTES = 1048576;

  @IntInRange(0, 10 * 60 * 1000)
  SHUTDOWN_DRAIN_MS = 5000;

  /** How long a control-API revocation is enforced (one day; at least the longest token lifetime). */
  @IntInRange(1, 365 * 24 * 3600)
  REVOCATION_TTL_SECONDS = 86400;

  /**
   * `1`: the Socket.IO protocol conformance configuration (authentication off, the official
   * test suite's namespaces and timings); refused by `validateEnv` unless NODE_ENV is
   * development or test.
   */
  @IsIn(['0', '1'], { message: 'CONFORMANCE must be 0 or 1' })
  CONFORMANCE: '0' | '1' = '0';
  /** Turns the Socket.IO admin UI on (served at /admin/, namespace /admin); unset: off. */
  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(BCRYPT_HASH, {
    message:
      'ADMIN_UI_PASSWORD_HASH must be a bcrypt hash ($2b$12$ followed by 53 characters); make one with npm run admin-ui:hash',
  })
  ADMIN_UI_PASSWORD_HASH?: string;

  @Transform(blankToUndefined)
  @IsString()
  @Matches(/^[A-Za-z0-9_.@-]{1,64}$/, {
    message: 'ADMIN_UI_USERNAME must be 1-64 characters of A-Z a-z 0-9 _ . @ -',
  })
  ADMIN_UI_USERNAME = 'admin';

  // --- hooks (contract §8): webhooks out, backend-decided namespaces in ---
  /** Signs every request to a backend; required as soon as either kind of hook is configured. */
  @Transform(blankToUndefined)
  @ValidateIf(
    (env: EnvDto) =>
      env.HOOKS_SECRET !== undefined || env.WEBHOOK_URL !== undefined || env.NAMESPACES_FILE !== undefined,
  )
  @IsString({ message: 'HOOKS_SECRET is required when WEBHOOK_URL or NAMESPACES_FILE is set' })
  @Satisfies(
    isHooksSecret,
    'HOOKS_SECRET must be whsec_ followed by the base64 of at least 24 random bytes (e.g. echo whsec_$(openssl rand -base64 32))',
  )
  HOOKS_SECRET?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @Satisfies(isHttpUrl, 'WEBHOOK_URL must be an http:// or https:// URL')
  WEBHOOK_URL?: string;

  @Transform(blankToUndefined)
  @IsString()
  @Satisfies(isWebhookEventList, `WEBHOOK_EVENTS must be a comma list of ${WEBHOOK_EVENT_NAMES.join(', ')}`)
  WEBHOOK_EVENTS = WEBHOOK_EVENT_NAMES.join(',');

  @IntInRange(100, 10 * 60 * 1000)
  WEBHOOK_TIMEOUT_MS = 5000;

  @IntInRange(1, 7 * 24 * 3600)
  WEBHOOK_RETRY_SECONDS = 3600;

  /** A JSON file of backend-decided namespaces; its content is checked by `validateEnv`. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  NAMESPACES_FILE?: string;

  @IntInRange(10, 10 * 60 * 1000)
  PROXY_TIMEOUT_MS = 3000;
  // --- end of hooks ---

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';
}
