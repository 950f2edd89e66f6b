import type { ChannelOccupancy, Occupancy, OccupancyStore } from './occupancy-store.js';

/** Occupancy of the embedded single instance: channel → user → its connections. */
export class MemoryOccupancyStore implements OccupancyStore {
  private readonly channels = new Map<string, { users: Map<string, Set<string>>; subscribers: number }>();

  add(channel: string, userId: string, connectionId: string): Promise<void> {
    let entry = this.channels.get(channel);
    if (!entry) this.channels.set(channel, (entry = { users: new Map(), subscribers: 0 }));
    let connections = entry.users.get(userId);
    if (!connections) entry.users.set(userId, (connections = new Set()));
    if (!connections.has(connectionId)) {
      connections.add(connectionId);
      entry.subscribers++;
    }
    return Promise.resolve();
  }

  remove(channel: string, userId: string, connectionId: string): Promise<void> {
    const entry = this.channels.get(channel);
    const connections = entry?.users.get(userId);
    if (!entry || !connections?.delete(connectionId)) return Promise.resolve();
    entry.subscribers--;
    if (connections.size === 0) entry.users.delete(userId);
    if (entry.users.size === 0) this.channels.delete(channel);
    return Promise.resolve();
  }

  count(channel: string): Promise<Occupancy> {
    const entry = this.channels.get(channel);
    return Promise.resolve({ subscribers: entry?.subscribers ?? 0, users: entry?.users.size ?? 0 });
  }

  list(prefix: string, limit: number): Promise<ChannelOccupancy[]> {
    const matching = [...this.channels].filter(([name]) => name.startsWith(prefix));
    matching.sort(([a], [b]) => byCodePoint(a, b));
    return Promise.resolve(
      matching
        .slice(0, limit)
        .map(([channel, entry]) => ({ channel, subscribers: entry.subscribers, users: entry.users.size })),
    );
  }
}

/** The order Redis sorts names in (bytewise; channel names are ASCII), not the locale's. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
