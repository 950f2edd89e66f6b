import { InstanceIndex } from './instance-index.js';
import type { RedisClient } from './lua-script.js';
import type { InstanceEntryKind, RedisKeys } from './redis-keys.js';

const entryKey = (group: string, id: string): string => `${group}\n${id}`;

/**
 * This instance's own entries in a shared Redis structure (presence: channel → connection;
 * connection slots: user → connection), and the bookkeeping every such store needs to never
 * leave one behind: the instance index a sweeper reads when this instance dies, a local copy
 * to write again after Redis lost them, and the removals that failed while Redis was down, to
 * retry. The store supplies the Redis writes; this class decides when they run.
 */
export class InstanceEntries<V> {
  /** group → id → value, for this instance's live entries. */
  private readonly local = new Map<string, Map<string, V>>();
  private readonly failedRemovals = new Map<string, { group: string; id: string }>();
  private readonly index: InstanceIndex;

  constructor(redis: RedisClient, keys: RedisKeys, kind: InstanceEntryKind, memberId: string) {
    this.index = new InstanceIndex(redis, keys, kind, memberId);
  }

  has(group: string, id: string): boolean {
    return this.local.get(group)?.has(id) ?? false;
  }

  /**
   * Writes a new entry: indexed before it is written (a sweeper must find it), kept locally
   * once `write` succeeded and `accepted` agrees with its result (a refused slot is not kept).
   * The same id coming back cancels its pending removal, and that removal's index hold.
   */
  async add<T>(
    group: string,
    id: string,
    value: V,
    write: () => Promise<T>,
    accepted: (result: T) => boolean = () => true,
  ): Promise<T> {
    if (this.failedRemovals.delete(entryKey(group, id))) this.index.release(group);
    await this.index.hold(group);
    let result: T;
    try {
      result = await write();
    } catch (error) {
      this.index.release(group);
      throw error;
    }
    if (!accepted(result)) {
      this.index.release(group);
      return result;
    }
    let entries = this.local.get(group);
    if (!entries) this.local.set(group, (entries = new Map<string, V>()));
    entries.set(id, value);
    return result;
  }

  /**
   * Removes an entry this instance holds (`undefined`, and nothing runs, when it holds none).
   * A removal that fails is retried by {@link retry} until Redis takes it.
   */
  async remove<T>(group: string, id: string, erase: () => Promise<T>): Promise<T | undefined> {
    const entries = this.local.get(group);
    if (!entries?.delete(id)) return undefined;
    if (entries.size === 0) this.local.delete(group);
    let result: T;
    try {
      result = await erase();
    } catch (error) {
      this.failedRemovals.set(entryKey(group, id), { group, id });
      throw error;
    }
    this.index.release(group);
    return result;
  }

  /** Runs `evictGroup` for every group a (dead) instance indexed, then drops its index. */
  async evict(instanceId: string, evictGroup: (group: string) => Promise<void>): Promise<void> {
    for (const group of await this.index.members(instanceId)) await evictGroup(group);
    await this.index.forget(instanceId);
  }

  /** Redis lost our entries: pending removals are moot, everything live is written again. */
  async restore(rewrite: (group: string, entries: ReadonlyMap<string, V>) => Promise<void>): Promise<void> {
    for (const { group } of this.failedRemovals.values()) this.index.release(group, false);
    this.failedRemovals.clear();
    await this.index.restore();
    for (const [group, entries] of this.local) await rewrite(group, entries);
  }

  /** Retries the removals that failed; stops at the first that fails again. */
  async retry(erase: (group: string, id: string) => Promise<void>): Promise<void> {
    for (const [key, { group, id }] of this.failedRemovals) {
      await erase(group, id);
      this.failedRemovals.delete(key);
      this.index.release(group);
    }
  }
}
