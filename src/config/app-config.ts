import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { WebhookEventType } from '@switchboard/protocol';
import { loadNamespacesFile, type NamespaceSpec } from './namespaces-file.js';
import { type EnvDto, isDevelopmentEnvironment } from './env.dto.js';

export type RedisTopology =
  | { kind: 'none' }
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: { host: string; port: number }[] };

/** Contract §8: where webhooks go and which events they carry. */
export interface WebhookConfig {
  readonly url: string;
  readonly events: ReadonlySet<WebhookEventType>;
  readonly timeoutMs: number;
  readonly retrySeconds: number;
}

export interface HooksConfig {
  /** `HOOKS_SECRET` (`whsec_…`); set whenever a webhook URL or a namespaces file is. */
  readonly secret?: string;
  /** `undefined`: no webhooks are sent (`WEBHOOK_URL` unset). */
  readonly webhook?: WebhookConfig;
  /** The backend-decided namespaces of `NAMESPACES_FILE` (empty when unset). */
  readonly namespaces: readonly NamespaceSpec[];
  readonly proxyTimeoutMs: number;
}

/**
 * The typed view of the validated environment: the only place that knows variable names.
 * Derived values (the development secret, the instance id) are computed once here so every
 * consumer (REST strategy, socket handshake, sample token) sees the same value.
 */
@Injectable()
export class AppConfig {
  readonly port: number;
  readonly host: string;
  /** `NODE_ENV` other than exactly `development` or `test`. */
  readonly production: boolean;
  readonly jwt: { secret: string; generated: boolean; issuer?: string; audience?: string };
  readonly redis: RedisTopology;
  readonly keyPrefix: string;
  readonly instanceId: string;
  /** `undefined` means every origin is accepted. */
  readonly corsOrigins?: readonly string[];
  readonly historySize: number;
  readonly historyTtlSeconds: number;
  readonly streamTtlSeconds: number;
  readonly idempotencyTtlSeconds: number;
  /** In-memory mode: the bytes stored publications and idempotency records may hold together. */
  readonly historyMaxBytes: number;
  /** 0: `channel.position` is off. */
  readonly positionIntervalSeconds: number;
  readonly maxPayloadBytes: number;
  readonly rateLimit: { perSecond: number; burst: number };
  readonly maxSubscriptions: number;
  readonly maxConnectionsPerUser: number;
  /** Engine.IO sessions per client address without a completed Socket.IO handshake. */
  readonly maxPendingSessionsPerAddress: number;
  /** Bytes queued to one connection that it has not taken; beyond it, its transport is closed. */
  readonly maxBufferedBytes: number;
  readonly shutdownDrainMs: number;
  readonly revocationTtlSeconds: number;
  readonly logLevel: EnvDto['LOG_LEVEL'];
  /** `CONFORMANCE=1`: the protocol conformance app runs instead of the gateway (never in production). */
  readonly conformance: boolean;
  /** The Socket.IO admin UI's login; `undefined`: the UI is off (no page, no /admin namespace). */
  readonly adminUi?: { readonly username: string; readonly passwordHash: string };
  readonly hooks: HooksConfig;

  constructor(config: ConfigService<EnvDto, true>) {
    const get = <K extends keyof EnvDto>(key: K): EnvDto[K] => config.get(key, { infer: true });
    this.port = get('PORT');
    this.host = get('HOST');
    // Anything but exactly development or test is production (contract v3 §1).
    this.production = !isDevelopmentEnvironment(get('NODE_ENV'));
    const secret = get('JWT_SECRET');
    this.jwt = {
      secret: secret ?? randomBytes(32).toString('base64url'),
      generated: secret === undefined,
      issuer: get('JWT_ISSUER'),
      audience: get('JWT_AUDIENCE'),
    };
    const url = get('REDIS_URL');
    const nodes = get('REDIS_CLUSTER_NODES');
    this.redis = nodes
      ? {
          kind: 'cluster',
          nodes: nodes.split(',').map((node) => {
            const [host, port] = node.split(':') as [string, string];
            return { host, port: Number(port) };
          }),
        }
      : url
        ? { kind: 'single', url }
        : { kind: 'none' };
    this.keyPrefix = get('REDIS_KEY_PREFIX');
    this.instanceId = get('INSTANCE_ID') ?? `${hostname()}-${process.pid}`;
    this.corsOrigins = get('CORS_ORIGINS')
      ?.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
    this.historySize = get('HISTORY_SIZE');
    this.historyTtlSeconds = get('HISTORY_TTL_SECONDS');
    this.streamTtlSeconds = get('STREAM_TTL_SECONDS');
    this.idempotencyTtlSeconds = get('IDEMPOTENCY_TTL_SECONDS');
    this.historyMaxBytes = get('HISTORY_MAX_BYTES');
    this.positionIntervalSeconds = get('POSITION_INTERVAL_SECONDS');
    this.maxPayloadBytes = get('MAX_PAYLOAD_BYTES');
    this.rateLimit = { perSecond: get('RATE_LIMIT_PER_SECOND'), burst: get('RATE_LIMIT_BURST') };
    this.maxSubscriptions = get('MAX_SUBSCRIPTIONS');
    this.maxConnectionsPerUser = get('MAX_CONNECTIONS_PER_USER');
    this.maxPendingSessionsPerAddress = get('MAX_PENDING_SESSIONS_PER_ADDRESS');
    this.maxBufferedBytes = get('MAX_BUFFERED_BYTES');
    this.shutdownDrainMs = get('SHUTDOWN_DRAIN_MS');
    this.revocationTtlSeconds = get('REVOCATION_TTL_SECONDS');
    this.logLevel = get('LOG_LEVEL');
    this.conformance = get('CONFORMANCE') === '1';
    const passwordHash = get('ADMIN_UI_PASSWORD_HASH');
    this.adminUi = passwordHash ? { username: get('ADMIN_UI_USERNAME'), passwordHash } : undefined;
    const webhookUrl = get('WEBHOOK_URL');
    const namespacesFile = get('NAMESPACES_FILE');
    this.hooks = {
      secret: get('HOOKS_SECRET'),
      webhook: webhookUrl
        ? {
            url: webhookUrl,
            events: new Set(
              get('WEBHOOK_EVENTS')
                .split(',')
                .map((name) => name.trim() as WebhookEventType),
            ),
            timeoutMs: get('WEBHOOK_TIMEOUT_MS'),
            retrySeconds: get('WEBHOOK_RETRY_SECONDS'),
          }
        : undefined,
      // Validated by validateEnv before this runs: reading it again cannot fail but for a file
      // changed in between, which then stops start-up as loudly.
      namespaces: namespacesFile ? loadNamespacesFile(namespacesFile) : [],
      proxyTimeoutMs: get('PROXY_TIMEOUT_MS'),
    };
  }
}
