import { Inject, Injectable } from '@nestjs/common';
import { GatewayError } from '../../errors/gateway.error.js';
import { BackendCall } from '../backend-call.js';
import { MODULE_STATE_LIMITS, MODULE_STATE_STORE, type ModuleStateStore } from './module-state.store.js';

export interface StateWriteOptions {
  /** How long the value lives after this write, in milliseconds; absent: until deleted. */
  readonly ttlMs?: number;
}

/**
 * One module's view of the module state: JSON values under keys of its own. Every call is
 * one atomic step, on every instance alike (in memory, or in Redis with `REDIS_URL`), so state
 * kept here is correct on N instances by construction. A store failure rejects with an
 * `INTERNAL` error (REST: 503): a policy that reads state it cannot reach never allows.
 */
export class ModuleStateScope {
  constructor(
    private readonly scope: string,
    private readonly store: ModuleStateStore,
    private readonly backend: BackendCall,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const name = this.key(key);
    const raw = await this.run('get', () => this.store.get(name));
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  async set<T>(key: string, value: T, options: StateWriteOptions = {}): Promise<void> {
    const [name, raw, ttl] = [this.key(key), this.encode(value), this.ttl(options)];
    await this.run('set', () => this.store.set(name, raw, ttl));
  }

  /** Writes only when the key is absent (a claim, a lock, a first-come owner); returns whether it wrote. */
  async setIfAbsent<T>(key: string, value: T, options: StateWriteOptions = {}): Promise<boolean> {
    const [name, raw, ttl] = [this.key(key), this.encode(value), this.ttl(options)];
    return this.run('setIfAbsent', () => this.store.setIfAbsent(name, raw, ttl));
  }

  /**
   * Writes `next` only when the key holds `expected` (compared as JSON; `undefined`: absent);
   * returns whether it wrote. Read, decide, then compare-and-set again until it succeeds.
   */
  async compareAndSet<T>(
    key: string,
    expected: T | undefined,
    next: T,
    options: StateWriteOptions = {},
  ): Promise<boolean> {
    const was = expected === undefined ? undefined : this.encode(expected);
    const [name, raw, ttl] = [this.key(key), this.encode(next), this.ttl(options)];
    return this.run('compareAndSet', () => this.store.compareAndSet(name, was, raw, ttl));
  }

  /** Adds `by` to an integer (0 when absent); `ttlMs` applies when this call creates the key. */
  async increment(key: string, by = 1, options: StateWriteOptions = {}): Promise<number> {
    if (!Number.isSafeInteger(by)) throw new TypeError('increment takes a safe integer');
    const [name, ttl] = [this.key(key), this.ttl(options)];
    return this.run('increment', () => this.store.increment(name, by, ttl));
  }

  /** Returns whether the key existed. */
  async delete(key: string): Promise<boolean> {
    const name = this.key(key);
    return this.run('delete', () => this.store.delete(name));
  }

  /**
   * Only the store's own failures count as one (`INTERNAL`, a broker error): a bad key, value
   * or TTL is the caller's mistake and rejects as itself before the store is asked.
   */
  private run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return this.backend.run(`state.${operation}`, call);
  }

  private key(key: string): string {
    if (key.length === 0 || key.length > MODULE_STATE_LIMITS.keyLength) {
      throw new TypeError(`a module state key has 1 to ${MODULE_STATE_LIMITS.keyLength} characters`);
    }
    return `${this.scope}:${key}`;
  }

  private encode(value: unknown): string {
    const raw = JSON.stringify(value);
    if (raw === undefined) throw new TypeError('module state holds JSON values');
    if (Buffer.byteLength(raw) > MODULE_STATE_LIMITS.valueBytes) {
      throw GatewayError.badRequest(
        `a module state value is at most ${MODULE_STATE_LIMITS.valueBytes} bytes`,
      );
    }
    return raw;
  }

  private ttl({ ttlMs }: StateWriteOptions): number | undefined {
    if (ttlMs === undefined) return undefined;
    if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) throw new TypeError('ttlMs is a positive integer');
    return ttlMs;
  }
}

/**
 * Cluster-wide state for domain modules: `moduleState.scope('orders')` gives the `orders`
 * module its own keys. See {@link ModuleStateScope}.
 */
@Injectable()
export class ModuleState {
  constructor(
    @Inject(MODULE_STATE_STORE) private readonly store: ModuleStateStore,
    private readonly backend: BackendCall,
  ) {}

  scope(module: string): ModuleStateScope {
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(module)) throw new TypeError(`"${module}" is not a module scope name`);
    return new ModuleStateScope(module, this.store, this.backend);
  }
}
