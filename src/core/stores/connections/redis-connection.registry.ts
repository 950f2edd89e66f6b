import type { ConnectionRegistry } from './connection-registry.js';
import { CONNECTION_ACQUIRE_SCRIPT, CONNECTION_EVICT_SCRIPT } from './connection.scripts.js';
import { InstanceEntries } from '../redis/instance-entries.js';
import type { InstanceLiveness, InstanceParticipant } from '../redis/instance-liveness.js';
import type { RedisClient } from '../redis/lua-script.js';
import { connectionField, type RedisKeys } from '../redis/redis-keys.js';

/**
 * `MAX_CONNECTIONS_PER_USER` across instances: the check and the insert are one script.
 * This instance's slots are {@link InstanceEntries} (user → connection), so they are swept
 * when it dies, written again after Redis lost them, and released even across an outage.
 */
export class RedisConnectionRegistry implements ConnectionRegistry, InstanceParticipant {
  private readonly entries: InstanceEntries<true>;
  private readonly memberId: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    liveness: InstanceLiveness,
  ) {
    this.memberId = liveness.memberId;
    this.entries = new InstanceEntries(redis, keys, 'connections', this.memberId);
    liveness.register(this);
  }

  async acquire(userId: string, connectionId: string, max: number): Promise<boolean> {
    if (this.entries.has(userId, connectionId)) return true;
    const reply = await this.entries.add(
      userId,
      connectionId,
      true,
      () =>
        CONNECTION_ACQUIRE_SCRIPT.run(
          this.redis,
          [this.keys.userConnections(userId)],
          [connectionField(this.memberId, connectionId), max],
        ),
      (acquired) => acquired === 1,
    );
    return reply === 1;
  }

  async release(userId: string, connectionId: string): Promise<void> {
    await this.entries.remove(userId, connectionId, () => this.erase(userId, connectionId));
  }

  evict(instanceId: string): Promise<void> {
    return this.entries.evict(instanceId, async (userId) => {
      await CONNECTION_EVICT_SCRIPT.run(
        this.redis,
        [this.keys.userConnections(userId)],
        [connectionField(instanceId, '')],
      );
    });
  }

  restore(): Promise<void> {
    // Connections that are open stay open: restored without the limit check.
    return this.entries.restore(async (userId, connections) => {
      const fields = [...connections.keys()].flatMap((id) => [connectionField(this.memberId, id), '1']);
      await this.redis.hset(this.keys.userConnections(userId), ...fields);
    });
  }

  retry(): Promise<void> {
    return this.entries.retry((userId, connectionId) => this.erase(userId, connectionId));
  }

  private async erase(userId: string, connectionId: string): Promise<void> {
    await this.redis.hdel(this.keys.userConnections(userId), connectionField(this.memberId, connectionId));
  }
}
