import type { RedisClient } from '../redis/lua-script.js';
import type { RedisKeys } from '../redis/redis-keys.js';
import type { ModuleStateStore } from './module-state.store.js';
import { COMPARE_AND_SET_SCRIPT, INCREMENT_SCRIPT } from './module-state.scripts.js';

/** Module state in Redis: one string key each, under `<prefix>state:`. */
export class RedisModuleStateStore implements ModuleStateStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.moduleState(key))) ?? undefined;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const name = this.keys.moduleState(key);
    await (ttlMs === undefined ? this.redis.set(name, value) : this.redis.set(name, value, 'PX', ttlMs));
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    const name = this.keys.moduleState(key);
    const reply =
      ttlMs === undefined
        ? await this.redis.set(name, value, 'NX')
        : await this.redis.set(name, value, 'PX', ttlMs, 'NX');
    return reply === 'OK';
  }

  async compareAndSet(
    key: string,
    expected: string | undefined,
    value: string,
    ttlMs?: number,
  ): Promise<boolean> {
    const reply = await COMPARE_AND_SET_SCRIPT.run(
      this.redis,
      [this.keys.moduleState(key)],
      [expected === undefined ? '0' : '1', expected ?? '', value, ttlMs ?? ''],
    );
    return Number(reply) === 1;
  }

  async increment(key: string, by: number, ttlMs?: number): Promise<number> {
    return Number(await INCREMENT_SCRIPT.run(this.redis, [this.keys.moduleState(key)], [by, ttlMs ?? '']));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(this.keys.moduleState(key))) === 1;
  }
}
