import type { ModuleStateStore } from '../../src/core/stores/module-state/module-state.store.js';
import { eventually } from '../support/wait.js';
import { type StoreFactory, useStoreFixture } from './support/store-fixture.js';

/** Short enough to wait out in a test, long enough to be a real TTL. */
const SHORT_TTL_MS = 200;
/** Never reached within a test: a key written with it must still be there at the end. */
const LONG_TTL_MS = 60_000;

/** Waits until every key reads as absent through `read` (their TTL passed); fails after 5 s. */
export async function untilGone(
  read: (key: string) => Promise<unknown>,
  keys: readonly string[],
): Promise<void> {
  await eventually(
    async () => {
      for (const key of keys) if ((await read(key)) !== undefined) return false;
      return true;
    },
    { timeoutMs: 5_000, what: `keys ${keys.join(', ')} to expire` },
  );
}

/** The promises of {@link ModuleStateStore}: strings under keys, TTLs, and atomic steps on any instance. */
export function describeModuleStateBehaviour(label: string, makeStore: StoreFactory<ModuleStateStore>): void {
  describe(`ModuleStateStore behaviour: ${label}`, () => {
    const fixture = useStoreFixture(makeStore);

    it('gets what was set, replaces it, and deletes it (telling whether it existed)', async () => {
      const { store } = fixture();
      expect(await store.get('k')).toBeUndefined();
      await store.set('k', 'one');
      expect(await store.get('k')).toBe('one');
      await store.set('k', 'two');
      expect(await store.get('k')).toBe('two');
      expect(await store.delete('k')).toBe(true);
      expect(await store.get('k')).toBeUndefined();
      expect(await store.delete('k')).toBe(false);
    });

    it('setIfAbsent writes only a missing key', async () => {
      const { store } = fixture();
      expect(await store.setIfAbsent('k', 'first')).toBe(true);
      expect(await store.setIfAbsent('k', 'second')).toBe(false);
      expect(await store.get('k')).toBe('first');
    });

    it('compareAndSet writes only over exactly the expected value (undefined: a missing key)', async () => {
      const { store } = fixture();
      expect(await store.compareAndSet('k', 'x', 'never')).toBe(false);
      expect(await store.get('k')).toBeUndefined();
      expect(await store.compareAndSet('k', undefined, 'v1')).toBe(true);
      expect(await store.compareAndSet('k', undefined, 'again')).toBe(false);
      expect(await store.compareAndSet('k', 'v0', 'stale')).toBe(false);
      expect(await store.get('k')).toBe('v1');
      expect(await store.compareAndSet('k', 'v1', 'v2')).toBe(true);
      expect(await store.get('k')).toBe('v2');
    });

    it('increment counts a missing key as 0, returns the result and stores the integer', async () => {
      const { store } = fixture();
      expect(await store.increment('n', 1)).toBe(1);
      expect(await store.increment('n', 41)).toBe(42);
      expect(await store.increment('n', -50)).toBe(-8);
      expect(await store.get('n')).toBe('-8');
      await store.set('m', '10');
      expect(await store.increment('m', 5)).toBe(15);
    });

    it('refuses to increment a value that is not an integer, and leaves it as it was', async () => {
      const { store } = fixture();
      for (const value of ['abc', '1.5', '1e3', ' 7', '', '+5', '007', '-0', '0x10']) {
        await store.set('k', value);
        await expect(store.increment('k', 1)).rejects.toThrow();
        expect(await store.get('k')).toBe(value);
      }
    });

    it('keys are independent of each other', async () => {
      const { store } = fixture();
      await store.set('a', 'A');
      await store.set('a:b', 'AB');
      expect(await store.increment('c', 3)).toBe(3);
      expect(await store.delete('a')).toBe(true);
      expect([await store.get('a'), await store.get('a:b'), await store.get('c')]).toEqual([
        undefined,
        'AB',
        '3',
      ]);
    });

    it('every write with a TTL expires, and an expired key is absent to every operation', async () => {
      const { store } = fixture();
      await store.set('set', 'v', SHORT_TTL_MS);
      expect(await store.setIfAbsent('nx', 'v', SHORT_TTL_MS)).toBe(true);
      expect(await store.compareAndSet('cas', undefined, 'v', SHORT_TTL_MS)).toBe(true);
      expect(await store.increment('incr', 1, SHORT_TTL_MS)).toBe(1);
      // The same writes with a TTL no test outlives: the value is written, and kept.
      await store.set('set-long', 'v', LONG_TTL_MS);
      expect(await store.setIfAbsent('nx-long', 'v', LONG_TTL_MS)).toBe(true);
      expect(await store.compareAndSet('cas-long', undefined, 'v', LONG_TTL_MS)).toBe(true);
      expect(await store.increment('incr-long', 1, LONG_TTL_MS)).toBe(1);

      await untilGone((key) => store.get(key), ['set', 'nx', 'cas', 'incr']);
      for (const key of ['set-long', 'nx-long', 'cas-long']) expect(await store.get(key)).toBe('v');
      expect(await store.get('incr-long')).toBe('1');
      expect(await store.delete('set')).toBe(false);
      expect(await store.compareAndSet('cas', 'v', 'old value')).toBe(false);
      expect(await store.setIfAbsent('nx', 'again')).toBe(true);
      expect(await store.compareAndSet('cas', undefined, 'again')).toBe(true);
      expect(await store.increment('incr', 5)).toBe(5);
    });

    it('a TTL counts from its write: a later write without one keeps the key until deleted', async () => {
      const { store } = fixture();
      await store.set('set', 'first', SHORT_TTL_MS);
      await store.set('set', 'kept');
      await store.compareAndSet('cas', undefined, 'first', SHORT_TTL_MS);
      expect(await store.compareAndSet('cas', 'first', 'kept')).toBe(true);
      // Written after the keys above with the same TTL: once it is gone, theirs would be too.
      await store.set('reference', 'v', SHORT_TTL_MS);
      await untilGone((key) => store.get(key), ['reference']);
      expect([await store.get('set'), await store.get('cas')]).toEqual(['kept', 'kept']);
    });

    it('increment applies its TTL only when it creates the key; an existing key keeps its expiry', async () => {
      const { store } = fixture();
      // Existing keys without expiry, one of them holding exactly the increment's result.
      await store.set('zero', '0');
      expect(await store.increment('zero', 5, SHORT_TTL_MS)).toBe(5);
      await store.set('ten', '10');
      expect(await store.increment('ten', 5, SHORT_TTL_MS)).toBe(15);
      expect(await store.increment('back', 3)).toBe(3);
      expect(await store.increment('back', -3)).toBe(0);
      expect(await store.increment('back', 2, SHORT_TTL_MS)).toBe(2);
      // Created with a long TTL: a later short one does not shorten it.
      expect(await store.increment('long', 1, LONG_TTL_MS)).toBe(1);
      expect(await store.increment('long', 1, SHORT_TTL_MS)).toBe(2);
      // Created by this call: its TTL applies. Written last, so it expires last.
      expect(await store.increment('created', 7, SHORT_TTL_MS)).toBe(7);

      await untilGone((key) => store.get(key), ['created']);
      expect({
        zero: await store.get('zero'),
        ten: await store.get('ten'),
        back: await store.get('back'),
        long: await store.get('long'),
      }).toEqual({ zero: '5', ten: '15', back: '2', long: '2' });
    });

    it('setIfAbsent on one key from 50 concurrent callers on two instances: exactly one wins', async () => {
      const { store } = fixture();
      const peer = await fixture().peer();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? store : peer).setIfAbsent('lock', `owner-${i}`)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get('lock')).toBe(`owner-${results.indexOf(true)}`);
    });

    it('100 concurrent increments on two instances: each caller sees its own result, the total is exact', async () => {
      const { store } = fixture();
      const peer = await fixture().peer();
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? store : peer).increment('hits', 1)),
      );
      expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(await peer.get('hits')).toBe('100');
    });

    it('compare-and-set loops of 20 concurrent writers on two instances lose no update', async () => {
      const { store } = fixture();
      const peer = await fixture().peer();
      const addOne = async (on: ModuleStateStore): Promise<number> => {
        for (let attempt = 1; ; attempt++) {
          const current = await on.get('list');
          const items = current === undefined ? [] : (JSON.parse(current) as number[]);
          if (await on.compareAndSet('list', current, JSON.stringify([...items, items.length])))
            return attempt;
        }
      };
      const attempts = await Promise.all(
        Array.from({ length: 20 }, (_, i) => addOne(i % 2 === 0 ? store : peer)),
      );
      expect(JSON.parse((await store.get('list')) ?? 'null')).toEqual(
        Array.from({ length: 20 }, (_, i) => i),
      );
      // Sanity: the writers did collide, so the compare was exercised.
      expect(Math.max(...attempts)).toBeGreaterThan(1);
    });
  });
}
