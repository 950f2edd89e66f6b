import type { ConnectionRegistry } from '../connections/connection-registry.js';
import { CONNECTION_ACQUIRE_SCRIPT, CONNECTION_EVICT_SCRIPT } from './connection.scripts.js';
import { InstanceIndex } from './instance-index.js';
import type { InstanceLiveness, InstanceParticipant } from './instance-liveness.js';
import type { RedisClient } from './lua-script.js';
import { connectionField, type RedisKeys } from './redis-keys.js';

const entryKey = (userId: string, connectionId: string): string => `${userId}\n${connectionId}`;

/**
 * `MAX_CONNECTIONS_PER_USER` across instances: the check and the insert are one script.
 * Like presence, this instance remembers its own slots to restore them after Redis lost
 * them and to retry releases that failed while Redis was down (else a slot leaks forever).
 */
export class RedisConnectionRegistry implements ConnectionRegistry, InstanceParticipant {
  /** user → this instance's connections of that user. */
  private readonly local = new Map<string, Set<string>>();
  private readonly failedReleases = new Map<string, { userId: string; connectionId: string }>();
  private readonly index: InstanceIndex;
  private readonly memberId: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    liveness: InstanceLiveness,
  ) {
    this.memberId = liveness.memberId;
    this.index = new InstanceIndex(redis, keys, 'connections', this.memberId);
    liveness.register(this);
  }

  async acquire(userId: string, connectionId: string, max: number): Promise<boolean> {
    if (this.local.get(userId)?.has(connectionId)) return true;
    await this.index.hold(userId);
    let acquired: boolean;
    try {
      acquired =
        (await CONNECTION_ACQUIRE_SCRIPT.run(
          this.redis,
          [this.keys.userConnections(userId)],
          [connectionField(this.memberId, connectionId), max],
        )) === 1;
    } catch (error) {
      this.index.release(userId);
      throw error;
    }
    if (!acquired) {
      this.index.release(userId);
      return false;
    }
    let connections = this.local.get(userId);
    if (!connections) this.local.set(userId, (connections = new Set()));
    connections.add(connectionId);
    return true;
  }

  async release(userId: string, connectionId: string): Promise<void> {
    const connections = this.local.get(userId);
    if (!connections?.delete(connectionId)) return;
    if (connections.size === 0) this.local.delete(userId);
    try {
      await this.redis.hdel(this.keys.userConnections(userId), connectionField(this.memberId, connectionId));
    } catch (error) {
      this.failedReleases.set(entryKey(userId, connectionId), { userId, connectionId });
      throw error;
    }
    this.index.release(userId);
  }

  async evict(instanceId: string): Promise<void> {
    for (const userId of await this.index.members(instanceId)) {
      await CONNECTION_EVICT_SCRIPT.run(
        this.redis,
        [this.keys.userConnections(userId)],
        [connectionField(instanceId, '')],
      );
    }
    await this.index.forget(instanceId);
  }

  async restore(): Promise<void> {
    for (const { userId } of this.failedReleases.values()) this.index.release(userId, false);
    this.failedReleases.clear();
    await this.index.restore();
    // Connections that are open stay open: restored without the limit check.
    for (const [userId, connections] of this.local) {
      const fields = [...connections].flatMap((id) => [connectionField(this.memberId, id), '1']);
      await this.redis.hset(this.keys.userConnections(userId), ...fields);
    }
  }

  async retry(): Promise<void> {
    for (const [key, { userId, connectionId }] of this.failedReleases) {
      await this.redis.hdel(this.keys.userConnections(userId), connectionField(this.memberId, connectionId));
      this.failedReleases.delete(key);
      this.index.release(userId);
    }
  }
}
