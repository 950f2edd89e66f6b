import type { Principal } from './principal.js';
import { RevocationRegistry, type Revocation } from './revocation-registry.js';

const principal = (sub: string, iat?: number): Principal => ({ sub, roles: [], channels: [], iat });
const inAnHour = (): number => Date.now() + 3_600_000;
const snapshot = (entries: Record<string, Revocation>): Map<string, Revocation> =>
  new Map(Object.entries(entries));

describe('RevocationRegistry', () => {
  it('refuses tokens issued at or before `before`, and tokens without iat; accepts a later iat', () => {
    const registry = new RevocationRegistry();
    expect(registry.record('ann', { before: 1000, until: inAnHour() })).toBe(true);
    expect(registry.isRevoked(principal('ann', 999))).toBe(true);
    expect(registry.isRevoked(principal('ann', 1000))).toBe(true);
    expect(registry.isRevoked(principal('ann'))).toBe(true);
    expect(registry.isRevoked(principal('ann', 1001))).toBe(false);
    expect(registry.isRevoked(principal('bob', 1))).toBe(false);
  });

  it('never weakens a revocation it holds: the later before and the later until win', () => {
    const registry = new RevocationRegistry();
    const until = inAnHour();
    registry.record('ann', { before: 1000, until });
    expect(registry.record('ann', { before: 500, until: until + 1000 })).toBe(false);
    expect(registry.isRevoked(principal('ann', 999))).toBe(true);
    expect(registry.record('ann', { before: 2000, until: until - 1000 })).toBe(true);
    expect(registry.isRevoked(principal('ann', 1999))).toBe(true);
  });

  it('forgets a revocation once its until has passed', () => {
    const registry = new RevocationRegistry();
    expect(registry.record('ann', { before: 1000, until: Date.now() - 1 })).toBe(false);
    expect(registry.isRevoked(principal('ann', 1))).toBe(false);
  });

  it('lifts a revocation', () => {
    const registry = new RevocationRegistry();
    registry.record('ann', { before: 1000, until: inAnHour() });
    registry.lift('ann');
    expect(registry.isRevoked(principal('ann', 1))).toBe(false);
  });

  it('takes in what the store held and reports the users it now revokes more', () => {
    const registry = new RevocationRegistry();
    const until = inAnHour();
    registry.record('bob', { before: 1000, until });
    const readAt = Date.now() + 1;
    const held = snapshot({ ann: { before: 1000, until }, bob: { before: 1000, until } });
    expect(registry.synchronise(held, readAt)).toEqual(['ann']);
    expect(registry.isRevoked(principal('ann', 999))).toBe(true);
    expect(registry.synchronise(held, readAt + 1)).toEqual([]);
  });

  it('drops what the store no longer holds (lifted elsewhere), but not what arrived after the read began', () => {
    const registry = new RevocationRegistry();
    const until = inAnHour();
    registry.record('ann', { before: 1000, until });
    const readAt = Date.now() + 1;
    expect(registry.synchronise(snapshot({}), readAt)).toEqual([]);
    expect(registry.isRevoked(principal('ann', 1))).toBe(false);

    // A broadcast recorded after the read began is newer than the snapshot: kept.
    const earlier = Date.now() - 10;
    registry.record('bob', { before: 1000, until });
    registry.synchronise(snapshot({}), earlier);
    expect(registry.isRevoked(principal('bob', 1))).toBe(true);
  });

  it('keeps a user lifted here after the read began, though the snapshot still holds them', () => {
    const registry = new RevocationRegistry();
    const until = inAnHour();
    const readAt = Date.now() - 10;
    registry.lift('ann');
    expect(registry.synchronise(snapshot({ ann: { before: 1000, until } }), readAt)).toEqual([]);
    expect(registry.isRevoked(principal('ann', 1))).toBe(false);
  });
});
