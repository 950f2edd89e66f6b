import { addTo, hasMember, type OneOrMany, removeFrom } from '../../connections/one-or-many.js';
import { ChannelChanges } from '../channel-changes/channel-changes.js';
import type { ChannelOccupancy, Occupancy, OccupancyStore } from './occupancy-store.js';

/**
 * Occupancy of the embedded single instance: one index of (channel, user) → its connections
 * over all channels, and the two counts per channel. A map of users per channel would cost
 * about 200 bytes of heap on every connection, for its personal channel alone.
 *
 * A channel's 0 → 1 and 1 → 0 transitions are reported to `changes` in the same tick as they
 * happen, so their order is the order they happened in.
 */
export class MemoryOccupancyStore implements OccupancyStore {
  private readonly connections = new Map<string, OneOrMany<string>>();
  private readonly channels = new Map<string, { subscribers: number; users: number }>();

  constructor(private readonly changes: ChannelChanges = ChannelChanges.NONE) {}

  add(channel: string, userId: string, connectionId: string): Promise<void> {
    const key = keyOf(channel, userId);
    const held = this.connections.get(key);
    if (hasMember(held, connectionId)) return Promise.resolve();
    addTo(this.connections, key, connectionId);
    let counts = this.channels.get(channel);
    if (!counts) {
      this.channels.set(channel, (counts = { subscribers: 0, users: 0 }));
      this.changes.report(channel, 'channel.occupied');
    }
    counts.subscribers++;
    if (held === undefined) counts.users++;
    return Promise.resolve();
  }

  remove(channel: string, userId: string, connectionId: string): Promise<void> {
    const key = keyOf(channel, userId);
    const counts = this.channels.get(channel);
    if (!counts || !removeFrom(this.connections, key, connectionId)) return Promise.resolve();
    counts.subscribers--;
    if (!this.connections.has(key)) counts.users--;
    if (counts.subscribers === 0) {
      this.channels.delete(channel);
      this.changes.report(channel, 'channel.vacated');
    }
    return Promise.resolve();
  }

  count(channel: string): Promise<Occupancy> {
    const entry = this.channels.get(channel);
    return Promise.resolve({ subscribers: entry?.subscribers ?? 0, users: entry?.users ?? 0 });
  }

  list(prefix: string, limit: number, after?: string): Promise<ChannelOccupancy[]> {
    const matching = [...this.channels].filter(
      ([name]) => name.startsWith(prefix) && (after === undefined || name > after),
    );
    matching.sort(([a], [b]) => byCodePoint(a, b));
    return Promise.resolve(
      matching.slice(0, limit).map(([channel, { subscribers, users }]) => ({ channel, subscribers, users })),
    );
  }
}

/** Channel names never contain a line feed, so the key is unambiguous. */
function keyOf(channel: string, userId: string): string {
  return `${channel}\n${userId}`;
}

/** The order Redis sorts names in (bytewise; channel names are ASCII), not the locale's. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
