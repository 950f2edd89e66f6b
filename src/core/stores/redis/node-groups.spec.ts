import { Redis } from 'ioredis';
import { groupByNode, hashSlot } from './node-groups.js';

describe('hashSlot', () => {
  // Values from the Redis Cluster specification and `CLUSTER KEYSLOT`.
  it.each([
    ['123456789', 12739],
    ['foo', 12182],
    ['somekey', 11058],
  ])('hashes %s to slot %i', (key, slot) => {
    expect(hashSlot(key)).toBe(slot);
  });

  it('hashes only the hash tag when there is one', () => {
    expect(hashSlot('sb:{c:chat:lobby}:top')).toBe(hashSlot('c:chat:lobby'));
    expect(hashSlot('{user1000}.following')).toBe(hashSlot('{user1000}.followers'));
    // An empty tag does not count: the whole key is hashed.
    expect(hashSlot('foo{}{bar}')).toBe(hashSlot('foo{}{bar}'));
    expect(hashSlot('foo{}{bar}')).not.toBe(hashSlot('bar'));
  });
});

describe('groupByNode', () => {
  it('keeps a single Redis to one group, in order', () => {
    const client = new Redis({ lazyConnect: true });
    expect(groupByNode(client, ['a', 'b', 'c'], (x) => x)).toEqual([['a', 'b', 'c']]);
    expect(groupByNode(client, [], (x: string) => x)).toEqual([]);
    client.disconnect();
  });
});
