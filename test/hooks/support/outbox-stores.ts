import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { MemoryWebhookOutboxStore } from '../../../src/hooks/memory-webhook-outbox.store.js';
import { RedisWebhookOutboxStore } from '../../../src/hooks/redis-webhook-outbox.store.js';
import type { WebhookOutboxStore } from '../../../src/hooks/webhook-outbox.store.js';
import { RedisKeys } from '../../../src/core/stores/redis/redis-keys.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../../redis/support/redis-keyspace.js';

export type OutboxStoreKind = 'memory' | 'redis';

export interface StoreOptions {
  readonly capacity?: number;
  readonly seqTtlSeconds?: number;
  readonly leaseMs?: number;
}

/**
 * Outbox stores for one test: in memory, or in the shared test Redis under a key prefix of
 * their own. With Redis, every store made by one fixture is another instance of the same
 * deployment (its own owner id, the same keys).
 */
export class OutboxStores {
  private readonly clients: Redis[] = [];
  readonly prefix: string;
  private memory?: MemoryWebhookOutboxStore;

  constructor(
    readonly kind: OutboxStoreKind,
    name: string,
  ) {
    this.prefix = uniquePrefix(name);
  }

  /** A store; with memory, the same one each time (one process has one outbox). */
  store(options: StoreOptions = {}): WebhookOutboxStore {
    if (this.kind === 'memory') {
      this.memory ??= new MemoryWebhookOutboxStore({
        capacity: options.capacity ?? 100_000,
        seqTtlMs: (options.seqTtlSeconds ?? 3600) * 1000,
      });
      return this.memory;
    }
    const client = new Redis(testRedisUrl());
    this.clients.push(client);
    return new RedisWebhookOutboxStore(client, new RedisKeys(this.prefix), {
      ownerId: `test-${randomBytes(4).toString('hex')}`,
      capacity: options.capacity ?? 100_000,
      seqTtlSeconds: options.seqTtlSeconds ?? 3600,
      leaseMs: options.leaseMs ?? 10_000,
    });
  }

  /** A Redis key of the outbox (`lease`, `queue`, `seq:<channel>`…; see RedisWebhookOutboxStore). */
  key(name: string): string {
    return `${this.prefix}{hooks}:webhook:${name}`;
  }

  /** A client on the test Redis, for assertions on keys. */
  get redis(): Redis {
    const client = this.clients[0];
    if (!client) throw new Error('no Redis store was made');
    return client;
  }

  async close(): Promise<void> {
    if (this.clients[0]) await deleteKeys(this.clients[0], this.prefix);
    for (const client of this.clients) client.disconnect();
  }
}
