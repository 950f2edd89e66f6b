import type { AppConfig } from '../../../config/app-config.js';
import type { ChannelChangeSink } from '../channel-changes/channel-change-sink.js';
import { ChannelChanges } from '../channel-changes/channel-changes.js';
import { newMemberId } from '../instance-member.js';
import type { AdapterFactory, StoreBackend } from '../store-backend.js';
import { DEFAULT_LIVENESS, InstanceLiveness, type InstanceLivenessOptions } from './instance-liveness.js';
import { RedisChannelLog } from '../channel-log/redis-channel.log.js';
import { RedisClients } from './redis-clients.js';
import { RedisConnectionRegistry } from '../connections/redis-connection.registry.js';
import { RedisModuleStateStore } from '../module-state/redis-module-state.store.js';
import type { RedisEvents } from './redis-events.js';
import { RedisKeys } from './redis-keys.js';
import { RedisOccupancyStore } from '../occupancy/redis-occupancy.store.js';
import { RedisPresenceStore } from '../presence/redis-presence.store.js';
import { RedisPublicationFeed } from '../channel-log/redis-publication.feed.js';
import { RedisRevocationStore } from '../revocations/redis-revocation.store.js';
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
  /** For the metrics: feed arrivals, client errors and reconnects. */
  readonly events?: RedisEvents;
  /** This process among the instances (see `newMemberId`); a new one when absent. */
  readonly memberId?: string;
  /** Where occupancy and presence transitions go (webhooks); see {@link ChannelChangeSink}. */
  readonly changes?: ChannelChangeSink;
}

/** How long one unanswered readiness ping keeps {@link RedisBackend.available} false. */
const UNANSWERED_HOLD_MS = 5_000;

/**
 * Everything shared between instances, in Redis: the channel log and its feeds, presence,
 * connection slots, occupancy, token revocations, and the Socket.IO adapter for volatile events. See docs/scaling.md.
 */
export class RedisBackend implements StoreBackend {
  readonly kind = 'redis';
  /** Until when a ping that went unanswered marks Redis as unavailable. */
  private unansweredUntil = 0;

  private constructor(
    private readonly clients: RedisClients,
    private readonly liveness: InstanceLiveness,
    readonly log: RedisChannelLog,
    readonly presence: RedisPresenceStore,
    readonly connections: RedisConnectionRegistry,
    readonly occupancy: RedisOccupancyStore,
    readonly revocations: RedisRevocationStore,
    readonly moduleState: RedisModuleStateStore,
    readonly socketAdapter: AdapterFactory,
    private readonly commandTimeoutMs: number,
  ) {}

  static async connect(config: RedisBackendConfig, options: RedisBackendOptions = {}): Promise<RedisBackend> {
    if (config.redis.kind === 'none') throw new Error('RedisBackend needs REDIS_URL or REDIS_CLUSTER_NODES');
    const commandTimeoutMs = options.commandTimeoutMs ?? 2_000;
    const clients = await RedisClients.connect(config.redis, {
      commandTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      events: options.events,
    });
    const keys = new RedisKeys(config.keyPrefix);
    const memberId = options.memberId ?? newMemberId(config.instanceId);
    const liveness = new InstanceLiveness(
      clients.command,
      keys,
      memberId,
      options.liveness ?? DEFAULT_LIVENESS,
    );
    const feed = new RedisPublicationFeed(
      clients.feed,
      keys,
      clients.sharded,
      commandTimeoutMs,
      options.events,
    );
    const log = new RedisChannelLog(clients.command, keys, feed, {
      historySize: config.historySize,
      historyTtlSeconds: config.historyTtlSeconds,
      streamTtlSeconds: config.streamTtlSeconds,
      idempotencyTtlSeconds: config.idempotencyTtlSeconds,
      sharded: clients.sharded,
    });
    // One Redis runs a script over any keys, so the scripts that decide a transition journal
    // it themselves; a cluster cannot (the queue lives on another slot): reported after them.
    const changes = new ChannelChanges(options.changes, !clients.sharded);
    if (options.changes) liveness.onInstanceSwept((id) => changes.instanceDead(id));
    const backend = new RedisBackend(
      clients,
      liveness,
      log,
      new RedisPresenceStore(clients.command, keys, liveness, changes),
      new RedisConnectionRegistry(clients.command, keys, liveness),
      new RedisOccupancyStore(clients.command, keys, liveness, changes),
      new RedisRevocationStore(clients.command, keys),
      new RedisModuleStateStore(clients.command, keys),
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
    const answered = await withTimeout(this.clients.command.ping(), this.commandTimeoutMs, 'ping').then(
      (reply) => reply === 'PONG',
      () => false,
    );
    this.unansweredUntil = answered ? 0 : Date.now() + UNANSWERED_HOLD_MS;
    return answered;
  }

  /**
   * Down connections are known at once (ioredis' status); a Redis that hangs on open
   * connections is known from the last readiness ping, for a while only, so that without a
   * probe polling readiness handshakes are not refused forever.
   */
  get available(): boolean {
    return this.clients.connected && Date.now() >= this.unansweredUntil;
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
