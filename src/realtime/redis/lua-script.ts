import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/** The command client: one Redis, or a cluster (commands routed by their keys' slot). */
export type RedisClient = Redis | Cluster;

const isNoScript = (error: unknown): boolean =>
  error instanceof Error && error.message.startsWith('NOSCRIPT');

/**
 * A Lua script run by its SHA, loaded on demand (`NOSCRIPT` → `EVAL`), so a restarted Redis
 * or a new cluster node needs no preparation. Keys are passed explicitly and used as they
 * are: the client has no `keyPrefix`, {@link RedisKeys} builds every name.
 */
export class LuaScript {
  readonly sha: string;

  constructor(
    readonly name: string,
    readonly lua: string,
  ) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(
    client: RedisClient,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return client.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}
