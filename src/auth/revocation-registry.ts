import { Injectable } from '@nestjs/common';
import type { Principal } from './principal.js';

/** One user's token revocation: tokens issued at or before `before` are refused until `until`. */
export interface Revocation {
  /** Seconds since the epoch: a token whose `iat` is at or below it (or that has no `iat`) is refused. */
  readonly before: number;
  /** Milliseconds since the epoch after which the revocation is forgotten. */
  readonly until: number;
}

interface Held extends Revocation {
  /** When this copy was last written here (ms): a store snapshot older than that cannot overrule it. */
  readonly recordedAt: number;
}

/**
 * This instance's copy of every revocation in force, so a handshake, `auth.refresh` or a REST
 * call checks a token without any lookup. It is about tokens only and knows no store: the
 * channel core's `RevocationSync` loads it at start-up and merges the store's revocations in
 * periodically, and the cluster command that carries each new revocation (or its lifting)
 * updates it on every instance. Memory: one small entry per user revoked within
 * `REVOCATION_TTL_SECONDS`.
 */
@Injectable()
export class RevocationRegistry {
  private readonly revocations = new Map<string, Held>();
  /** Users whose revocation was lifted, and when (ms): a store snapshot read before that is stale for them. */
  private readonly lifted = new Map<string, number>();

  /**
   * Whether the principal's token is revoked: issued at or before the user's `before`, or
   * without `iat`. `iat` has one-second precision, so a token issued in the very second the
   * revocation names may predate it and is refused too.
   */
  isRevoked(principal: Principal): boolean {
    const revocation = this.revocations.get(principal.sub);
    if (!revocation) return false;
    if (revocation.until <= Date.now()) {
      this.revocations.delete(principal.sub);
      return false;
    }
    return principal.iat === undefined || principal.iat <= revocation.before;
  }

  /**
   * Takes a revocation in (from a broadcast), merged with the one held: the later `before` and
   * the later `until` win, so an older copy never weakens a newer one. Returns whether it
   * revokes more than before.
   */
  record(userId: string, revocation: Revocation): boolean {
    const now = Date.now();
    if (revocation.until <= now) return false;
    const held = this.revocations.get(userId);
    const active = held !== undefined && held.until > now;
    const merged = active
      ? { before: Math.max(held.before, revocation.before), until: Math.max(held.until, revocation.until) }
      : revocation;
    this.revocations.set(userId, { ...merged, recordedAt: now });
    return !active || revocation.before > held.before;
  }

  /** The user's revocation was lifted (control API): their tokens are accepted again here. */
  lift(userId: string): void {
    this.revocations.delete(userId);
    this.lifted.set(userId, Date.now());
  }

  /**
   * Makes this copy what the store held at `readAt` (ms, taken before the read began): an entry
   * recorded here since then came from a broadcast newer than the snapshot and is merged, never
   * overruled, and a user lifted here since then stays lifted; any other entry is replaced, or
   * dropped when the store no longer holds it (lifted, or expired). Returns the users now revoked more than before, whose open connections the
   * caller checks again.
   */
  synchronise(snapshot: ReadonlyMap<string, Revocation>, readAt: number): string[] {
    const changed: string[] = [];
    for (const [userId, held] of this.revocations) {
      if (held.recordedAt < readAt && !snapshot.has(userId)) this.revocations.delete(userId);
    }
    for (const [userId, revocation] of snapshot) {
      if ((this.lifted.get(userId) ?? -1) >= readAt) continue;
      const held = this.revocations.get(userId);
      if (held && held.recordedAt >= readAt) {
        if (this.record(userId, revocation)) changed.push(userId);
        continue;
      }
      if (revocation.until <= Date.now()) {
        this.revocations.delete(userId);
        continue;
      }
      this.revocations.set(userId, { ...revocation, recordedAt: readAt });
      if (!held || revocation.before > held.before) changed.push(userId);
    }
    for (const [userId, liftedAt] of this.lifted) if (liftedAt < readAt) this.lifted.delete(userId);
    return changed;
  }
}
