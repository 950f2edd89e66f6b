import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';

/** A key prefix no other test file (or run) uses: `t-<name>-<random>:`. */
export function uniquePrefix(name: string): string {
  return `t-${name}-${randomBytes(4).toString('hex')}:`;
}

/** The shared test Redis (global setup). */
export function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set: run through the e2e project (global setup)');
  return url;
}

async function deleteOn(node: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    // One key per UNLINK: in a cluster, keys of one call must share a slot.
    for (const key of keys) await node.unlink(key);
  } while (cursor !== '0');
}

/** Deletes every key under `prefix` (on every master of a cluster). */
export async function deleteKeys(client: Redis | Cluster, prefix: string): Promise<void> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  for (const node of nodes) await deleteOn(node, prefix);
}

/** Counts keys under `prefix` (on every master of a cluster). */
export async function countKeys(client: Redis | Cluster, prefix: string): Promise<number> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  let count = 0;
  for (const node of nodes) count += (await node.keys(`${prefix}*`)).length;
  return count;
}
