import type { StoreFactory } from './store-fixture.js';

/** The memory implementation: one instance, so the peer is the store itself. */
export function memoryStores<S>(create: () => S): StoreFactory<S> {
  return () => {
    const store = create();
    return Promise.resolve({ store, peer: () => Promise.resolve(store), close: () => Promise.resolve() });
  };
}
