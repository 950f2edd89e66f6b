import type { Revocation } from '../../../auth/revocation-registry.js';

export type { Revocation };

/**
 * Token revocations of the control API (`POST /api/v1/users/:userId/revoke`), kept for
 * `REVOCATION_TTL_SECONDS`. Shared by every instance with Redis; each instance checks tokens
 * against its own copy (see `RevocationRegistry`), never against the store.
 */
export interface RevocationStore {
  /**
   * Records a revocation. An active one is merged, never weakened: the later `before` wins
   * and the TTL starts again. Returns the revocation now in force.
   */
  revoke(userId: string, before: number, ttlSeconds: number): Promise<Revocation>;
  /** Forgets the user's revocation (`DELETE /api/v1/users/:userId/revoke`); whether one was in force. */
  lift(userId: string): Promise<boolean>;
  /** Every revocation still in force, by user id (expired ones are dropped). */
  active(): Promise<Map<string, Revocation>>;
}

export const REVOCATION_STORE = Symbol('RevocationStore');

/** The merge rule both stores follow (the Redis one in Lua). */
export function mergeRevocation(
  current: Revocation | undefined,
  before: number,
  until: number,
  now: number,
): Revocation {
  const kept = current !== undefined && current.until > now && current.before > before;
  return { before: kept ? current.before : before, until };
}

/** A `before` any store may record: whole seconds (a `null` or a fraction is a caller's bug). */
export function assertBefore(before: number): void {
  if (!Number.isSafeInteger(before) || before < 0) {
    throw new TypeError(`a revocation's before must be whole seconds, got ${String(before)}`);
  }
}
