/** How many connections, and how many distinct users, are subscribed to one channel. */
export interface Occupancy {
  readonly subscribers: number;
  readonly users: number;
}

export interface ChannelOccupancy extends Occupancy {
  readonly channel: string;
}

/**
 * Who is subscribed to which channel, counted as subscriptions change (never by asking the
 * instances), so a read costs the same however many instances there are. With Redis, every
 * instance's connections are counted and a dead instance's share is swept with its entries.
 * Every subscription counts, the personal channel `user:{sub}` included.
 */
export interface OccupancyStore {
  /** Records one connection's subscription; recording it again changes nothing. */
  add(channel: string, userId: string, connectionId: string): Promise<void>;
  /** Forgets it (nothing happens for a subscription this instance never recorded). */
  remove(channel: string, userId: string, connectionId: string): Promise<void>;
  count(channel: string): Promise<Occupancy>;
  /**
   * Channels with at least one subscriber whose name starts with `prefix` and, when given,
   * comes after `after` (bytewise), by name, at most `limit`.
   */
  list(prefix: string, limit: number, after?: string): Promise<ChannelOccupancy[]>;
}

export const OCCUPANCY_STORE = Symbol('OccupancyStore');
