/**
 * What a behavioural suite gets from the implementation under test, for one test: the store as
 * one instance sees it, and the same shared state seen from a second instance (a second
 * backend on the same Redis key prefix; in memory there is only one instance, so the same
 * store). Interfaces that promise atomicity "on any instance" are raced through both.
 */
export interface StoreFixture<S> {
  readonly store: S;
  /** Another instance on the same state, created on first use (memory: {@link store}). */
  peer(): Promise<S>;
  close(): Promise<void>;
}

/** Builds a fresh, empty store (its own key prefix on Redis) for one test. */
export type StoreFactory<S> = () => Promise<StoreFixture<S>>;

/**
 * Opens a fixture before each test of the enclosing `describe` and closes it after; the
 * returned getter is the current test's fixture.
 */
export function useStoreFixture<S>(makeStore: StoreFactory<S>): () => StoreFixture<S> {
  let current: StoreFixture<S> | undefined;
  beforeEach(async () => {
    current = await makeStore();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('no store fixture outside a test');
    return current;
  };
}

/** Settings every channel log under test is built with (the suite asserts against them). */
export const LOG_SETTINGS = {
  historySize: 5,
  historyTtlSeconds: 300,
  streamTtlSeconds: 3_600,
  idempotencyTtlSeconds: 300,
} as const;
