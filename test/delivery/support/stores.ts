import { Redis } from 'ioredis';
import { startGateway, type RunningGateway } from '../../support/gateway.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../redis/support/redis-keyspace.js';

export type StoreKind = 'memory' | 'redis';

/**
 * The same contract on both stores: `memory` is one gateway (publisher and subscriber are
 * the same), `redis` two gateways on the shared test Redis under a key prefix of their own,
 * so every assertion also holds across instances.
 */
export interface Stores {
  readonly kind: StoreKind;
  /** Where REST calls go. */
  readonly publisher: RunningGateway;
  /** Where clients connect (the other instance in Redis mode). */
  readonly subscriber: RunningGateway;
  /** Redis mode: a client for assertions on keys, and the key prefix. */
  readonly redis?: Redis;
  readonly prefix?: string;
  stop(): Promise<void>;
}

/**
 * `redisUrl`: another Redis than the shared test one (a private redis-server the caller owns);
 * the keys are deleted at `stop()` all the same.
 */
export async function startStores(
  kind: StoreKind,
  name: string,
  env: Record<string, string> = {},
  redisUrl = kind === 'redis' ? testRedisUrl() : '',
): Promise<Stores> {
  if (kind === 'memory') {
    const gateway = await startGateway(env);
    return { kind, publisher: gateway, subscriber: gateway, stop: () => gateway.close() };
  }
  const prefix = uniquePrefix(name);
  const shared = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, ...env };
  const a = await startGateway({ ...shared, INSTANCE_ID: `${name}-a` });
  const b = await startGateway({ ...shared, INSTANCE_ID: `${name}-b` });
  const redis = new Redis(redisUrl);
  return {
    kind,
    publisher: a,
    subscriber: b,
    redis,
    prefix,
    stop: async () => {
      await a.close();
      await b.close();
      await deleteKeys(redis, prefix);
      await redis.quit();
    },
  };
}

/** The Redis key of a channel's top hash or log stream (see src/core/stores/redis/redis-keys.ts). */
export function channelKey(prefix: string, channel: string, part: 'top' | 'log'): string {
  return `${prefix}{c:${channel}}:${part}`;
}
