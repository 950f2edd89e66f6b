import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from './principal.js';
import {
  REVOCATION_STORE,
  type Revocation,
  type RevocationStore,
} from '../core/stores/revocations/revocation-store.js';

/**
 * This instance's copy of every revocation in force, so a handshake or `auth.refresh` checks
 * a token without any lookup. It is loaded at start-up, updated by the cluster command that
 * carries each new revocation (the same broadcast that terminates the connections), and
 * merged with the store every `RevocationSync` interval, in case a broadcast was missed.
 * Memory: one small entry per user revoked within `REVOCATION_TTL_SECONDS`.
 */
@Injectable()
export class RevocationRegistry {
  private readonly revocations = new Map<string, Revocation>();

  constructor(@Inject(REVOCATION_STORE) private readonly store: RevocationStore) {}

  /**
   * Whether the principal's token is revoked: issued strictly before the user's `before`, or
   * without `iat`. A token issued in the very second `before` names is accepted.
   */
  isRevoked(principal: Principal): boolean {
    const revocation = this.revocations.get(principal.sub);
    if (!revocation) return false;
    if (revocation.until <= Date.now()) {
      this.revocations.delete(principal.sub);
      return false;
    }
    return principal.iat === undefined || principal.iat < revocation.before;
  }

  /**
   * Takes a revocation in (from a broadcast or the store), merged with the one held: the later
   * `before` and the later `until` win, so an older copy never weakens a newer one. Returns
   * whether it revokes more than before.
   */
  record(userId: string, revocation: Revocation): boolean {
    const now = Date.now();
    if (revocation.until <= now) return false;
    const held = this.revocations.get(userId);
    const active = held !== undefined && held.until > now;
    this.revocations.set(
      userId,
      active
        ? { before: Math.max(held.before, revocation.before), until: Math.max(held.until, revocation.until) }
        : revocation,
    );
    return !active || revocation.before > held.before;
  }

  /** Merges in every revocation of the store; returns the users now revoked more than before. */
  async synchronise(): Promise<string[]> {
    const changed: string[] = [];
    for (const [userId, revocation] of await this.store.active()) {
      if (this.record(userId, revocation)) changed.push(userId);
    }
    const now = Date.now();
    for (const [userId, { until }] of this.revocations) if (until <= now) this.revocations.delete(userId);
    return changed;
  }
}
