import type { ChannelOccupancy, Occupancy, OccupancyStore } from './occupancy-store.js';
import { ChannelChanges } from '../channel-changes/channel-changes.js';
import { InstanceEntries } from '../redis/instance-entries.js';
import type { InstanceLiveness, InstanceParticipant } from '../redis/instance-liveness.js';
import type { RedisClient } from '../redis/lua-script.js';
import {
  OCCUPANCY_ADD_SCRIPT,
  OCCUPANCY_COUNT_SCRIPT,
  OCCUPANCY_EVICT_SCRIPT,
  OCCUPANCY_REMOVE_SCRIPT,
  removalReply,
} from './occupancy.scripts.js';
import { connectionField, type RedisKeys } from '../redis/redis-keys.js';

/** Channel names are ASCII, so every name that starts with a prefix sorts before prefix + U+00FF. */
const AFTER_ASCII = '\u00ff';

/**
 * Occupancy shared by every instance: per channel, the subscribed connections of every
 * instance and a count per user (see {@link OCCUPANCY_ADD_SCRIPT}), plus one sorted set of
 * the channels that have any, read by name range for `GET /api/v1/channels?prefix=`.
 *
 * This instance's subscriptions are {@link InstanceEntries} (channel → connection → user),
 * so a dead instance's share is swept by the survivors' heartbeat, and ours is written again
 * after Redis lost it. The channel set lives on another cluster slot than the channel's
 * hashes, so it is kept in a second step: a channel is added after each subscription, and
 * removed when its last one goes, then added back if a subscription arrived meanwhile (the
 * re-check runs after the removal, so a concurrent add on another instance is never lost).
 * A name left behind by a failure is dropped the next time a listing finds it empty.
 *
 * The scripts decide each channel's 0 → 1 and 1 → 0 transition (also in a dead instance's
 * sweep and a restore) and report it to `changes`: journaled inside the script when it may
 * (one Redis), else right after it.
 */
export class RedisOccupancyStore implements OccupancyStore, InstanceParticipant {
  private readonly entries: InstanceEntries<string>;
  private readonly memberId: string;
  /** Per channel and connection, the tail of its add/remove calls (run one after another). */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    liveness: InstanceLiveness,
    private readonly changes: ChannelChanges = ChannelChanges.NONE,
  ) {
    this.memberId = liveness.memberId;
    this.entries = new InstanceEntries(redis, keys, 'occupancy', this.memberId);
    liveness.register(this);
  }

  /**
   * A remove that races its own add (a client disconnecting while its subscribe is still
   * being recorded) runs after it, so no entry outlives its connection.
   */
  add(channel: string, userId: string, connectionId: string): Promise<void> {
    return this.inOrder(channel, connectionId, async () => {
      if (this.entries.has(channel, connectionId)) return;
      await this.entries.add(channel, connectionId, userId, () => this.runAdd(channel, userId, connectionId));
      await this.redis.zadd(this.keys.occupiedChannels, 0, channel);
    });
  }

  remove(channel: string, _userId: string, connectionId: string): Promise<void> {
    return this.inOrder(channel, connectionId, async () => {
      const remaining = await this.entries.remove(channel, connectionId, () =>
        this.runRemove(channel, connectionId),
      );
      if (remaining === 0) await this.unindex(channel);
    });
  }

  async count(channel: string): Promise<Occupancy> {
    const keys = this.keys.channel(channel);
    const reply = await OCCUPANCY_COUNT_SCRIPT.run(
      this.redis,
      [keys.occupancyConnections, keys.occupancyUsers],
      [],
    );
    const [subscribers, users] = reply as [number, number];
    return { subscribers: Number(subscribers), users: Number(users) };
  }

  async list(prefix: string, limit: number, after?: string): Promise<ChannelOccupancy[]> {
    const [first, max] = prefix === '' ? ['-', '+'] : [`[${prefix}`, `[${prefix}${AFTER_ASCII}`];
    // Every name of the range starts with `prefix`, so a cursor below it changes nothing.
    const min = after !== undefined && after >= prefix ? `(${after}` : first;
    const found: ChannelOccupancy[] = [];
    const empty: string[] = [];
    for (let offset = 0; found.length < limit;) {
      const page = await this.redis.zrangebylex(this.keys.occupiedChannels, min, max, 'LIMIT', offset, limit);
      const counts = await Promise.all(page.map((channel) => this.count(channel)));
      for (const [i, channel] of page.entries()) {
        const occupancy = counts[i];
        if (occupancy.subscribers > 0) found.push({ channel, ...occupancy });
        else empty.push(channel);
      }
      if (page.length < limit) break;
      offset += page.length;
    }
    // Left behind by a failed removal: dropped now (re-checked, so never a live channel).
    for (const channel of empty) void this.unindex(channel).catch(() => undefined);
    return found.slice(0, limit);
  }

  evict(instanceId: string): Promise<void> {
    return this.entries.evict(instanceId, async (channel) => {
      const keys = this.keys.channel(channel);
      const journal = this.changes.journalCall(channel, 'channel.vacated');
      const reply = await OCCUPANCY_EVICT_SCRIPT.run(
        this.redis,
        [keys.occupancyConnections, keys.occupancyUsers, ...journal.keys],
        [connectionField(instanceId, ''), ...journal.args],
      );
      const { remaining } = this.removed(channel, removalReply(reply));
      if (remaining === 0) await this.unindex(channel);
    });
  }

  restore(): Promise<void> {
    return this.entries.restore(async (channel, connections) => {
      for (const [connectionId, userId] of connections) await this.runAdd(channel, userId, connectionId);
      await this.redis.zadd(this.keys.occupiedChannels, 0, channel);
    });
  }

  retry(): Promise<void> {
    return this.entries.retry(async (channel, connectionId) => {
      if ((await this.runRemove(channel, connectionId)) === 0) await this.unindex(channel);
    });
  }

  private async runAdd(channel: string, userId: string, connectionId: string): Promise<void> {
    const keys = this.keys.channel(channel);
    const journal = this.changes.journalCall(channel, 'channel.occupied');
    const reply = await OCCUPANCY_ADD_SCRIPT.run(
      this.redis,
      [keys.occupancyConnections, keys.occupancyUsers, ...journal.keys],
      [connectionField(this.memberId, connectionId), userId, ...journal.args],
    );
    const [occupied, dropped] = reply as [number, number];
    if (Number(occupied) !== 1) return;
    if (this.changes.journals('channel.occupied')) this.changes.journaled(1, Number(dropped));
    else this.changes.report(channel, 'channel.occupied');
  }

  /** The channel's remaining subscribers. */
  private async runRemove(channel: string, connectionId: string): Promise<number> {
    const keys = this.keys.channel(channel);
    const journal = this.changes.journalCall(channel, 'channel.vacated');
    const reply = await OCCUPANCY_REMOVE_SCRIPT.run(
      this.redis,
      [keys.occupancyConnections, keys.occupancyUsers, ...journal.keys],
      [connectionField(this.memberId, connectionId), ...journal.args],
    );
    return this.removed(channel, removalReply(reply)).remaining;
  }

  /** Reports the `channel.vacated` a removal or eviction script decided (and maybe journaled). */
  private removed<R extends { vacated: boolean; dropped: number }>(channel: string, reply: R): R {
    if (!reply.vacated) return reply;
    if (this.changes.journals('channel.vacated')) this.changes.journaled(1, reply.dropped);
    else this.changes.report(channel, 'channel.vacated');
    return reply;
  }

  /** Takes an empty channel out of the listing, and puts it back if it filled meanwhile. */
  private async unindex(channel: string): Promise<void> {
    await this.redis.zrem(this.keys.occupiedChannels, channel);
    if ((await this.count(channel)).subscribers > 0) {
      await this.redis.zadd(this.keys.occupiedChannels, 0, channel);
    }
  }

  private inOrder(channel: string, connectionId: string, task: () => Promise<void>): Promise<void> {
    const key = `${channel}\n${connectionId}`;
    const run = (this.chains.get(key) ?? Promise.resolve()).then(task);
    const settled = run.catch(() => undefined);
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return run;
  }
}
