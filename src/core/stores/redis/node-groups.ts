import { Cluster } from 'ioredis';
import type { RedisClient } from './lua-script.js';

const SLOTS = 16384;

/** CRC16-CCITT (XMODEM), the checksum Redis Cluster hashes keys with. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/**
 * The cluster slot of a key: of its hash tag (the first `{…}` with something inside) when it
 * has one, else of the whole key (Redis Cluster specification, "Hash tags").
 */
export function hashSlot(key: string): number {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  return crc16(new TextEncoder().encode(key)) % SLOTS;
}

/**
 * Splits `items` into one group per Redis node that serves them (keeping their order within
 * each group), so each group can go out as one pipeline: one round trip per node instead of
 * one per item. A single Redis is one group. On a cluster whose slot map is not known yet,
 * items fall back to one group per slot, which is still correct, just more round trips.
 */
export function groupByNode<T>(client: RedisClient, items: readonly T[], keyOf: (item: T) => string): T[][] {
  if (!(client instanceof Cluster)) return items.length ? [[...items]] : [];
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const slot = hashSlot(keyOf(item));
    const node = client.slots[slot]?.[0] ?? `slot:${slot}`;
    let group = groups.get(node);
    if (!group) groups.set(node, (group = []));
    group.push(item);
  }
  return [...groups.values()];
}
