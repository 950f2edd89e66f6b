import type { PresenceChange, PresenceStore, PresenceUser } from '../presence/presence-store.js';
import { InstanceIndex } from './instance-index.js';
import type { InstanceLiveness, InstanceParticipant } from './instance-liveness.js';
import type { RedisClient } from './lua-script.js';
import { PRESENCE_ADD_SCRIPT, PRESENCE_EVICT_SCRIPT, PRESENCE_REMOVE_SCRIPT } from './presence.scripts.js';
import { connectionField, type RedisKeys } from './redis-keys.js';

type ChangeListener = (change: PresenceChange) => void;

function parseUser(json: string): PresenceUser {
  const value = JSON.parse(json) as { userId?: unknown; name?: unknown };
  if (typeof value.userId !== 'string') throw new Error('presence entry without userId');
  return typeof value.name === 'string'
    ? { userId: value.userId, name: value.name }
    : { userId: value.userId };
}

const entryKey = (channel: string, connectionId: string): string => `${channel}\n${connectionId}`;

/**
 * Presence shared by every instance (see {@link PRESENCE_ADD_SCRIPT} for the layout). This
 * instance also keeps its own entries in memory: to write them again when Redis lost them,
 * and to retry removals that failed while Redis was down, so no user stays present forever.
 */
export class RedisPresenceStore implements PresenceStore, InstanceParticipant {
  /** channel → connection → user, for this instance's connections. */
  private readonly local = new Map<string, Map<string, PresenceUser>>();
  private readonly failedRemovals = new Map<string, { channel: string; connectionId: string }>();
  private readonly listeners: ChangeListener[] = [];
  private readonly index: InstanceIndex;
  private readonly memberId: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    liveness: InstanceLiveness,
  ) {
    this.memberId = liveness.memberId;
    this.index = new InstanceIndex(redis, keys, 'presence', this.memberId);
    liveness.register(this);
  }

  async add(channel: string, user: PresenceUser, connectionId: string): Promise<boolean> {
    // The same connection coming back cancels its pending removal (and that removal's hold).
    if (this.failedRemovals.delete(entryKey(channel, connectionId))) this.index.release(channel);
    if (this.local.get(channel)?.has(connectionId)) {
      return (await this.runAdd(channel, user, connectionId)) === 1;
    }
    await this.index.hold(channel);
    let joined: boolean;
    try {
      joined = (await this.runAdd(channel, user, connectionId)) === 1;
    } catch (error) {
      this.index.release(channel);
      throw error;
    }
    let members = this.local.get(channel);
    if (!members) this.local.set(channel, (members = new Map<string, PresenceUser>()));
    members.set(connectionId, user);
    return joined;
  }

  async remove(channel: string, _userId: string, connectionId: string): Promise<boolean> {
    const members = this.local.get(channel);
    const held = members?.delete(connectionId) ?? false;
    if (members?.size === 0) this.local.delete(channel);
    let left: string | null;
    try {
      left = await this.runRemove(channel, connectionId);
    } catch (error) {
      if (held) this.failedRemovals.set(entryKey(channel, connectionId), { channel, connectionId });
      throw error;
    }
    if (held) this.index.release(channel);
    return left !== null;
  }

  async list(channel: string): Promise<PresenceUser[]> {
    const users = await this.redis.hvals(this.keys.channel(channel).presenceUsers);
    return users.map(parseUser);
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  async evict(instanceId: string): Promise<void> {
    for (const channel of await this.index.members(instanceId)) {
      const keys = this.keys.channel(channel);
      const left = await PRESENCE_EVICT_SCRIPT.run(
        this.redis,
        [keys.presenceConnections, keys.presenceUsers, keys.presenceCounts],
        [connectionField(instanceId, '')],
      );
      for (const json of left as string[])
        this.emit({ channel, event: 'presence.leave', user: parseUser(json) });
    }
    await this.index.forget(instanceId);
  }

  async restore(): Promise<void> {
    // Redis no longer has what failed to be removed: nothing left to retry.
    for (const { channel } of this.failedRemovals.values()) this.index.release(channel, false);
    this.failedRemovals.clear();
    await this.index.restore();
    for (const [channel, members] of this.local) {
      for (const [connectionId, user] of members) {
        if ((await this.runAdd(channel, user, connectionId)) === 1) {
          this.emit({ channel, event: 'presence.join', user });
        }
      }
    }
  }

  async retry(): Promise<void> {
    for (const [key, { channel, connectionId }] of this.failedRemovals) {
      const left = await this.runRemove(channel, connectionId);
      this.failedRemovals.delete(key);
      this.index.release(channel);
      if (left !== null) this.emit({ channel, event: 'presence.leave', user: parseUser(left) });
    }
  }

  private runAdd(channel: string, user: PresenceUser, connectionId: string): Promise<unknown> {
    const keys = this.keys.channel(channel);
    return PRESENCE_ADD_SCRIPT.run(
      this.redis,
      [keys.presenceConnections, keys.presenceUsers, keys.presenceCounts],
      [connectionField(this.memberId, connectionId), user.userId, JSON.stringify(user)],
    );
  }

  /** The user's JSON when this removal was its last connection in the channel, else null. */
  private async runRemove(channel: string, connectionId: string): Promise<string | null> {
    const keys = this.keys.channel(channel);
    const left = await PRESENCE_REMOVE_SCRIPT.run(
      this.redis,
      [keys.presenceConnections, keys.presenceUsers, keys.presenceCounts],
      [connectionField(this.memberId, connectionId)],
    );
    return typeof left === 'string' ? left : null;
  }

  private emit(change: PresenceChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
