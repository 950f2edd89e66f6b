import type { ModuleStateStore } from './module-state.store.js';

interface Entry {
  value: string;
  /** Milliseconds since the epoch; `Infinity` without a TTL. */
  expiresAt: number;
}

/**
 * The integers Redis' INCRBY accepts: plain decimal, no sign but a minus, no space, exponent or
 * leading zero (`Number()` would also take ' 7', '1e3', '0x10' or '').
 */
const CANONICAL_INTEGER = /^(?:0|-?[1-9][0-9]*)$/;

/** The embedded module state: a map, expired entries dropped on access and by {@link sweep}. */
export class MemoryModuleStateStore implements ModuleStateStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.live(key)?.value);
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.write(key, value, ttlMs);
    return Promise.resolve();
  }

  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    if (this.live(key)) return Promise.resolve(false);
    this.write(key, value, ttlMs);
    return Promise.resolve(true);
  }

  compareAndSet(key: string, expected: string | undefined, value: string, ttlMs?: number): Promise<boolean> {
    if (this.live(key)?.value !== expected) return Promise.resolve(false);
    this.write(key, value, ttlMs);
    return Promise.resolve(true);
  }

  increment(key: string, by: number, ttlMs?: number): Promise<number> {
    const entry = this.live(key);
    if (!entry) {
      this.write(key, String(by), ttlMs);
      return Promise.resolve(by);
    }
    const current = CANONICAL_INTEGER.test(entry.value) ? Number(entry.value) : NaN;
    if (!Number.isSafeInteger(current)) return Promise.reject(new Error(`"${key}" does not hold an integer`));
    entry.value = String(current + by);
    return Promise.resolve(current + by);
  }

  delete(key: string): Promise<boolean> {
    const existed = this.live(key) !== undefined;
    this.entries.delete(key);
    return Promise.resolve(existed);
  }

  /** Drops expired entries; called periodically by the owner. */
  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private write(key: string, value: string, ttlMs?: number): void {
    this.entries.set(key, { value, expiresAt: ttlMs === undefined ? Infinity : this.now() + ttlMs });
  }
}
