import { randomBytes } from 'node:crypto';
import {
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { RedisClient } from '../core/stores/redis/lua-script.js';
import { RedisKeys } from '../core/stores/redis/redis-keys.js';
import { BackendNamespaces } from './backend-namespaces.js';
import { HookHttpClient } from './hook-http.client.js';
import { HookSigner } from './hook-signer.js';
import { createHooksRedisClient } from './hooks-redis.client.js';
import { MemoryWebhookOutboxStore } from './memory-webhook-outbox.store.js';
import { RedisWebhookOutboxStore } from './redis-webhook-outbox.store.js';
import type { WebhookOutboxObserver } from './webhook-deliverer.js';
import { DISABLED_WEBHOOKS, OUTBOX_DEFAULTS, WebhookOutbox, type WebhookSink } from './webhook-outbox.js';
import type { WebhookOutboxStore } from './webhook-outbox.store.js';

/** Injection token of the {@link WebhookSink} the core feeds (a no-op when `WEBHOOK_URL` is unset). */
export const WEBHOOK_SINK = Symbol('WEBHOOK_SINK');

/** Queued events kept at most (about 200 bytes each): a receiver down for long bounds memory. */
const OUTBOX_CAPACITY = 100_000;
/** A backend answer is read whole; a command's data is bounded like any payload. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** What the hooks module opened, closed in one place. */
interface HooksResources {
  readonly http?: HookHttpClient;
  readonly redis?: RedisClient;
  readonly outbox?: WebhookOutbox;
}
const HOOKS_RESOURCES = Symbol('HOOKS_RESOURCES');

function metricsObserver(metrics: GatewayMetrics): WebhookOutboxObserver {
  return {
    requested: (result) => metrics.webhookRequests.labels(result).inc(),
    acknowledged: (lags) => {
      for (const lag of lags) metrics.webhookDeliveryLag.observe(lag);
    },
    dropped: (count, reason) => metrics.webhookEventsDropped.labels(reason).inc(count),
  };
}

function createResources(config: AppConfig, metrics: GatewayMetrics): HooksResources {
  const { secret, webhook } = config.hooks;
  // Validated at start-up: a secret exists whenever a webhook URL or a namespaces file does.
  if (secret === undefined) return {};
  const http = new HookHttpClient(new HookSigner(secret), { maxResponseBytes: MAX_ANSWER_BYTES });
  if (webhook === undefined) return { http };
  let store: WebhookOutboxStore;
  let redis: RedisClient | undefined;
  if (config.redis.kind === 'none') {
    store = new MemoryWebhookOutboxStore({
      capacity: OUTBOX_CAPACITY,
      seqTtlMs: config.streamTtlSeconds * 1000,
    });
  } else {
    redis = createHooksRedisClient(config.redis);
    store = new RedisWebhookOutboxStore(redis, new RedisKeys(config.keyPrefix), {
      ownerId: `${config.instanceId}:${randomBytes(4).toString('hex')}`,
      capacity: OUTBOX_CAPACITY,
      seqTtlSeconds: config.streamTtlSeconds,
      leaseMs: webhook.timeoutMs + 10_000,
    });
  }
  const outbox = new WebhookOutbox(
    store,
    http,
    {
      ...OUTBOX_DEFAULTS,
      url: webhook.url,
      events: webhook.events,
      timeoutMs: webhook.timeoutMs,
      retrySeconds: webhook.retrySeconds,
    },
    metricsObserver(metrics),
  );
  metrics.reportWebhookQueue(() => outbox.depth());
  return { http, redis, outbox };
}

/** Starts the deliverer once the app is up; stops it, and closes connections, at shutdown. */
@Injectable()
export class HooksLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(HOOKS_RESOURCES) private readonly resources: HooksResources) {}

  onApplicationBootstrap(): void {
    this.resources.outbox?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.resources.outbox?.stop();
    this.resources.http?.close();
    this.resources.redis?.disconnect();
  }
}

const providers: Provider[] = [
  { provide: HOOKS_RESOURCES, useFactory: createResources, inject: [AppConfig, GatewayMetrics] },
  {
    provide: WEBHOOK_SINK,
    useFactory: (resources: HooksResources): WebhookSink => resources.outbox ?? DISABLED_WEBHOOKS,
    inject: [HOOKS_RESOURCES],
  },
  {
    provide: BackendNamespaces,
    useFactory: (config: AppConfig, resources: HooksResources, metrics: GatewayMetrics) =>
      new BackendNamespaces(config.hooks, resources.http, {
        called: (kind, result, seconds) => {
          metrics.proxyCalls.labels(kind, result).inc();
          metrics.proxyCallDuration.labels(kind).observe(seconds);
        },
      }),
    inject: [AppConfig, HOOKS_RESOURCES, GatewayMetrics],
  },
  HooksLifecycle,
];

/**
 * Contract §8: webhooks out (the {@link WEBHOOK_SINK} the occupancy and presence stores feed)
 * and backend-decided namespaces in ({@link BackendNamespaces}). Uses the global AppConfig and
 * GatewayMetrics; imports nothing of the channel core but its Redis key and script helpers.
 */
@Module({ providers, exports: [WEBHOOK_SINK, BackendNamespaces] })
export class HooksModule {}
