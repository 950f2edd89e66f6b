import type { PresenceStore } from './presence-store.js';
import type { PresenceUser } from '@switchboard/protocol';
import { ChannelChanges } from '../channel-changes/channel-changes.js';

interface Member {
  user: PresenceUser;
  connections: Set<string>;
}

/** Presence of the embedded single instance; joins and leaves go to `changes` in the same tick. */
export class MemoryPresenceStore implements PresenceStore {
  private readonly channels = new Map<string, Map<string, Member>>();

  constructor(private readonly changes: ChannelChanges = ChannelChanges.NONE) {}

  add(channel: string, user: PresenceUser, connectionId: string): Promise<boolean> {
    let members = this.channels.get(channel);
    if (!members) this.channels.set(channel, (members = new Map<string, Member>()));
    const member = members.get(user.userId);
    if (member) {
      member.connections.add(connectionId);
      return Promise.resolve(false);
    }
    members.set(user.userId, { user, connections: new Set([connectionId]) });
    this.changes.report(channel, 'presence.joined', user);
    return Promise.resolve(true);
  }

  remove(channel: string, userId: string, connectionId: string): Promise<boolean> {
    const members = this.channels.get(channel);
    const member = members?.get(userId);
    if (!members || !member || !member.connections.delete(connectionId)) return Promise.resolve(false);
    if (member.connections.size > 0) return Promise.resolve(false);
    members.delete(userId);
    if (members.size === 0) this.channels.delete(channel);
    this.changes.report(channel, 'presence.left', member.user);
    return Promise.resolve(true);
  }

  list(channel: string): Promise<PresenceUser[]> {
    return Promise.resolve([...(this.channels.get(channel)?.values() ?? [])].map((member) => member.user));
  }
}
