import { DEFAULT_LIVENESS } from './instance-liveness.js';

describe('DEFAULT_LIVENESS', () => {
  it('notices a dead instance within the contract’s 60 s, after several missed beats', () => {
    const { intervalMs, ttlMs } = DEFAULT_LIVENESS;
    // Dead at most ttl after its last beat; a live instance sweeps within one interval.
    expect(ttlMs + intervalMs).toBeLessThanOrEqual(30_000);
    expect(ttlMs / intervalMs).toBeGreaterThanOrEqual(3);
  });
});
