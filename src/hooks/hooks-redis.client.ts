import { Logger } from '@nestjs/common';
import { Cluster, Redis } from 'ioredis';
import type { RedisTopology } from '../config/app-config.js';
import type { RedisClient } from '../core/stores/redis/lua-script.js';

/**
 * The outbox's own Redis connection: its deliverer polls and waits on Redis, and none of
 * that should queue behind the channel core's commands. It fails fast (the outbox retries
 * by itself, with the same append token) and reconnects forever.
 */
export function createHooksRedisClient(topology: Exclude<RedisTopology, { kind: 'none' }>): RedisClient {
  const logger = new Logger('HooksRedis');
  const nodeOptions = {
    connectionName: 'switchboard-hooks',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 2_000,
    retryStrategy: (attempt: number) => Math.min(100 * attempt, 2_000),
  };
  const client =
    topology.kind === 'single'
      ? new Redis(topology.url, nodeOptions)
      : new Cluster(topology.nodes, {
          enableOfflineQueue: false,
          clusterRetryStrategy: (attempt: number) => Math.min(100 * attempt, 2_000),
          redisOptions: nodeOptions,
        });
  let failing = false;
  // An unhandled `error` event would crash the process; one line per outage is enough here
  // (the core's own connections report every Redis outage in detail).
  client.on('error', (error: Error) => {
    if (!failing) logger.warn(`webhook outbox Redis connection: ${error.message}`);
    failing = true;
  });
  client.on('ready', () => (failing = false));
  return client;
}
