import { assertBefore, mergeRevocation, type Revocation, type RevocationStore } from './revocation-store.js';

/** Revocations of the embedded single instance. */
export class MemoryRevocationStore implements RevocationStore {
  private readonly revocations = new Map<string, Revocation>();

  revoke(userId: string, before: number, ttlSeconds: number): Promise<Revocation> {
    assertBefore(before);
    const now = Date.now();
    const revocation = mergeRevocation(this.revocations.get(userId), before, now + ttlSeconds * 1000, now);
    this.revocations.set(userId, revocation);
    return Promise.resolve(revocation);
  }

  lift(userId: string): Promise<boolean> {
    const held = this.revocations.get(userId);
    this.revocations.delete(userId);
    return Promise.resolve(held !== undefined && held.until > Date.now());
  }

  active(): Promise<Map<string, Revocation>> {
    const now = Date.now();
    for (const [userId, { until }] of this.revocations) if (until <= now) this.revocations.delete(userId);
    return Promise.resolve(new Map(this.revocations));
  }
}
