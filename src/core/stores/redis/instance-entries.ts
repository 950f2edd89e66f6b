import { InstanceIndex } from './instance-index.js';
import type { RedisClient } from './lua-script.js';
import type { InstanceEntryKind, RedisKeys } from './redis-keys.js';

/** Ids are socket ids (base64id, never a line feed): split at the last one. */
const entryKey = (group: string, id: string): string => `${group}\n${id}`;
const splitKey = (key: string): [group: string, id: string] => {
  const at = key.lastIndexOf('\n');
  return [key.slice(0, at), key.slice(at + 1)];
};

/**
 * This instance's own entries in a shared Redis structure (presence: channel → connection;
 * connection slots: user → connection), and the bookkeeping every such store needs to never
 * leave one behind: the instance index a sweeper reads when this instance dies, a local copy
 * to write again after Redis lost them, and the removals that failed while Redis was down, to
 * retry. The store supplies the Redis writes; this class decides when they run.
 */
export class InstanceEntries<V> {
  /**
   * This instance's live entries, by `group \n id` in one map: a map per group would cost a
   * few hundred bytes of heap per connection (its user's slots, its personal channel).
   */
  private readonly local = new Map<string, V>();
  private readonly failedRemovals = new Map<string, { group: string; id: string }>();
  private readonly index: InstanceIndex;

  constructor(redis: RedisClient, keys: RedisKeys, kind: InstanceEntryKind, memberId: string) {
    this.index = new InstanceIndex(redis, keys, kind, memberId);
  }

  has(group: string, id: string): boolean {
    return this.local.has(entryKey(group, id));
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
    this.local.set(entryKey(group, id), value);
    return result;
  }

  /**
   * Removes an entry this instance holds (`undefined`, and nothing runs, when it holds none).
   * A removal that fails is retried by {@link retry} until Redis takes it.
   */
  async remove<T>(group: string, id: string, erase: () => Promise<T>): Promise<T | undefined> {
    if (!this.local.delete(entryKey(group, id))) return undefined;
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
    const groups = new Map<string, Map<string, V>>();
    for (const [key, value] of this.local) {
      const [group, id] = splitKey(key);
      let entries = groups.get(group);
      if (!entries) groups.set(group, (entries = new Map<string, V>()));
      entries.set(id, value);
    }
    for (const [group, entries] of groups) {
      // An entry removed while earlier groups were rewritten must not be written back: nothing
      // would ever remove it again.
      for (const id of entries.keys()) if (!this.local.has(entryKey(group, id))) entries.delete(id);
      if (entries.size > 0) await rewrite(group, entries);
    }
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
