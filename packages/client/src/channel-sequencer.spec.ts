import fc from 'fast-check';
import type { Publication, StreamPosition } from '@switchboard/protocol';
import { ChannelSequencer, type Resync, type SubscribeAck } from './channel-sequencer.js';

const pub = (offset: number, epoch = 'e1'): Publication => ({
  channel: 'chat:lobby',
  event: 'chat.message',
  offset,
  epoch,
  data: { n: offset },
  ts: 0,
});
const ack = (offset: number, epoch = 'e1', extra: Partial<SubscribeAck> = {}): SubscribeAck => ({
  channel: 'chat:lobby',
  offset,
  epoch,
  ...extra,
});
const offsets = (list: readonly Publication[]): number[] => list.map((p) => p.offset);

describe('ChannelSequencer', () => {
  it('holds live publications until the first answer, then drops those up to its top', () => {
    const sequencer = new ChannelSequencer();
    expect(sequencer.push(pub(3))).toEqual([]);
    expect(sequencer.push(pub(4))).toEqual([]);
    expect(sequencer.hasGap).toBe(false);
    const step = sequencer.acknowledge(ack(3));
    expect(offsets(step.delivered)).toEqual([4]);
    expect(step.resync).toBeUndefined();
    expect(sequencer.position).toEqual({ offset: 4, epoch: 'e1' });
  });

  it('drops duplicates and anything at or below the position', () => {
    const sequencer = new ChannelSequencer({ offset: 5, epoch: 'e1' });
    expect(offsets(sequencer.push(pub(6)))).toEqual([6]);
    expect(sequencer.push(pub(6))).toEqual([]);
    expect(sequencer.push(pub(2))).toEqual([]);
    expect(sequencer.hasGap).toBe(false);
  });

  it('reorders within the held window and reports a gap while one is open', () => {
    const sequencer = new ChannelSequencer({ offset: 0, epoch: 'e1' });
    expect(sequencer.push(pub(3))).toEqual([]);
    expect(sequencer.push(pub(3))).toEqual([]);
    expect(sequencer.heldCount).toBe(1);
    expect(sequencer.hasGap).toBe(true);
    expect(offsets(sequencer.push(pub(1)))).toEqual([1]);
    expect(sequencer.hasGap).toBe(true);
    expect(offsets(sequencer.push(pub(2)))).toEqual([2, 3]);
    expect(sequencer.hasGap).toBe(false);
  });

  it('fills a gap from a recovered answer, without duplicates', () => {
    const sequencer = new ChannelSequencer({ offset: 1, epoch: 'e1' });
    sequencer.push(pub(4));
    const step = sequencer.acknowledge(
      ack(4, 'e1', { recovered: true, publications: [pub(2), pub(3), pub(4)] }),
    );
    expect(offsets(step.delivered)).toEqual([2, 3, 4]);
    expect(sequencer.hasGap).toBe(false);
  });

  it('knows a gap exists when an answer reports a higher top than it has seen', () => {
    const sequencer = new ChannelSequencer({ offset: 1, epoch: 'e1' });
    sequencer.acknowledge(ack(3, 'e1', { recovered: true, publications: [pub(2)] }));
    expect(sequencer.position).toEqual({ offset: 2, epoch: 'e1' });
    expect(sequencer.hasGap).toBe(true);
  });

  it('resyncs on recovered:false, keeping held publications past the new top', () => {
    const sequencer = new ChannelSequencer({ offset: 7, epoch: 'old' });
    sequencer.push(pub(3, 'new'));
    sequencer.push(pub(9, 'old'));
    const step = sequencer.acknowledge(ack(2, 'new', { recovered: false }));
    expect(step.resync).toEqual({
      previous: { offset: 7, epoch: 'old' },
      current: { offset: 2, epoch: 'new' },
    });
    expect(offsets(step.delivered)).toEqual([3]);
    expect(sequencer.heldCount).toBe(0);
    expect(sequencer.position).toEqual({ offset: 3, epoch: 'new' });
  });

  it('treats offset 1 of another epoch as a new life, but not while the old one has a gap', () => {
    const clean = new ChannelSequencer({ offset: 4, epoch: 'e1' });
    expect(clean.push(pub(1, 'e2'))).toEqual([pub(1, 'e2')]);
    expect(clean.position).toEqual({ offset: 1, epoch: 'e2' });

    const gappy = new ChannelSequencer({ offset: 4, epoch: 'e1' });
    gappy.push(pub(6, 'e1'));
    expect(gappy.push(pub(1, 'e2'))).toEqual([]);
    const step = gappy.acknowledge(ack(1, 'e2', { recovered: false }));
    expect(step.resync?.current).toEqual({ offset: 1, epoch: 'e2' });
    expect(gappy.hasGap).toBe(false);
  });

  it('ignores a recovered answer for an epoch it has already left', () => {
    const sequencer = new ChannelSequencer({ offset: 4, epoch: 'e1' });
    sequencer.push(pub(1, 'e2'));
    const step = sequencer.acknowledge(ack(5, 'e1', { recovered: true, publications: [pub(5, 'e1')] }));
    expect(step.delivered).toEqual([]);
    expect(sequencer.position).toEqual({ offset: 1, epoch: 'e2' });
  });
});

/**
 * A model server: lives of a channel (each a new epoch), a history that keeps the last `keep`
 * publications of the current life, and a live feed that drops, duplicates and swaps.
 */
interface Scenario {
  lives: number[];
  keep: number;
  start: number;
  raced: number;
  feed: ('keep' | 'drop' | 'dup' | 'swap')[];
  steps: ('deliver' | 'timer')[];
  lookahead: number;
}

const scenarios = fc.record({
  lives: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 3 }),
  keep: fc.integer({ min: 1, max: 40 }),
  start: fc.double({ min: 0, max: 1, noNaN: true }),
  raced: fc.integer({ min: 0, max: 2 }),
  feed: fc.array(fc.constantFrom('keep', 'keep', 'drop', 'dup', 'swap'), { maxLength: 40 }),
  steps: fc.array(fc.constantFrom('deliver', 'deliver', 'deliver', 'timer'), { maxLength: 80 }),
  lookahead: fc.integer({ min: 0, max: 3 }),
}) as fc.Arbitrary<Scenario>;

type Logged = { kind: 'deliver'; publication: Publication } | { kind: 'resync'; resync: Resync };

interface Outcome {
  log: Logged[];
  all: Publication[];
  first: StreamPosition;
  sequencer: ChannelSequencer;
}

function run(scenario: Scenario): Outcome {
  const all = scenario.lives.flatMap((length, life) =>
    Array.from({ length }, (_, i) => pub(i + 1, `e${life}`)),
  );
  const topAt = (published: number): StreamPosition =>
    published === 0 ? { offset: 0, epoch: 'e0' } : all[published - 1];
  const recover = (since: StreamPosition, published: number): SubscribeAck => {
    const top = topAt(published);
    const oldest = Math.max(1, top.offset - scenario.keep + 1);
    const ok = since.epoch === top.epoch && since.offset <= top.offset && since.offset >= oldest - 1;
    if (!ok) return ack(top.offset, top.epoch, { recovered: false });
    const publications = all
      .slice(0, published)
      .filter((p) => p.epoch === top.epoch && p.offset > since.offset);
    return ack(top.offset, top.epoch, { recovered: true, publications });
  };

  const start = Math.floor(scenario.start * all.length);
  const feed: Publication[] = [];
  all.slice(Math.max(0, start - scenario.raced)).forEach((p, i) => {
    const action = scenario.feed[i] ?? 'keep';
    if (action === 'drop') return;
    feed.push(p);
    if (action === 'dup') feed.push(p);
    const prev = feed.length - 2;
    if (action === 'swap' && prev >= 0 && feed[prev].epoch === p.epoch) {
      [feed[prev], feed[prev + 1]] = [feed[prev + 1], feed[prev]];
    }
  });

  const log: Logged[] = [];
  const sequencer = new ChannelSequencer();
  const record = (step: { delivered: readonly Publication[]; resync?: Resync }): void => {
    if (step.resync) log.push({ kind: 'resync', resync: step.resync });
    for (const publication of step.delivered) log.push({ kind: 'deliver', publication });
  };
  let published = start;
  record(sequencer.acknowledge(ack(topAt(start).offset, topAt(start).epoch)));
  let next = 0;
  const recoverNow = (): void => {
    // The server has published at least what was delivered, and no later life than the
    // next live item (the contract orders each channel's feed across lives).
    const index = next < feed.length ? all.indexOf(feed[next]) : all.length;
    const lifeEnd = index < all.length ? all.findIndex((p, i) => i > index && p.offset === 1) : -1;
    published = Math.max(published, Math.min(index + scenario.lookahead, lifeEnd < 0 ? all.length : lifeEnd));
    const position = sequencer.position;
    if (position) record(sequencer.acknowledge(recover(position, published)));
  };
  for (const step of scenario.steps) {
    if (step === 'deliver' && next < feed.length) {
      const publication = feed[next++];
      published = Math.max(published, all.indexOf(publication) + 1);
      record({ delivered: sequencer.push(publication) });
    } else if (step === 'timer' && sequencer.hasGap) {
      recoverNow();
    }
  }
  while (next < feed.length) record({ delivered: sequencer.push(feed[next++]) });
  // A final reconnect: everything is published; recover until no gap remains.
  published = all.length;
  for (let i = 0; i < 5 && (i === 0 || sequencer.hasGap); i++) recoverNow();
  return { log, all, first: topAt(start), sequencer };
}

describe('ChannelSequencer (property)', () => {
  it('hands over each publication at most once, offsets +1 within an epoch, ending at the top', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        const { log, all, first, sequencer } = run(scenario);
        const seen = new Set<string>();
        let base = first;
        for (const entry of log) {
          if (entry.kind === 'resync') {
            const { current } = entry.resync;
            if (base.epoch !== current.epoch || base.offset < current.offset) base = current;
            continue;
          }
          const p = entry.publication;
          const key = `${p.epoch}/${p.offset}`;
          expect(seen.has(key)).toBe(false);
          seen.add(key);
          expect(all).toContain(p);
          expect(p.offset).toBe(p.epoch === base.epoch ? base.offset + 1 : 1);
          base = p;
        }
        const last = all[all.length - 1];
        expect(sequencer.position).toEqual({ offset: last.offset, epoch: last.epoch });
        expect(sequencer.hasGap).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('with enough history and one life it never resyncs and misses nothing', () => {
    const oneLife = scenarios.map((s) => ({ ...s, lives: s.lives.slice(0, 1), keep: 100 }));
    fc.assert(
      fc.property(oneLife, (scenario) => {
        const { log, all } = run(scenario);
        expect(log.every((entry) => entry.kind === 'deliver')).toBe(true);
        const start = Math.floor(scenario.start * all.length);
        const delivered = log.map((entry) => (entry.kind === 'deliver' ? entry.publication : undefined));
        expect(delivered).toEqual(all.slice(start));
      }),
      { numRuns: 500 },
    );
  });
});
