import type { PresenceUser } from '@switchboard/protocol';
import type {
  ChangeJournal,
  ChannelChange,
  ChannelChangeSink,
  ChannelChangeType,
} from '../../src/core/stores/channel-changes/channel-change-sink.js';
import type { OccupancyStore } from '../../src/core/stores/occupancy/occupancy-store.js';
import type { PresenceStore } from '../../src/core/stores/presence/presence-store.js';
import { type StoreFactory, useStoreFixture } from './support/store-fixture.js';

/** The stores that decide transitions, and what their sink was told, in the order it was told. */
export interface ChangingStores {
  readonly occupancy: OccupancyStore;
  readonly presence: PresenceStore;
  /** One line per change: `<channel> <type>[ <userId>[ <name>]]`. */
  reported(): Promise<string[]>;
}

const line = (channel: string, { type, userId, name }: ChannelChange): string =>
  [channel, type, userId, name].filter((part) => part !== undefined).join(' ');

/**
 * A sink that records what it is told. With a `journal` (one Redis), the stores' scripts push
 * changes onto a Redis list themselves; {@link read} returns them as lines.
 */
export class RecordingSink implements ChannelChangeSink {
  readonly enqueued: string[] = [];
  appendedCount = 0;

  constructor(
    private readonly wanted: ReadonlySet<ChannelChangeType>,
    readonly journal?: ChangeJournal,
  ) {}

  wants(type: ChannelChangeType): boolean {
    return this.wanted.has(type);
  }

  enqueue(channel: string, change: ChannelChange): void {
    this.enqueued.push(line(channel, change));
  }

  appended(count: number): void {
    this.appendedCount += count;
  }

  onInstanceDead(): Promise<void> {
    return Promise.resolve();
  }
}

/** Lines of journaled events (`{"seq":n,"type",…}` JSON), checking each channel's seq runs 1, 2, 3… */
export function journalLines(items: readonly string[]): string[] {
  const seqs = new Map<string, number>();
  return items.map((item) => {
    const event = JSON.parse(item) as ChannelChange & { channel: string; seq: number; ts: number };
    const expected = (seqs.get(event.channel) ?? 0) + 1;
    if (event.seq !== expected) throw new Error(`seq ${event.seq} of ${event.channel}, expected ${expected}`);
    if (typeof event.ts !== 'number') throw new Error(`no ts in ${item}`);
    seqs.set(event.channel, expected);
    return line(event.channel, event);
  });
}

const ann: PresenceUser = { userId: 'ann', name: 'Ann' };
const bob: PresenceUser = { userId: 'bob' };

/**
 * The promises of the `ChannelChangeSink` port: the occupancy and presence stores report each
 * transition they decide, once, in the order they decided them, and only the types the sink
 * wants (memory: in the same tick; one Redis: journaled by the deciding script; otherwise
 * right after it).
 */
export function describeChannelChangesBehaviour(
  label: string,
  makeStores: StoreFactory<ChangingStores>,
): void {
  describe(`ChannelChangeSink port: ${label}`, () => {
    const fixture = useStoreFixture(makeStores);

    it('reports a channel occupied by its first subscription and vacated by its last one', async () => {
      const { occupancy, reported } = fixture().store;
      await occupancy.add('public:a', 'ann', 'c1');
      await occupancy.add('public:a', 'ann', 'c2');
      await occupancy.add('public:a', 'bob', 'c3');
      await occupancy.remove('public:a', 'ann', 'c1');
      await occupancy.remove('public:a', 'bob', 'c3');
      await occupancy.remove('public:a', 'bob', 'c3');
      await occupancy.remove('public:a', 'ann', 'c2');
      await occupancy.add('public:a', 'bob', 'c3');
      expect(await reported()).toEqual([
        'public:a channel.occupied',
        'public:a channel.vacated',
        'public:a channel.occupied',
      ]);
    });

    it("reports a user's join and leave with the user, once per user", async () => {
      const { presence, reported } = fixture().store;
      await presence.add('chat:a', ann, 'c1');
      await presence.add('chat:a', ann, 'c2');
      await presence.add('chat:a', bob, 'c3');
      await presence.remove('chat:a', 'ann', 'c1');
      await presence.remove('chat:a', 'ann', 'c2');
      await presence.remove('chat:a', 'bob', 'c3');
      expect(await reported()).toEqual([
        'chat:a presence.joined ann Ann',
        'chat:a presence.joined bob',
        'chat:a presence.left ann Ann',
        'chat:a presence.left bob',
      ]);
    });

    it('reports each transition once when two instances race on one channel', async () => {
      const { store } = fixture();
      const peer = await fixture().peer();
      const connections = Array.from({ length: 10 }, (_, i) => ({ on: i % 2 ? peer : store, id: `c${i}` }));
      await Promise.all(connections.map(({ on, id }) => on.occupancy.add('public:race', `u${id}`, id)));
      await Promise.all(connections.map(({ on, id }) => on.occupancy.remove('public:race', `u${id}`, id)));
      expect(await store.reported()).toEqual(['public:race channel.occupied', 'public:race channel.vacated']);
    });
  });
}

/** The same stores with a sink that wants the presence types only: occupancy reports nothing. */
export function describeUnwantedChangesBehaviour(
  label: string,
  makeStores: StoreFactory<ChangingStores>,
): void {
  describe(`ChannelChangeSink port, presence types only: ${label}`, () => {
    const fixture = useStoreFixture(makeStores);

    it('reports none of the unwanted types', async () => {
      const { occupancy, presence, reported } = fixture().store;
      await occupancy.add('chat:b', 'ann', 'c1');
      await presence.add('chat:b', ann, 'c1');
      await presence.remove('chat:b', 'ann', 'c1');
      await occupancy.remove('chat:b', 'ann', 'c1');
      expect(await reported()).toEqual(['chat:b presence.joined ann Ann', 'chat:b presence.left ann Ann']);
    });
  });
}
