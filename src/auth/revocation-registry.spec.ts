import type { Principal } from './principal.js';
import { MemoryRevocationStore } from '../core/stores/revocations/memory-revocation.store.js';
import { RevocationRegistry } from './revocation-registry.js';

const principal = (sub: string, iat?: number): Principal => ({ sub, roles: [], channels: [], iat });
const inAnHour = (): number => Date.now() + 3_600_000;

describe('RevocationRegistry', () => {
  it('refuses tokens issued strictly before `before`, and tokens without iat; accepts iat == before', () => {
    const registry = new RevocationRegistry(new MemoryRevocationStore());
    expect(registry.record('ann', { before: 1000, until: inAnHour() })).toBe(true);
    expect(registry.isRevoked(principal('ann', 999))).toBe(true);
    expect(registry.isRevoked(principal('ann'))).toBe(true);
    expect(registry.isRevoked(principal('ann', 1000))).toBe(false);
    expect(registry.isRevoked(principal('bob', 1))).toBe(false);
  });

  it('never weakens a revocation it holds: the later before and the later until win', () => {
    const registry = new RevocationRegistry(new MemoryRevocationStore());
    const until = inAnHour();
    registry.record('ann', { before: 1000, until });
    expect(registry.record('ann', { before: 500, until: until + 1000 })).toBe(false);
    expect(registry.isRevoked(principal('ann', 999))).toBe(true);
    expect(registry.record('ann', { before: 2000, until: until - 1000 })).toBe(true);
    expect(registry.isRevoked(principal('ann', 1999))).toBe(true);
  });

  it('forgets a revocation once its until has passed', () => {
    const registry = new RevocationRegistry(new MemoryRevocationStore());
    expect(registry.record('ann', { before: 1000, until: Date.now() - 1 })).toBe(false);
    expect(registry.isRevoked(principal('ann', 1))).toBe(false);
  });

  it('takes in what the store holds and reports the users it now revokes more', async () => {
    const store = new MemoryRevocationStore();
    const registry = new RevocationRegistry(store);
    await store.revoke('ann', 1000, 60);
    await store.revoke('bob', 1000, 60);
    registry.record('bob', { before: 1000, until: inAnHour() });
    expect(await registry.synchronise()).toEqual(['ann']);
    expect(registry.isRevoked(principal('ann', 999))).toBe(true);
    expect(await registry.synchronise()).toEqual([]);
  });
});
