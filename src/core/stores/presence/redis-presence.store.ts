import type { PresenceChange, PresenceStore } from './presence-store.js';
import { InstanceEntries } from '../redis/instance-entries.js';
import type { InstanceLiveness, InstanceParticipant } from '../redis/instance-liveness.js';
import type { RedisClient } from '../redis/lua-script.js';
import { PRESENCE_ADD_SCRIPT, PRESENCE_EVICT_SCRIPT, PRESENCE_REMOVE_SCRIPT } from './presence.scripts.js';
import { connectionField, type RedisKeys } from '../redis/redis-keys.js';
import type { PresenceUser } from '@switchboard/protocol';
import { ChannelChanges } from '../channel-changes/channel-changes.js';

type ChangeListener = (change: PresenceChange) => void;

function parseUser(json: string): PresenceUser {
  const value = JSON.parse(json) as { userId?: unknown; name?: unknown };
  if (typeof value.userId !== 'string') throw new Error('presence entry without userId');
  return typeof value.name === 'string'
    ? { userId: value.userId, name: value.name }
    : { userId: value.userId };
}

/**
 * Presence shared by every instance (see {@link PRESENCE_ADD_SCRIPT} for the layout). This
 * instance's own entries are {@link InstanceEntries} (channel → connection → user), so they
 * are swept when it dies, written again after Redis lost them, and removed even across an
 * outage: no user stays present forever.
 *
 * Every join and leave the scripts decide (also in a sweep, a restore or a retried removal)
 * is reported to `changes`: journaled inside the script when it may (one Redis), else right
 * after it.
 */
export class RedisPresenceStore implements PresenceStore, InstanceParticipant {
  private readonly entries: InstanceEntries<PresenceUser>;
  private readonly listeners: ChangeListener[] = [];
  private readonly memberId: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    liveness: InstanceLiveness,
    private readonly changes: ChannelChanges = ChannelChanges.NONE,
  ) {
    this.memberId = liveness.memberId;
    this.entries = new InstanceEntries(redis, keys, 'presence', this.memberId);
    liveness.register(this);
  }

  async add(channel: string, user: PresenceUser, connectionId: string): Promise<boolean> {
    if (this.entries.has(channel, connectionId)) return this.runAdd(channel, user, connectionId);
    return this.entries.add(channel, connectionId, user, () => this.runAdd(channel, user, connectionId));
  }

  async remove(channel: string, _userId: string, connectionId: string): Promise<boolean> {
    const left = this.entries.has(channel, connectionId)
      ? await this.entries.remove(channel, connectionId, () => this.runRemove(channel, connectionId))
      : await this.runRemove(channel, connectionId);
    return typeof left === 'string';
  }

  async list(channel: string): Promise<PresenceUser[]> {
    const users = await this.redis.hvals(this.keys.channel(channel).presenceUsers);
    return users.map(parseUser);
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  evict(instanceId: string): Promise<void> {
    return this.entries.evict(instanceId, async (channel) => {
      const keys = this.keys.channel(channel);
      const journal = this.changes.journalCall(channel, 'presence.left');
      const reply = await PRESENCE_EVICT_SCRIPT.run(
        this.redis,
        [keys.presenceConnections, keys.presenceUsers, keys.presenceCounts, ...journal.keys],
        [connectionField(instanceId, ''), ...journal.args],
      );
      const [left, dropped] = reply as [string[], number];
      const users = left.map(parseUser);
      if (this.changes.journals('presence.left')) this.changes.journaled(users.length, Number(dropped));
      for (const user of users) {
        if (!this.changes.journals('presence.left')) this.changes.report(channel, 'presence.left', user);
        this.emit({ channel, event: 'presence.leave', user });
      }
    });
  }

  restore(): Promise<void> {
    return this.entries.restore(async (channel, members) => {
      for (const [connectionId, user] of members) {
        if (await this.runAdd(channel, user, connectionId)) {
          this.emit({ channel, event: 'presence.join', user });
        }
      }
    });
  }

  retry(): Promise<void> {
    return this.entries.retry(async (channel, connectionId) => {
      const left = await this.runRemove(channel, connectionId);
      if (left !== null) this.emit({ channel, event: 'presence.leave', user: parseUser(left) });
    });
  }

  /** Whether the user joined (its first connection in the channel, on any instance). */
  private async runAdd(channel: string, user: PresenceUser, connectionId: string): Promise<boolean> {
    const keys = this.keys.channel(channel);
    const journal = this.changes.journalCall(channel, 'presence.joined');
    const reply = await PRESENCE_ADD_SCRIPT.run(
      this.redis,
      [keys.presenceConnections, keys.presenceUsers, keys.presenceCounts, ...journal.keys],
      [connectionField(this.memberId, connectionId), user.userId, JSON.stringify(user), ...journal.args],
    );
    const [joined, dropped] = reply as [number, number];
    if (Number(joined) !== 1) return false;
    if (this.changes.journals('presence.joined')) this.changes.journaled(1, Number(dropped));
    else this.changes.report(channel, 'presence.joined', user);
    return true;
  }

  /** The user's JSON when this removal was its last connection in the channel, else null. */
  private async runRemove(channel: string, connectionId: string): Promise<string | null> {
    const keys = this.keys.channel(channel);
    const journal = this.changes.journalCall(channel, 'presence.left');
    const reply = await PRESENCE_REMOVE_SCRIPT.run(
      this.redis,
      [keys.presenceConnections, keys.presenceUsers, keys.presenceCounts, ...journal.keys],
      [connectionField(this.memberId, connectionId), ...journal.args],
    );
    const [left, dropped] = reply as [string | null, number];
    if (typeof left !== 'string') return null;
    if (this.changes.journals('presence.left')) this.changes.journaled(1, Number(dropped));
    else this.changes.report(channel, 'presence.left', parseUser(left));
    return left;
  }

  private emit(change: PresenceChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
