import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { groupByNode } from './node-groups.js';

/** The command client: one Redis, or a cluster (commands routed by their keys' slot). */
export type RedisClient = Redis | Cluster;

const isNoScript = (error: unknown): boolean =>
  error instanceof Error && error.message.startsWith('NOSCRIPT');

/** One script call of a {@link LuaScript.runMany} batch. */
export interface ScriptCall {
  readonly keys: readonly string[];
  readonly args: readonly (string | number)[];
}

/** The outcome of one call of a batch: each call succeeds or fails on its own. */
export type ScriptOutcome =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

interface Indexed extends ScriptCall {
  readonly index: number;
}

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

  /**
   * Runs many calls with one pipeline per Redis node (grouped by each call's first key), so a
   * batch costs one round trip per node, not one per call. Calls of one node are sent in
   * array order on one connection and scripts run one at a time, so they run in that order.
   * Outcomes come back in array order. A node that does not know the script yet answers
   * NOSCRIPT without running anything; those calls go again, in order, with the full script.
   */
  async runMany(client: RedisClient, calls: readonly ScriptCall[]): Promise<ScriptOutcome[]> {
    const outcomes = new Array<ScriptOutcome>(calls.length);
    const indexed: Indexed[] = calls.map((call, index) => ({ ...call, index }));
    const groups = groupByNode(client, indexed, (call) => call.keys[0] ?? '');
    await Promise.all(groups.map((group) => this.runGroup(client, group, outcomes)));
    return outcomes;
  }

  private async runGroup(client: RedisClient, group: Indexed[], outcomes: ScriptOutcome[]): Promise<void> {
    let pending = group;
    for (const full of [false, true]) {
      if (pending.length === 0) return;
      const pipeline = client.pipeline();
      for (const { keys, args } of pending) {
        if (full) pipeline.eval(this.lua, keys.length, ...keys, ...args);
        else pipeline.evalsha(this.sha, keys.length, ...keys, ...args);
      }
      let replies: [Error | null, unknown][] | null;
      try {
        replies = await pipeline.exec();
      } catch (error) {
        for (const call of pending) outcomes[call.index] = { ok: false, error };
        return;
      }
      const again: Indexed[] = [];
      pending.forEach((call, i) => {
        const [error, value] = replies?.[i] ?? [new Error('no reply from the pipeline'), undefined];
        if (error && !full && isNoScript(error)) again.push(call);
        else outcomes[call.index] = error ? { ok: false, error } : { ok: true, value };
      });
      pending = again;
    }
  }
}
