import { MemoryOccupancyStore } from './memory-occupancy.store.js';

describe('MemoryOccupancyStore', () => {
  it('counts connections and distinct users; a repeated add or an unknown remove changes nothing', async () => {
    const store = new MemoryOccupancyStore();
    await store.add('chat:a', 'ann', 'c1');
    await store.add('chat:a', 'ann', 'c1');
    await store.add('chat:a', 'ann', 'c2');
    await store.add('chat:a', 'bob', 'c3');
    await store.remove('chat:a', 'bob', 'nope');
    expect(await store.count('chat:a')).toEqual({ subscribers: 3, users: 2 });
    await store.remove('chat:a', 'ann', 'c1');
    expect(await store.count('chat:a')).toEqual({ subscribers: 2, users: 2 });
    await store.remove('chat:a', 'ann', 'c2');
    await store.remove('chat:a', 'bob', 'c3');
    expect(await store.count('chat:a')).toEqual({ subscribers: 0, users: 0 });
    expect(await store.list('', 10)).toEqual([]);
  });

  it('lists by prefix in bytewise name order, at most limit', async () => {
    const store = new MemoryOccupancyStore();
    for (const channel of ['chat:b', 'chat:B', 'chat:a', 'public:a']) await store.add(channel, 'ann', 'c1');
    expect((await store.list('chat:', 10)).map((c) => c.channel)).toEqual(['chat:B', 'chat:a', 'chat:b']);
    expect((await store.list('', 2)).map((c) => c.channel)).toEqual(['chat:B', 'chat:a']);
    expect(await store.list('pub', 10)).toEqual([{ channel: 'public:a', subscribers: 1, users: 1 }]);
  });
});
