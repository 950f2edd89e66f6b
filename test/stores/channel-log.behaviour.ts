import type { Publication } from '@switchboard/protocol';
import type {
  AppendRequest,
  AppendResult,
  ChannelLog,
} from '../../src/core/stores/channel-log/channel-log.js';
import { LOG_SETTINGS, type StoreFactory, useStoreFixture } from './support/store-fixture.js';

const HISTORY_SIZE = LOG_SETTINGS.historySize;

const request = (
  channel: string,
  data: unknown = null,
  extra: Partial<AppendRequest> = {},
): AppendRequest => ({
  channel,
  event: 'item.added',
  data,
  keep: true,
  ...extra,
});

const offsets = (publications: readonly Publication[]): number[] => publications.map((p) => p.offset);

/** The publication a first (not replayed) append stored. */
function stored(result: AppendResult): Publication {
  if (result.duplicate)
    throw new Error(`expected a new publication, got a replay of offset ${result.offset}`);
  return result.publication;
}
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** What one instance's `onPublication` delivered of one channel. */
interface Feed {
  readonly publications: readonly Publication[];
  /** Resolves once `offset` was delivered; rejects after 5 s. */
  reaching(offset: number): Promise<void>;
}

/** Listens to `channel` on one instance, watched first (a per-channel feed delivers only those). */
async function feedOf(log: ChannelLog, channel: string): Promise<Feed> {
  const publications: Publication[] = [];
  const waiters = new Map<number, () => void>();
  log.onPublication((publication) => {
    if (publication.channel !== channel) return;
    publications.push(publication);
    waiters.get(publication.offset)?.();
  });
  await log.watch?.(channel);
  const reaching = (offset: number): Promise<void> => {
    if (publications.some((p) => p.offset === offset)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`offset ${offset} of ${channel} never fed`)), 5_000);
      waiters.set(offset, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  };
  return { publications, reaching };
}

/**
 * Appends one last publication and waits for every feed to deliver it: a feed delivers in
 * offset order, so everything appended before it has been delivered by then.
 */
async function drain(log: ChannelLog, channel: string, ...feeds: Feed[]): Promise<number> {
  const publication = stored(await log.append(request(channel, 'last')));
  await Promise.all(feeds.map((feed) => feed.reaching(publication.offset)));
  return publication.offset;
}

/**
 * The promises of {@link ChannelLog}: contiguous offsets per channel in one epoch, bounded history
 * read above an offset, recovery, idempotent appends, and a feed in offset order on every
 * instance. Nothing here depends on what a read of a never-published channel stores, nor on
 * what an idempotent replay carries besides its position: both are being changed.
 */
export function describeChannelLogBehaviour(label: string, makeStore: StoreFactory<ChannelLog>): void {
  describe(`ChannelLog behaviour: ${label}`, () => {
    const fixture = useStoreFixture(makeStore);

    it('gives a channel nothing published offset 0 and an epoch', async () => {
      const { store } = fixture();
      const top = await store.top('chat:never');
      expect(top.offset).toBe(0);
      expect(typeof top.epoch === 'string' && top.epoch.length > 0).toBe(true);
      const page = await store.read('chat:never', 0, 10);
      expect(page.offset).toBe(0);
      expect(page.publications).toEqual([]);
    });

    it('appends with offsets 1, 2, 3… per channel, in one epoch, and stores what was appended', async () => {
      const { store } = fixture();
      const a = [];
      for (const n of [1, 2, 3]) a.push(stored(await store.append(request('chat:a', { n }))));
      const b = stored(await store.append(request('chat:b', 'b')));
      expect(offsets(a)).toEqual([1, 2, 3]);
      expect(new Set(a.map((p) => p.epoch)).size).toBe(1);
      expect(a[0]?.epoch).toEqual(expect.any(String));
      expect(b.offset).toBe(1);
      expect(a[1]).toMatchObject({ channel: 'chat:a', event: 'item.added', data: { n: 2 } });
      expect(typeof a[1]?.ts).toBe('number');
      expect(await store.top('chat:a')).toEqual({ offset: 3, epoch: a[0]?.epoch });
      expect(await store.tops(['chat:b', 'chat:a'])).toEqual([
        { offset: 1, epoch: b.epoch },
        { offset: 3, epoch: a[0]?.epoch },
      ]);
      expect((await store.read('chat:a', 0, 10)).publications).toEqual(a);
    });

    it('appendBatch keeps array order per channel and answers in array order', async () => {
      const { store } = fixture();
      const batch = ['a', 'b', 'a', 'a', 'b'].map((room, i) => request(`chat:${room}`, i));
      const outcomes = await store.appendBatch(batch);
      const placed = outcomes.map((outcome) => {
        if (!outcome.ok) throw new Error('a batch item failed');
        return [outcome.result.channel, outcome.result.offset, stored(outcome.result).data];
      });
      expect(placed).toEqual([
        ['chat:a', 1, 0],
        ['chat:b', 1, 1],
        ['chat:a', 2, 2],
        ['chat:a', 3, 3],
        ['chat:b', 2, 4],
      ]);
    });

    it('appendBatch items are independent: a repeated key in the batch is a duplicate, the rest go on', async () => {
      const { store } = fixture();
      const outcomes = await store.appendBatch([
        request('chat:a', 'first', { idempotencyKey: 'k' }),
        request('chat:a', 'again', { idempotencyKey: 'k' }),
        request('chat:a', 'next'),
        request('chat:b', 'other', { idempotencyKey: 'k' }),
      ]);
      const results = outcomes.map((outcome) => (outcome.ok ? outcome.result : undefined));
      expect(results.map((r) => r?.duplicate)).toEqual([false, true, false, false]);
      expect(results.map((r) => r?.offset)).toEqual([1, 1, 2, 1]);
      expect(results[1]?.epoch).toBe(results[0]?.epoch);
      expect(offsets((await store.read('chat:a', 0, 10)).publications)).toEqual([1, 2]);
    });

    it('reads publications above `since`, oldest first, at most `limit`, with the top', async () => {
      const { store } = fixture();
      for (let i = 0; i < HISTORY_SIZE; i++) await store.append(request('chat:a', i));
      const { epoch } = await store.top('chat:a');
      const all = await store.read('chat:a', 0, 100);
      expect({ offset: all.offset, epoch: all.epoch }).toEqual({ offset: HISTORY_SIZE, epoch });
      expect(offsets(all.publications)).toEqual(range(1, HISTORY_SIZE));
      expect(offsets((await store.read('chat:a', 2, 2)).publications)).toEqual([3, 4]);
      expect(offsets((await store.read('chat:a', 1, 1)).publications)).toEqual([2]);
      const atTop = await store.read('chat:a', HISTORY_SIZE, 10);
      expect(atTop).toEqual({ offset: HISTORY_SIZE, epoch, publications: [] });
    });

    it('keeps at most HISTORY_SIZE publications, the newest', async () => {
      const { store } = fixture();
      for (let i = 0; i < HISTORY_SIZE + 3; i++) await store.append(request('chat:a', i));
      const page = await store.read('chat:a', 0, 100);
      expect(page.offset).toBe(HISTORY_SIZE + 3);
      expect(offsets(page.publications)).toEqual(range(4, HISTORY_SIZE + 3));
    });

    it('gives an unkept publication its offset but no place in history', async () => {
      const { store } = fixture();
      await store.append(request('chat:a', 1));
      expect((await store.append(request('chat:a', 2, { keep: false }))).offset).toBe(2);
      await store.append(request('chat:a', 3));
      expect(offsets((await store.read('chat:a', 0, 10)).publications)).toEqual([1, 3]);
    });

    it('recovers when the epoch matches and everything after `since` is in history', async () => {
      const { store } = fixture();
      for (let i = 0; i < HISTORY_SIZE + 2; i++) await store.append(request('chat:a', i));
      const top = await store.top('chat:a');
      const recovered = await store.recover('chat:a', { offset: 4, epoch: top.epoch });
      expect(recovered).toMatchObject({ recovered: true, ...top });
      expect(recovered.recovered && offsets(recovered.publications)).toEqual(range(5, HISTORY_SIZE + 2));
      // The oldest still stored is 3: from 2 on, everything is there; from 1 on, 2 is missing.
      const oldest = await store.recover('chat:a', { offset: 2, epoch: top.epoch });
      expect(oldest.recovered && offsets(oldest.publications)).toEqual(range(3, HISTORY_SIZE + 2));
      expect(await store.recover('chat:a', { offset: 1, epoch: top.epoch })).toEqual({
        recovered: false,
        ...top,
      });
      expect(await store.recover('chat:a', { offset: 4, epoch: `${top.epoch}x` })).toEqual({
        recovered: false,
        ...top,
      });
      expect(await store.recover('chat:a', { offset: top.offset + 1, epoch: top.epoch })).toMatchObject({
        recovered: false,
      });
    });

    it('recovers `since` at the top with nothing, and not across a gap of unkept publications', async () => {
      const { store } = fixture();
      await store.append(request('chat:a', 1));
      await store.append(request('chat:a', 2, { keep: false }));
      await store.append(request('chat:a', 3));
      const top = await store.top('chat:a');
      expect(await store.recover('chat:a', top)).toEqual({ recovered: true, ...top, publications: [] });
      expect(await store.recover('chat:a', { offset: 0, epoch: top.epoch })).toMatchObject({
        recovered: false,
      });
      const after = await store.recover('chat:a', { offset: 2, epoch: top.epoch });
      expect(after.recovered && offsets(after.publications)).toEqual([3]);
    });

    it('answers a repeated idempotency key of a channel with the first offset and epoch, storing nothing', async () => {
      const { store } = fixture();
      const first = await store.append(request('chat:a', 'first', { idempotencyKey: 'k' }));
      const again = await store.append(request('chat:a', 'retry', { idempotencyKey: 'k' }));
      expect(first.duplicate).toBe(false);
      expect(again.duplicate).toBe(true);
      expect(again.offset).toBe(first.offset);
      expect(again.epoch).toBe(first.epoch);
      expect((await store.top('chat:a')).offset).toBe(1);
      expect((await store.append(request('chat:a', 'next'))).offset).toBe(2);
      expect((await store.read('chat:a', 0, 10)).publications.map((p) => p.data)).toEqual(['first', 'next']);
    });

    it('keeps idempotency keys per channel: the same key on another channel is a new append', async () => {
      const { store } = fixture();
      await store.append(request('chat:a', 'a', { idempotencyKey: 'k' }));
      await store.append(request('chat:a', 'a2'));
      const elsewhere = await store.append(request('chat:b', 'b', { idempotencyKey: 'k' }));
      expect(elsewhere.duplicate).toBe(false);
      expect(stored(elsewhere)).toMatchObject({ channel: 'chat:b', offset: 1, data: 'b' });
    });

    it('feeds every publication to onPublication in offset order, appends and batches alike', async () => {
      const { store } = fixture();
      const fed = await feedOf(store, 'chat:a');
      await store.append(request('chat:a', 1));
      await store.appendBatch([request('chat:a', 2), request('chat:b', 'b'), request('chat:a', 3)]);
      await store.append(request('chat:a', 'dup', { idempotencyKey: 'k' }));
      await store.append(request('chat:a', 'dup', { idempotencyKey: 'k' }));
      const last = await drain(store, 'chat:a', fed);
      expect(offsets(fed.publications)).toEqual(range(1, last));
      expect(fed.publications.slice(0, 3).map((p) => p.data)).toEqual([1, 2, 3]);
    });

    it('50 concurrent appends to one channel on two instances: offsets 1..50 once each, fed in order everywhere', async () => {
      const { store } = fixture();
      const peer = await fixture().peer();
      const fedHere = await feedOf(store, 'chat:race');
      const fedThere = await feedOf(peer, 'chat:race');
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? store : peer).append(request('chat:race', i))),
      );
      expect(results.map((r) => r.offset).sort((a, b) => a - b)).toEqual(range(1, 50));
      expect(new Set(results.map((r) => r.epoch)).size).toBe(1);
      const last = await drain(store, 'chat:race', fedHere, fedThere);
      expect(last).toBe(51);
      expect(offsets(fedHere.publications)).toEqual(range(1, 51));
      expect(offsets(fedThere.publications)).toEqual(range(1, 51));
      // Each publication is fed as it was appended.
      const byOffset = new Map(results.map((r) => [r.offset, stored(r).data]));
      expect(fedThere.publications.slice(0, 50).every((p) => byOffset.get(p.offset) === p.data)).toBe(true);
    });
  });
}
