import { Logger } from '@nestjs/common';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { AdapterFactory } from '../store-backend.js';
import { guardPromises } from './promise-guard.js';
import type { RedisClients } from './redis-clients.js';
import type { RedisKeys } from './redis-keys.js';

const logger = new Logger('RedisSocketAdapter');

/**
 * The Socket.IO adapter that fans out the volatile events (presence, typing) to every
 * instance: classic Pub/Sub on one Redis, sharded Pub/Sub (Redis 7) on a cluster.
 * Publications never go through it: they come from the channel feed and are emitted
 * locally, in offset order. A volatile event lost during an outage is acceptable (it is
 * volatile); a rejected promise the adapter drops is not, hence the guards.
 */
export function createRedisSocketAdapter(clients: RedisClients, keys: RedisKeys): AdapterFactory {
  const onRejected = (method: string, error: unknown): void =>
    logger.debug(`adapter ${method} failed: ${error instanceof Error ? error.message : String(error)}`);
  const pub = guardPromises(clients.command, onRejected);
  const sub = guardPromises(clients.adapter, onRejected);
  return clients.sharded
    ? createShardedAdapter(pub, sub, { channelPrefix: keys.socketIo, subscriptionMode: 'dynamic' })
    : createAdapter(pub, sub, { key: keys.socketIo });
}
