export interface PresenceUser {
  readonly userId: string;
  readonly name?: string;
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
}

export const PRESENCE_STORE = Symbol('PresenceStore');
