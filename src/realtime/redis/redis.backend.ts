import type { AppConfig } from '../../config/app-config.js';
import type { RealtimeBackend } from '../backend/realtime-backend.js';

/** Placeholder until the Redis stores land: refuses to start rather than run half-configured. */
export const RedisBackend = {
  connect(config: AppConfig): Promise<RealtimeBackend> {
    void config;
    return Promise.reject(
      new Error('REDIS_URL / REDIS_CLUSTER_NODES: the Redis backend is not available yet'),
    );
  },
};
