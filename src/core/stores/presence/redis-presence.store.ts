import type { PresenceChange, PresenceStore } from './presence-store.js';
import { InstanceEntries } from '../redis/instance-entries.js';
import type { InstanceLiveness, InstanceParticipant } from '../redis/instance-liveness.js';
import type { RedisClient } from '../redis/lua-script.js';
import { PRESENCE_ADD_SCRIPT, PRESENCE_EVICT_SCRIPT, PRESENCE_REMOVE_SCRIPT } from './presence.scripts.js';
import { connectionField, type RedisKeys } from '../redis/redis-keys.js';
import type { PresenceUser } from '@switchboard/protocol';

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
 */
export class RedisPresenceStore implements PresenceStore, InstanceParticipant {
  private readonly entries: InstanceEntries<PresenceUser>;
  private readonly listeners: ChangeListener[] = [];
  private readonly memberId: string;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    liveness: InstanceLiveness,
  ) {
    this.memberId = liveness.memberId;
    this.entries = new InstanceEntries(redis, keys, 'presence', this.memberId);
    liveness.register(this);
  }

  async add(channel: string, user: PresenceUser, connectionId: string): Promise<boolean> {
    if (this.entries.has(channel, connectionId))
      return (await this.runAdd(channel, user, connectionId)) === 1;
    return (
      (await this.entries.add(channel, connectionId, user, () =>
        this.runAdd(channel, user, connectionId),
      )) === 1
    );
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
      const left = await PRESENCE_EVICT_SCRIPT.run(
        this.redis,
        [keys.presenceConnections, keys.presenceUsers, keys.presenceCounts],
        [connectionField(instanceId, '')],
      );
      for (const json of left as string[])
        this.emit({ channel, event: 'presence.leave', user: parseUser(json) });
    });
  }

  restore(): Promise<void> {
    return this.entries.restore(async (channel, members) => {
      for (const [connectionId, user] of members) {
        if ((await this.runAdd(channel, user, connectionId)) === 1) {
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
