import { assertBefore, type Revocation, type RevocationStore } from './revocation-store.js';
import type { RedisClient } from '../redis/lua-script.js';
import type { RedisKeys } from '../redis/redis-keys.js';
import { ACTIVE_REVOCATIONS_SCRIPT, LIFT_SCRIPT, REVOKE_SCRIPT } from './revocation.scripts.js';

function parse(value: string): Revocation | undefined {
  const [before, until] = value.split(':').map(Number);
  return Number.isSafeInteger(before) && Number.isSafeInteger(until) ? { before, until } : undefined;
}

/** Revocations shared by every instance: one hash (see {@link REVOKE_SCRIPT}). */
export class RedisRevocationStore implements RevocationStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async revoke(userId: string, before: number, ttlSeconds: number): Promise<Revocation> {
    assertBefore(before);
    const reply = await REVOKE_SCRIPT.run(
      this.redis,
      [this.keys.revocations],
      [userId, before, ttlSeconds * 1000],
    );
    const [merged, until] = (reply as unknown[]).map(Number);
    return { before: merged, until };
  }

  async lift(userId: string): Promise<boolean> {
    return (await LIFT_SCRIPT.run(this.redis, [this.keys.revocations], [userId])) === 1;
  }

  async active(): Promise<Map<string, Revocation>> {
    const flat = (await ACTIVE_REVOCATIONS_SCRIPT.run(this.redis, [this.keys.revocations], [])) as string[];
    const revocations = new Map<string, Revocation>();
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const revocation = parse(flat[i + 1]);
      if (revocation) revocations.set(flat[i], revocation);
    }
    return revocations;
  }
}
