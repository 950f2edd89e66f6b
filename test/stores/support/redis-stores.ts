import { Redis } from 'ioredis';
import { RedisBackend, type RedisBackendOptions } from '../../../src/core/stores/redis/redis.backend.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../redis/support/redis-keyspace.js';
import { LOG_SETTINGS, type StoreFactory } from './store-fixture.js';

/**
 * The Redis implementation as the gateway builds it (`RedisBackend.connect`), on the test Redis
 * of the global setup. Each fixture has a key prefix of its own; its backends leave as a
 * stopping gateway does, then every key under the prefix is deleted. `options` (once per
 * fixture: its instances share them) are the backends' connect options.
 */
export function redisStores<S>(
  name: string,
  pick: (backend: RedisBackend, prefix: string) => S,
  options: (prefix: string) => RedisBackendOptions = () => ({}),
): StoreFactory<S> {
  return async () => {
    const url = testRedisUrl();
    const prefix = uniquePrefix(name);
    const backends: RedisBackend[] = [];
    const backendOptions = options(prefix);
    const connect = async (instance: string): Promise<S> => {
      const backend = await RedisBackend.connect(
        {
          ...LOG_SETTINGS,
          redis: { kind: 'single', url },
          keyPrefix: prefix,
          instanceId: `${name}-${instance}`,
        },
        backendOptions,
      );
      backends.push(backend);
      return pick(backend, prefix);
    };
    const store = await connect('a');
    let peer: Promise<S> | undefined;
    return {
      store,
      peer: () => (peer ??= connect('b')),
      close: async () => {
        await peer?.catch(() => undefined);
        for (const backend of backends) await backend.close();
        const admin = new Redis(url);
        try {
          await deleteKeys(admin, prefix);
        } finally {
          await admin.quit();
        }
      },
    };
  };
}
