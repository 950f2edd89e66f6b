import type { RedisClient } from './lua-script.js';
import type { InstanceEntryKind, RedisKeys } from './redis-keys.js';

/**
 * The Redis set of what one instance holds entries for (presence: channels; connection
 * slots: users), so a sweeper can find a dead instance's entries without scanning keys.
 * A member is added before its entry is written and removed once this instance holds no
 * entry under it any more; both go to the same key, hence one connection, in call order.
 */
export class InstanceIndex {
  private readonly held = new Map<string, number>();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly kind: InstanceEntryKind,
    private readonly memberId: string,
  ) {}

  /** Counts one more local entry under `member`; records it in Redis (idempotent). */
  async hold(member: string): Promise<void> {
    this.held.set(member, (this.held.get(member) ?? 0) + 1);
    try {
      await this.redis.sadd(this.key(this.memberId), member);
    } catch (error) {
      this.release(member, false);
      throw error;
    }
  }

  /** One local entry under `member` is gone; the last one removes the member from Redis. */
  release(member: string, forget = true): void {
    const count = (this.held.get(member) ?? 0) - 1;
    if (count > 0) {
      this.held.set(member, count);
      return;
    }
    this.held.delete(member);
    // Best effort: a member left behind only costs a sweeper one no-op eviction.
    if (forget) this.redis.srem(this.key(this.memberId), member).catch(() => undefined);
  }

  /** Writes every held member again (Redis lost them). */
  async restore(): Promise<void> {
    const members = [...this.held.keys()];
    if (members.length > 0) await this.redis.sadd(this.key(this.memberId), ...members);
  }

  members(instanceId: string): Promise<string[]> {
    return this.redis.smembers(this.key(instanceId));
  }

  async forget(instanceId: string): Promise<void> {
    await this.redis.del(this.key(instanceId));
  }

  private key(instanceId: string): string {
    return this.keys.instanceIndex(instanceId, this.kind);
  }
}
