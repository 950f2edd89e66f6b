import type { AppConfig } from '../../src/config/app-config.js';
import { ErrorCode } from '@switchboard/protocol';
import { BackendCall } from '../../src/core/stores/backend-call.js';
import { GatewayError } from '../../src/core/errors/gateway.error.js';
import { ModuleState } from '../../src/core/stores/module-state/module-state.js';
import {
  MODULE_STATE_LIMITS,
  type ModuleStateStore,
} from '../../src/core/stores/module-state/module-state.store.js';
import { GatewayMetrics } from '../../src/metrics/gateway-metrics.js';
import { untilGone } from './module-state.behaviour.js';
import { type StoreFactory, useStoreFixture } from './support/store-fixture.js';

/** The error a call fails with, whether it throws at once or rejects. */
async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded');
}

/**
 * What a domain module sees of a {@link ModuleStateStore}: the `ModuleState` facade, JSON values
 * under keys scoped per module, within the size limits.
 */
export function describeModuleStateScopeBehaviour(
  label: string,
  makeStore: StoreFactory<ModuleStateStore>,
): void {
  describe(`ModuleState facade behaviour: ${label}`, () => {
    const fixture = useStoreFixture(makeStore);
    const backend = new BackendCall(new GatewayMetrics({ instanceId: 'stores-e2e' } as AppConfig));
    const state = (module: string, store = fixture().store) => new ModuleState(store, backend).scope(module);

    it('round-trips JSON values; null is a value, distinct from a missing key', async () => {
      const orders = state('orders');
      const values: Record<string, unknown> = {
        object: { owner: 'ann', items: [{ sku: 'a-1', qty: 2 }], open: true, note: null },
        array: [1, 'two', [3], { four: 4 }],
        text: 'ünïcødé ✓ "quoted" \\ and\nlines',
        number: -12.5,
        zero: 0,
        flag: false,
        nothing: null,
      };
      for (const [key, value] of Object.entries(values)) await orders.set(key, value);
      for (const [key, value] of Object.entries(values)) expect(await orders.get(key)).toEqual(value);
      expect(await orders.get('missing')).toBeUndefined();
    });

    it('a value written on one instance reads the same on another', async () => {
      const peer = await fixture().peer();
      await state('orders').set('o-1', { owner: 'ann' });
      expect(await state('orders', peer).get('o-1')).toEqual({ owner: 'ann' });
    });

    it('scopes isolate modules: the same key in two modules is two values', async () => {
      const orders = state('orders');
      const parcels = state('parcels');
      await orders.set('k', 'of orders');
      expect(await parcels.get('k')).toBeUndefined();
      expect(await parcels.setIfAbsent('k', 'of parcels')).toBe(true);
      expect(await orders.increment('n')).toBe(1);
      expect(await parcels.increment('n')).toBe(1);
      expect(await parcels.delete('k')).toBe(true);
      expect(await orders.get('k')).toBe('of orders');
      expect(await state('orders').get('n')).toBe(1);
    });

    it('compareAndSet compares JSON: the value read back is the one to expect', async () => {
      const orders = state('orders');
      expect(await orders.compareAndSet('o-1', undefined, { owner: 'ann', status: 'new' })).toBe(true);
      const current = await orders.get<{ owner: string; status: string }>('o-1');
      expect(current).toEqual({ owner: 'ann', status: 'new' });
      expect(await orders.compareAndSet('o-1', current, { owner: 'ann', status: 'paid' })).toBe(true);
      expect(await orders.compareAndSet('o-1', current, { owner: 'ann', status: 'lost' })).toBe(false);
      expect(await orders.get('o-1')).toEqual({ owner: 'ann', status: 'paid' });
    });

    it('increment counts by one unless told otherwise; ttlMs expires a value', async () => {
      const throttle = state('throttle');
      expect(await throttle.increment('ann')).toBe(1);
      expect(await throttle.increment('ann', 4)).toBe(5);
      await throttle.set('claim', { by: 'ann' }, { ttlMs: 200 });
      expect(await throttle.setIfAbsent('lease', 'bob', { ttlMs: 200 })).toBe(true);
      await untilGone((key) => throttle.get(key), ['claim', 'lease']);
      expect(await throttle.get('claim')).toBeUndefined();
      expect(await throttle.setIfAbsent('lease', 'carl')).toBe(true);
      expect(await throttle.get('ann')).toBe(5);
    });

    it('takes keys of 1 to 512 characters and refuses others', async () => {
      const orders = state('orders');
      const longest = 'k'.repeat(MODULE_STATE_LIMITS.keyLength);
      await orders.set(longest, 1);
      expect(await orders.get(longest)).toBe(1);
      // The caller's mistake, refused before the store is asked: not a store failure (INTERNAL).
      for (const call of [
        () => orders.set(`${longest}k`, 2),
        () => orders.setIfAbsent('', 2),
        () => orders.get(`${longest}k`),
        () => orders.set('fine', 1, { ttlMs: 0 }),
      ]) {
        const error = await failure(call);
        expect(error).toBeInstanceOf(TypeError);
      }
      expect(await orders.get('fine')).toBeUndefined();
    });

    it('takes JSON values up to 64 KiB (counted in bytes) and refuses larger ones with BAD_REQUEST', async () => {
      const orders = state('orders');
      // A JSON string: two quotes around the text.
      const largest = 'x'.repeat(MODULE_STATE_LIMITS.valueBytes - 2);
      await orders.set('big', largest);
      expect(await orders.get('big')).toBe(largest);
      const refusals = [
        await failure(() => orders.set('big', `${largest}x`)),
        await failure(() => orders.setIfAbsent('other', `${'é'.repeat(MODULE_STATE_LIMITS.valueBytes / 2)}`)),
        await failure(() => orders.compareAndSet('big', largest, `${largest}x`)),
      ];
      for (const error of refusals) {
        expect(error).toBeInstanceOf(GatewayError);
        expect((error as GatewayError).code).toBe(ErrorCode.BadRequest);
      }
      expect(await orders.get('big')).toBe(largest);
      expect(await orders.get('other')).toBeUndefined();
    });

    it('refuses a scope name that is not a module name', () => {
      const states = new ModuleState(fixture().store, backend);
      for (const name of ['', 'Orders', '1orders', 'orders:x', 'a'.repeat(33)]) {
        expect(() => states.scope(name)).toThrow(TypeError);
      }
    });
  });
}
