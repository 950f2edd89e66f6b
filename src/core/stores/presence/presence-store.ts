import type { PresenceUser } from '@switchboard/protocol';

/** A join or leave the store itself decided, not the result of an `add` or `remove`. */
export interface PresenceChange {
  readonly channel: string;
  readonly event: 'presence.join' | 'presence.leave';
  readonly user: PresenceUser;
}

/**
 * Who is in a presence channel, per user across all connections (and, with Redis, all
 * instances). `add`/`remove` report whether the user's presence changed, so a join or leave
 * is announced once per user, not once per tab.
 */
export interface PresenceStore {
  /** Returns true when this is the user's first connection in the channel. */
  add(channel: string, user: PresenceUser, connectionId: string): Promise<boolean>;
  /** Returns true when this was the user's last connection in the channel. */
  remove(channel: string, userId: string, connectionId: string): Promise<boolean>;
  list(channel: string): Promise<PresenceUser[]>;
  /**
   * Shared stores (Redis) change presence by themselves too: a dead instance's users are
   * swept out, this instance's users are written again after Redis lost them. Each such
   * change is reported once, by the one instance that made it, to be announced.
   */
  onChange?(listener: (change: PresenceChange) => void): void;
}

export const PRESENCE_STORE = Symbol('PresenceStore');
