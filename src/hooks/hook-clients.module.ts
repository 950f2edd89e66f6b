import {
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import {
  CHANNEL_CHANGE_SINK,
  type ChannelChangeSink,
} from '../core/stores/channel-changes/channel-change-sink.js';
import { INSTANCE_MEMBER_ID } from '../core/stores/instance-member.js';
import type { RedisClient } from '../core/stores/redis/lua-script.js';
import { StoresModule } from '../core/stores/stores.module.js';
import { RedisKeys } from '../core/stores/redis/redis-keys.js';
import { BackendNamespaces } from './backend-namespaces.js';
import { HookHttpClient } from './hook-http.client.js';
import { HookSigner } from './hook-signer.js';
import { createHooksRedisClient } from './hooks-redis.client.js';
import { MemoryWebhookOutboxStore } from './memory-webhook-outbox.store.js';
import { RedisWebhookOutboxStore } from './redis-webhook-outbox.store.js';
import type { WebhookOutboxObserver } from './webhook-deliverer.js';
import { DISABLED_WEBHOOKS, OUTBOX_DEFAULTS, WebhookOutbox } from './webhook-outbox.js';
import type { WebhookOutboxStore } from './webhook-outbox.store.js';

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

function createResources(config: AppConfig, metrics: GatewayMetrics, memberId: string): HooksResources {
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
      // The liveness member id: when this instance dies, the sweep frees its lease at once.
      ownerId: memberId,
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
  {
    provide: HOOKS_RESOURCES,
    useFactory: createResources,
    inject: [AppConfig, GatewayMetrics, INSTANCE_MEMBER_ID],
  },
  {
    provide: CHANNEL_CHANGE_SINK,
    useFactory: (resources: HooksResources): ChannelChangeSink => resources.outbox ?? DISABLED_WEBHOOKS,
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
 * Contract §8's clients: the webhook outbox (the core's {@link CHANNEL_CHANGE_SINK}, which the
 * occupancy and presence stores feed) and the signed HTTP client that asks the backends of
 * backend-decided namespaces ({@link BackendNamespaces}).
 *
 * Global for one reason: the core's stores take the sink as an optional provider and must not
 * import this module (the core knows nothing of hooks), so the sink is visible to every module
 * once the application imports {@link HooksModule}. It needs nothing of the core but this
 * process' liveness member id (the webhook lease's owner).
 */
@Global()
@Module({ imports: [StoresModule], providers, exports: [CHANNEL_CHANGE_SINK, BackendNamespaces] })
export class HookClientsModule {}
