import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { CONNECTION_REGISTRY } from '../connections/connection-registry.js';
import { CHANNEL_LOG } from '../history/channel-log.js';
import { OCCUPANCY_STORE } from '../occupancy/occupancy-store.js';
import { PRESENCE_STORE } from '../presence/presence-store.js';
import { REVOCATION_STORE } from '../revocation/revocation-store.js';
import { MemoryBackend } from './memory.backend.js';
import { REALTIME_BACKEND, type RealtimeBackend } from './realtime-backend.js';

async function createBackend(config: AppConfig, metrics: GatewayMetrics): Promise<RealtimeBackend> {
  if (config.redis.kind === 'none') {
    return new MemoryBackend(config, { onStreamEvicted: () => metrics.streamEvictions.inc() });
  }
  const { RedisBackend } = await import('../redis/redis.backend.js');
  return RedisBackend.connect(config);
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
