/** One user's token revocation: tokens issued before `before` are refused until `until`. */
export interface Revocation {
  /** Seconds since the epoch: a token whose `iat` is below it (or that has no `iat`) is refused. */
  readonly before: number;
  /** Milliseconds since the epoch after which the revocation is forgotten. */
  readonly until: number;
}

/**
 * Token revocations of the control API (`POST /api/v1/users/:userId/revoke`), kept for
 * `REVOCATION_TTL_SECONDS`. Shared by every instance with Redis; each instance checks
 * handshakes against its own copy (see `RevocationRegistry`), never against the store.
 */
export interface RevocationStore {
  /**
   * Records a revocation. An active one is merged, never weakened: the later `before` wins
   * and the TTL starts again. Returns the revocation now in force.
   */
  revoke(userId: string, before: number, ttlSeconds: number): Promise<Revocation>;
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
