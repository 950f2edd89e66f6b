import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { CONNECTION_REGISTRY } from './connections/connection-registry.js';
import { CHANNEL_LOG } from './channel-log/channel-log.js';
import { MODULE_STATE_STORE } from './module-state/module-state.store.js';
import { OCCUPANCY_STORE } from './occupancy/occupancy-store.js';
import { PRESENCE_STORE } from './presence/presence-store.js';
import type { RedisEvents } from './redis/redis-events.js';
import { REVOCATION_STORE } from './revocations/revocation-store.js';
import { MemoryBackend } from './memory.backend.js';
import { STORE_BACKEND, type StoreBackend } from './store-backend.js';
import { CHANNEL_CHANGE_SINK, type ChannelChangeSink } from './channel-changes/channel-change-sink.js';
import { INSTANCE_MEMBER_ID, newMemberId } from './instance-member.js';

/**
 * The Redis backend's events as metrics. The broker hop is measured from the publication's
 * `ts`, taken by the appending instance just before its append script: another instance's
 * clock, so a skew between hosts shifts it (and a negative hop counts as 0).
 */
function redisMetrics(metrics: GatewayMetrics): RedisEvents {
  const errors = {
    commands: metrics.redisErrors.labels('commands'),
    subscriber: metrics.redisErrors.labels('subscriber'),
  };
  const reconnects = {
    commands: metrics.redisReconnects.labels('commands'),
    subscriber: metrics.redisReconnects.labels('subscriber'),
  };
  return {
    feedReceived: (appendedAt) => metrics.brokerHop.observe(Math.max(0, Date.now() - appendedAt) / 1000),
    clientError: (role) => errors[role].inc(),
    clientReconnecting: (role) => reconnects[role].inc(),
  };
}

async function createBackend(
  config: AppConfig,
  metrics: GatewayMetrics,
  memberId: string,
  changes?: ChannelChangeSink,
): Promise<StoreBackend> {
  if (config.redis.kind === 'none') {
    const trimmed = {
      publication: metrics.memoryTrimmed.labels('publication'),
      idempotency: metrics.memoryTrimmed.labels('idempotency'),
    };
    const backend = new MemoryBackend(config, {
      onStreamEvicted: () => metrics.streamEvictions.inc(),
      onTrimmed: (kind) => trimmed[kind].inc(),
      changes,
    });
    metrics.reportMemoryLog(backend.log);
    return backend;
  }
  const { RedisBackend } = await import('./redis/redis.backend.js');
  return RedisBackend.connect(config, { events: redisMetrics(metrics), memberId, changes });
}

/** Closes the backend last, after the HTTP and Socket.IO servers are down. */
@Injectable()
export class BackendLifecycle implements OnApplicationShutdown {
  constructor(@Inject(STORE_BACKEND) private readonly backend: StoreBackend) {}

  onApplicationShutdown(): Promise<void> {
    return this.backend.close();
  }
}

export const backendProviders: Provider[] = [
  {
    provide: INSTANCE_MEMBER_ID,
    useFactory: (config: AppConfig) => newMemberId(config.instanceId),
    inject: [AppConfig],
  },
  {
    provide: STORE_BACKEND,
    useFactory: createBackend,
    // The sink is the hooks module's (a global provider), when the application has one.
    inject: [AppConfig, GatewayMetrics, INSTANCE_MEMBER_ID, { token: CHANNEL_CHANGE_SINK, optional: true }],
  },
  { provide: CHANNEL_LOG, useFactory: (b: StoreBackend) => b.log, inject: [STORE_BACKEND] },
  { provide: PRESENCE_STORE, useFactory: (b: StoreBackend) => b.presence, inject: [STORE_BACKEND] },
  {
    provide: CONNECTION_REGISTRY,
    useFactory: (b: StoreBackend) => b.connections,
    inject: [STORE_BACKEND],
  },
  { provide: OCCUPANCY_STORE, useFactory: (b: StoreBackend) => b.occupancy, inject: [STORE_BACKEND] },
  {
    provide: REVOCATION_STORE,
    useFactory: (b: StoreBackend) => b.revocations,
    inject: [STORE_BACKEND],
  },
  {
    provide: MODULE_STATE_STORE,
    useFactory: (b: StoreBackend) => b.moduleState,
    inject: [STORE_BACKEND],
  },
  BackendLifecycle,
];
