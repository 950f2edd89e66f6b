import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { CONNECTION_REGISTRY } from '../connections/connection-registry.js';
import { CHANNEL_LOG } from '../history/channel-log.js';
import { OCCUPANCY_STORE } from '../occupancy/occupancy-store.js';
import { PRESENCE_STORE } from '../presence/presence-store.js';
import type { RedisEvents } from '../redis/redis-events.js';
import { REVOCATION_STORE } from '../revocation/revocation-store.js';
import { MemoryBackend } from './memory.backend.js';
import { REALTIME_BACKEND, type RealtimeBackend } from './realtime-backend.js';

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

async function createBackend(config: AppConfig, metrics: GatewayMetrics): Promise<RealtimeBackend> {
  if (config.redis.kind === 'none') {
    const trimmed = {
      publication: metrics.memoryTrimmed.labels('publication'),
      idempotency: metrics.memoryTrimmed.labels('idempotency'),
    };
    const backend = new MemoryBackend(config, {
      onStreamEvicted: () => metrics.streamEvictions.inc(),
      onTrimmed: (kind) => trimmed[kind].inc(),
    });
    metrics.reportMemoryLog(backend.log);
    return backend;
  }
  const { RedisBackend } = await import('../redis/redis.backend.js');
  return RedisBackend.connect(config, { events: redisMetrics(metrics) });
}

/** Closes the backend last, after the HTTP and Socket.IO servers are down. */
@Injectable()
export class BackendLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REALTIME_BACKEND) private readonly backend: RealtimeBackend) {}

  onApplicationShutdown(): Promise<void> {
    return this.backend.close();
  }
}

export const backendProviders: Provider[] = [
  { provide: REALTIME_BACKEND, useFactory: createBackend, inject: [AppConfig, GatewayMetrics] },
  { provide: CHANNEL_LOG, useFactory: (b: RealtimeBackend) => b.log, inject: [REALTIME_BACKEND] },
  { provide: PRESENCE_STORE, useFactory: (b: RealtimeBackend) => b.presence, inject: [REALTIME_BACKEND] },
  {
    provide: CONNECTION_REGISTRY,
    useFactory: (b: RealtimeBackend) => b.connections,
    inject: [REALTIME_BACKEND],
  },
  { provide: OCCUPANCY_STORE, useFactory: (b: RealtimeBackend) => b.occupancy, inject: [REALTIME_BACKEND] },
  {
    provide: REVOCATION_STORE,
    useFactory: (b: RealtimeBackend) => b.revocations,
    inject: [REALTIME_BACKEND],
  },
  BackendLifecycle,
];
