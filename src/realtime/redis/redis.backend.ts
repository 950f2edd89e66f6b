import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../../config/app-config.js';
import type { AdapterFactory, RealtimeBackend } from '../backend/realtime-backend.js';
import { DEFAULT_LIVENESS, InstanceLiveness, type InstanceLivenessOptions } from './instance-liveness.js';
import { RedisChannelLog } from './redis-channel.log.js';
import { RedisClients } from './redis-clients.js';
import { RedisConnectionRegistry } from './redis-connection.registry.js';
import { RedisKeys } from './redis-keys.js';
import { RedisPresenceStore } from './redis-presence.store.js';
import { RedisPublicationFeed } from './redis-publication.feed.js';
import { createRedisSocketAdapter } from './redis-socket.adapter.js';
import { withTimeout } from './with-timeout.js';

/** The part of the configuration the Redis backend reads. */
export type RedisBackendConfig = Pick<
  AppConfig,
  | 'redis'
  | 'keyPrefix'
  | 'instanceId'
  | 'historySize'
  | 'historyTtlSeconds'
  | 'streamTtlSeconds'
  | 'idempotencyTtlSeconds'
>;

export interface RedisBackendOptions {
  readonly liveness?: InstanceLivenessOptions;
  readonly commandTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

/**
 * Everything shared between instances, in Redis: the channel log and its feeds, presence,
 * connection slots, and the Socket.IO adapter for volatile events. See docs/scaling.md.
 */
export class RedisBackend implements RealtimeBackend {
  readonly kind = 'redis';

  private constructor(
    private readonly clients: RedisClients,
    private readonly liveness: InstanceLiveness,
    readonly log: RedisChannelLog,
    readonly presence: RedisPresenceStore,
    readonly connections: RedisConnectionRegistry,
    readonly socketAdapter: AdapterFactory,
    private readonly commandTimeoutMs: number,
  ) {}

  static async connect(config: RedisBackendConfig, options: RedisBackendOptions = {}): Promise<RedisBackend> {
    if (config.redis.kind === 'none') throw new Error('RedisBackend needs REDIS_URL or REDIS_CLUSTER_NODES');
    const commandTimeoutMs = options.commandTimeoutMs ?? 2_000;
    const clients = await RedisClients.connect(config.redis, {
      commandTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    });
    const keys = new RedisKeys(config.keyPrefix);
    // INSTANCE_ID plus a nonce: a restarted process with the same id (a StatefulSet pod)
    // never adopts its predecessor's entries; those are swept like any dead instance's.
    const memberId = `${config.instanceId}:${randomBytes(4).toString('hex')}`;
    const liveness = new InstanceLiveness(
      clients.command,
      keys,
      memberId,
      options.liveness ?? DEFAULT_LIVENESS,
    );
    const feed = new RedisPublicationFeed(clients.feed, keys, clients.sharded, commandTimeoutMs);
    const log = new RedisChannelLog(clients.command, keys, feed, {
      historySize: config.historySize,
      historyTtlSeconds: config.historyTtlSeconds,
      streamTtlSeconds: config.streamTtlSeconds,
      idempotencyTtlSeconds: config.idempotencyTtlSeconds,
      sharded: clients.sharded,
    });
    const backend = new RedisBackend(
      clients,
      liveness,
      log,
      new RedisPresenceStore(clients.command, keys, liveness),
      new RedisConnectionRegistry(clients.command, keys, liveness),
      createRedisSocketAdapter(clients, keys),
      commandTimeoutMs,
    );
    try {
      await liveness.start();
    } catch (error) {
      await clients.close();
      throw error;
    }
    return backend;
  }

  async isHealthy(): Promise<boolean> {
    if (!this.clients.connected) return false;
    try {
      return (await withTimeout(this.clients.command.ping(), this.commandTimeoutMs, 'ping')) === 'PONG';
    } catch {
      return false;
    }
  }

  /** After the servers closed: drop this instance's entries at once, then the connections. */
  async close(): Promise<void> {
    try {
      await this.liveness.leave();
    } catch {
      // Redis unreachable: the other instances sweep our entries once our TTL passes.
    }
    await this.clients.close();
  }
}
