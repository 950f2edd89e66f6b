/**
 * Live connections per user, for `MAX_CONNECTIONS_PER_USER` (with Redis: across instances).
 */
export interface ConnectionRegistry {
  /** Records the connection unless the user already has `max`; returns whether it was recorded. */
  acquire(userId: string, connectionId: string, max: number): Promise<boolean>;
  release(userId: string, connectionId: string): Promise<void>;
}

export const CONNECTION_REGISTRY = Symbol('ConnectionRegistry');
