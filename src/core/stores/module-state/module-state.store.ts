/**
 * Small cluster-wide key-value state for domain modules (an owner map, a throttle, a counter),
 * so a module is correct on N instances without touching Redis itself. Values are strings
 * (the `ModuleState` facade stores JSON); keys arrive already scoped per module.
 *
 * Every operation is one atomic step on the key (Redis: one command or one script on the
 * key's node; memory: synchronous), so concurrent callers on any instance never interleave
 * inside one. A TTL, where given, is in milliseconds and counts from that write. A failure
 * of the store itself rejects (the caller answers `INTERNAL` / 503); nothing is retried.
 */
export interface ModuleStateStore {
  get(key: string): Promise<string | undefined>;
  /** Writes `value`, replacing any; without `ttlMs` it lives until deleted. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Writes `value` only when the key does not exist; returns whether it did write. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /**
   * Writes `value` only when the key holds exactly `expected` (`undefined`: does not exist);
   * returns whether it did write.
   */
  compareAndSet(key: string, expected: string | undefined, value: string, ttlMs?: number): Promise<boolean>;
  /**
   * Adds `by` to the integer held (a missing key counts as 0) and returns the result. `ttlMs`
   * applies when this call creates the key; an existing key keeps its expiry.
   */
  increment(key: string, by: number, ttlMs?: number): Promise<number>;
  /** Returns whether the key existed. */
  delete(key: string): Promise<boolean>;
}

export const MODULE_STATE_STORE = Symbol('ModuleStateStore');

/** Checked by the facade before any store sees a value. */
export const MODULE_STATE_LIMITS = { keyLength: 512, valueBytes: 65_536 } as const;
