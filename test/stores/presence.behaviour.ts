import type { PresenceUser } from '@switchboard/protocol';
import type { PresenceStore } from '../../src/core/stores/presence/presence-store.js';
import { type StoreFactory, useStoreFixture } from './support/store-fixture.js';

const byId = (users: readonly PresenceUser[]): PresenceUser[] =>
  [...users].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));

const ann: PresenceUser = { userId: 'ann', name: 'Ann' };
const bob: PresenceUser = { userId: 'bob' };

/**
 * The promises of {@link PresenceStore}: presence per user across connections (and instances),
 * with each join and each leave reported to exactly one caller. (A dead instance's users being
 * swept is Redis' alone: the e2e tests in test/redis cover it.)
 */
export function describePresenceBehaviour(label: string, makeStore: StoreFactory<PresenceStore>): void {
  describe(`PresenceStore behaviour: ${label}`, () => {
    const fixture = useStoreFixture(makeStore);

    it('lists nobody in a channel nobody joined', async () => {
      expect(await fixture().store.list('chat:empty')).toEqual([]);
    });

    it("reports a join on a user's first connection only, and lists each user once", async () => {
      const { store } = fixture();
      expect(await store.add('chat:a', ann, 'c1')).toBe(true);
      expect(await store.add('chat:a', ann, 'c2')).toBe(false);
      expect(await store.add('chat:a', bob, 'c3')).toBe(true);
      expect(byId(await store.list('chat:a'))).toEqual([ann, bob]);
    });

    it("reports a leave on a user's last connection only", async () => {
      const { store } = fixture();
      await store.add('chat:a', ann, 'c1');
      await store.add('chat:a', ann, 'c2');
      await store.add('chat:a', bob, 'c3');
      expect(await store.remove('chat:a', 'ann', 'c1')).toBe(false);
      expect(byId(await store.list('chat:a'))).toEqual([ann, bob]);
      expect(await store.remove('chat:a', 'ann', 'c2')).toBe(true);
      expect(await store.list('chat:a')).toEqual([bob]);
      expect(await store.remove('chat:a', 'bob', 'c3')).toBe(true);
      expect(await store.list('chat:a')).toEqual([]);
    });

    it('counts a connection added twice once, and a removal of an unknown connection changes nothing', async () => {
      const { store } = fixture();
      expect(await store.add('chat:a', ann, 'c1')).toBe(true);
      expect(await store.add('chat:a', ann, 'c1')).toBe(false);
      expect(await store.remove('chat:a', 'ann', 'other')).toBe(false);
      expect(await store.remove('chat:nowhere', 'ann', 'c1')).toBe(false);
      expect(await store.list('chat:a')).toEqual([ann]);
      expect(await store.remove('chat:a', 'ann', 'c1')).toBe(true);
      expect(await store.remove('chat:a', 'ann', 'c1')).toBe(false);
      expect(await store.list('chat:a')).toEqual([]);
    });

    it('keeps channels apart: leaving one leaves the user present in the other', async () => {
      const { store } = fixture();
      expect(await store.add('chat:a', ann, 'c1')).toBe(true);
      expect(await store.add('chat:b', ann, 'c1')).toBe(true);
      expect(await store.remove('chat:a', 'ann', 'c1')).toBe(true);
      expect(await store.list('chat:a')).toEqual([]);
      expect(await store.list('chat:b')).toEqual([ann]);
    });

    it('3 connections of one user joining and leaving at once, on two instances: one join, one leave', async () => {
      const { store } = fixture();
      const peer = await fixture().peer();
      const on = [store, store, peer] as const;
      const joins = await Promise.all(on.map((s, i) => s.add('chat:race', ann, `c${i}`)));
      expect(joins.filter(Boolean)).toHaveLength(1);
      expect(await peer.list('chat:race')).toEqual([ann]);
      const leaves = await Promise.all(on.map((s, i) => s.remove('chat:race', 'ann', `c${i}`)));
      expect(leaves.filter(Boolean)).toHaveLength(1);
      expect(await store.list('chat:race')).toEqual([]);
    });

    it('20 users with 2 connections each, at once on two instances: 20 joins, then 20 leaves', async () => {
      const { store } = fixture();
      const peer = await fixture().peer();
      const users = Array.from({ length: 20 }, (_, i): PresenceUser => ({
        userId: `u${String(i).padStart(2, '0')}`,
      }));
      const connections = users.flatMap((user) => [
        { on: store, user, id: `${user.userId}-a` },
        { on: peer, user, id: `${user.userId}-b` },
      ]);
      const joins = await Promise.all(connections.map(({ on, user, id }) => on.add('chat:crowd', user, id)));
      expect(joins.filter(Boolean)).toHaveLength(20);
      expect(byId(await store.list('chat:crowd'))).toEqual(users);
      const leaves = await Promise.all(
        connections.map(({ on, user, id }) => on.remove('chat:crowd', user.userId, id)),
      );
      expect(leaves.filter(Boolean)).toHaveLength(20);
      expect(await peer.list('chat:crowd')).toEqual([]);
    });
  });
}
