import type { OccupancyStore } from '../../src/core/stores/occupancy/occupancy-store.js';
import { type StoreFactory, useStoreFixture } from './support/store-fixture.js';

/**
 * The promises of {@link OccupancyStore}: connections and distinct users per channel, counted
 * across instances, and the occupied channels listed by prefix in name order. (A dead
 * instance's share being swept is Redis' alone: the e2e tests in test/redis cover it.)
 */
export function describeOccupancyBehaviour(label: string, makeStore: StoreFactory<OccupancyStore>): void {
  describe(`OccupancyStore behaviour: ${label}`, () => {
    const fixture = useStoreFixture(makeStore);
    const names = async (store: OccupancyStore, prefix: string, limit: number): Promise<string[]> =>
      (await store.list(prefix, limit)).map((entry) => entry.channel);

    it('counts nothing in a channel nobody subscribed to, and lists no channel', async () => {
      const { store } = fixture();
      expect(await store.count('chat:empty')).toEqual({ subscribers: 0, users: 0 });
      expect(await store.list('', 10)).toEqual([]);
    });

    it('counts connections and distinct users; a repeated add or an unknown remove changes nothing', async () => {
      const { store } = fixture();
      await store.add('chat:a', 'ann', 'c1');
      await store.add('chat:a', 'ann', 'c2');
      await store.add('chat:a', 'bob', 'c3');
      await store.add('chat:a', 'ann', 'c1');
      await store.remove('chat:a', 'bob', 'unknown');
      await store.remove('chat:elsewhere', 'ann', 'c1');
      expect(await store.count('chat:a')).toEqual({ subscribers: 3, users: 2 });
      await store.remove('chat:a', 'ann', 'c1');
      expect(await store.count('chat:a')).toEqual({ subscribers: 2, users: 2 });
      await store.remove('chat:a', 'ann', 'c2');
      expect(await store.count('chat:a')).toEqual({ subscribers: 1, users: 1 });
      await store.remove('chat:a', 'bob', 'c3');
      await store.remove('chat:a', 'bob', 'c3');
      expect(await store.count('chat:a')).toEqual({ subscribers: 0, users: 0 });
    });

    it('lists occupied channels with their counts; a channel leaves the list with its last subscriber', async () => {
      const { store } = fixture();
      await store.add('chat:a', 'ann', 'c1');
      await store.add('chat:a', 'bob', 'c2');
      await store.add('chat:b', 'ann', 'c1');
      expect(await store.list('chat:', 10)).toEqual([
        { channel: 'chat:a', subscribers: 2, users: 2 },
        { channel: 'chat:b', subscribers: 1, users: 1 },
      ]);
      await store.remove('chat:b', 'ann', 'c1');
      expect(await names(store, '', 10)).toEqual(['chat:a']);
      await store.add('chat:b', 'bob', 'c2');
      expect(await names(store, '', 10)).toEqual(['chat:a', 'chat:b']);
    });

    it('lists by prefix in bytewise name order, at most limit', async () => {
      const { store } = fixture();
      for (const channel of ['chat:b', 'chat:B', 'chat:a', 'public:a', 'chatter:x', 'chat:a-1']) {
        await store.add(channel, 'ann', 'c1');
      }
      expect(await names(store, 'chat:', 10)).toEqual(['chat:B', 'chat:a', 'chat:a-1', 'chat:b']);
      expect(await names(store, 'chat:', 2)).toEqual(['chat:B', 'chat:a']);
      expect(await names(store, 'chat', 10)).toEqual(['chat:B', 'chat:a', 'chat:a-1', 'chat:b', 'chatter:x']);
      expect(await names(store, '', 3)).toEqual(['chat:B', 'chat:a', 'chat:a-1']);
      expect(await store.list('pub', 10)).toEqual([{ channel: 'public:a', subscribers: 1, users: 1 }]);
      expect(await store.list('nothing:', 10)).toEqual([]);
    });

    it('fills a limited listing from the channels still occupied when earlier ones emptied', async () => {
      const { store } = fixture();
      const channels = ['room:1', 'room:2', 'room:3', 'room:4', 'room:5', 'room:6'];
      for (const channel of channels) await store.add(channel, 'ann', 'c1');
      await store.remove('room:1', 'ann', 'c1');
      await store.remove('room:3', 'ann', 'c1');
      expect(await names(store, 'room:', 3)).toEqual(['room:2', 'room:4', 'room:5']);
    });

    it('30 connections of 10 users subscribing and leaving at once, on two instances: exact counts', async () => {
      const { store } = fixture();
      const peer = await fixture().peer();
      const subscriptions = Array.from({ length: 30 }, (_, i) => ({
        on: i % 2 === 0 ? store : peer,
        user: `u${i % 10}`,
        id: `c${i}`,
      }));
      await Promise.all(subscriptions.map(({ on, user, id }) => on.add('chat:crowd', user, id)));
      expect(await store.count('chat:crowd')).toEqual({ subscribers: 30, users: 10 });
      expect(await peer.list('chat:', 10)).toEqual([{ channel: 'chat:crowd', subscribers: 30, users: 10 }]);
      const leaving = subscriptions.slice(0, 25);
      await Promise.all(leaving.map(({ on, user, id }) => on.remove('chat:crowd', user, id)));
      // Left: c25..c29, the users u5..u9.
      expect(await peer.count('chat:crowd')).toEqual({ subscribers: 5, users: 5 });
      await Promise.all(subscriptions.slice(25).map(({ on, user, id }) => on.remove('chat:crowd', user, id)));
      expect(await store.count('chat:crowd')).toEqual({ subscribers: 0, users: 0 });
      expect(await store.list('', 10)).toEqual([]);
    });
  });
}
