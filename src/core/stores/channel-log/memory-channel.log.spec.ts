import type { AppendResult } from './channel-log.js';
import { MemoryChannelLog, type MemoryChannelLogOptions } from './memory-channel.log.js';
import { PUBLICATION_OVERHEAD_BYTES } from './memory-history-budget.js';
import type { Publication } from '@switchboard/protocol';

/** The publication of a new append (fails the test on a replay). */
function published(result: AppendResult): Publication {
  if (result.duplicate) throw new Error('expected a new publication, got a replay');
  return result.publication;
}

describe('MemoryChannelLog', () => {
  let now: number;
  let log: MemoryChannelLog;
  const options = (extra: Partial<MemoryChannelLogOptions> = {}): MemoryChannelLogOptions => ({
    historySize: 3,
    historyTtlMs: 10_000,
    streamTtlMs: 100_000,
    idempotencyTtlMs: 5_000,
    now: () => now,
    ...extra,
  });
  const append = (channel: string, data: unknown = null, idempotencyKey?: string, receipt?: string) =>
    log.append({ channel, event: 'e', data, keep: true, idempotencyKey, receipt });

  beforeEach(() => {
    now = 1_000_000;
    log = new MemoryChannelLog(options());
  });

  it('reads create nothing: an empty channel answers offset 0 and the epoch its first publication carries', async () => {
    const top = await log.top('c:1');
    expect(top.offset).toBe(0);
    expect(top.epoch).not.toBe('');
    expect(await log.read('c:2', 0, 10)).toEqual({ ...top, publications: [] });
    expect(await log.recover('c:3', { offset: 0, epoch: top.epoch })).toEqual({
      ...top,
      recovered: true,
      publications: [],
    });
    expect(await log.recover('c:3', { offset: 0, epoch: 'other' })).toEqual({ ...top, recovered: false });
    expect(await log.tops(['c:4', 'c:5'])).toEqual([top, top]);
    expect(log.size).toBe(0);
    expect(published(await append('c:1'))).toMatchObject({ offset: 1, epoch: top.epoch });
    expect(log.size).toBe(1);
  });

  it('replaces the pending epoch every half stream TTL, so a channel reborn after its TTL gets another', async () => {
    const first = published(await append('c:1'));
    now += 49_999;
    expect((await log.top('c:new')).epoch).toBe(first.epoch);
    now += 1;
    const rotated = (await log.top('c:new')).epoch;
    expect(rotated).not.toBe(first.epoch);
    now += 100_000;
    const reborn = published(await append('c:1'));
    expect(reborn.offset).toBe(1);
    expect(reborn.epoch).not.toBe(first.epoch);
  });

  it('assigns contiguous offsets per channel and feeds listeners in order, with the stored JSON', async () => {
    const fed: [Publication, string | undefined][] = [];
    log.onPublication((p, json) => fed.push([p, json]));
    await Promise.all([append('c:1'), append('c:2'), append('c:1'), append('c:1')]);
    expect(fed.filter(([p]) => p.channel === 'c:1').map(([p]) => p.offset)).toEqual([1, 2, 3]);
    expect(fed.filter(([p]) => p.channel === 'c:2').map(([p]) => p.offset)).toEqual([1]);
    for (const [publication, json] of fed) expect(JSON.parse(json ?? '')).toEqual(publication);
  });

  it('keeps at most historySize publications and reads above `since`', async () => {
    for (let i = 0; i < 5; i++) await append('c:1', i);
    const page = await log.read('c:1', 0, 100);
    expect(page.offset).toBe(5);
    expect(page.publications.map((p) => p.offset)).toEqual([3, 4, 5]);
    expect((await log.read('c:1', 3, 1)).publications.map((p) => p.offset)).toEqual([4]);
  });

  it('recovers only within the epoch and while everything missed is still stored', async () => {
    for (let i = 0; i < 5; i++) await append('c:1', i);
    const { epoch } = await log.top('c:1');
    const ok = await log.recover('c:1', { offset: 2, epoch });
    expect(ok).toMatchObject({ recovered: true, offset: 5 });
    expect(ok.recovered && ok.publications.map((p) => p.offset)).toEqual([3, 4, 5]);
    expect(await log.recover('c:1', { offset: 1, epoch })).toMatchObject({ recovered: false });
    expect(await log.recover('c:1', { offset: 4, epoch: 'other' })).toMatchObject({ recovered: false });
    expect(await log.recover('c:1', { offset: 9, epoch })).toMatchObject({ recovered: false });
    const current = await log.recover('c:1', { offset: 5, epoch });
    expect(current.recovered && current.publications).toEqual([]);
  });

  it('keeps the stream after the history expired: the top recovers with nothing, older positions do not', async () => {
    await append('c:1');
    const publication = published(await append('c:1'));
    now += 10_000;
    log.sweep();
    expect(log.bytes).toBe(0);
    expect(await log.read('c:1', 0, 100)).toEqual({ offset: 2, epoch: publication.epoch, publications: [] });
    expect(await log.recover('c:1', { offset: 2, epoch: publication.epoch })).toEqual({
      offset: 2,
      epoch: publication.epoch,
      recovered: true,
      publications: [],
    });
    expect(await log.recover('c:1', { offset: 1, epoch: publication.epoch })).toMatchObject({
      recovered: false,
    });
    expect(published(await append('c:1'))).toMatchObject({ offset: 3, epoch: publication.epoch });
  });

  it('answers a repeated idempotency key of the same channel with the first receipt, without the payload', async () => {
    const first = published(await append('c:1', 'a', 'k', 'id-1'));
    const again = await append('c:1', 'b', 'k', 'id-2');
    expect(again).toEqual({
      channel: 'c:1',
      event: 'e',
      offset: 1,
      epoch: first.epoch,
      ts: first.ts,
      receipt: 'id-1',
      duplicate: true,
    });
    expect((await log.top('c:1')).offset).toBe(1);
    const elsewhere = await append('c:2', 'b', 'k');
    expect(elsewhere).toMatchObject({ duplicate: false, channel: 'c:2', offset: 1 });
    now += 5_000;
    expect((await append('c:1', 'c', 'k')).duplicate).toBe(false);
  });

  it('stays within historyMaxBytes: the oldest publications of all channels go first, streams keep epoch and top', async () => {
    const size = (n: number) =>
      JSON.stringify({
        channel: 'c:a',
        event: 'e',
        offset: n,
        epoch: 'x'.repeat(8),
        data: 'x'.repeat(100),
        ts: now,
      }).length + PUBLICATION_OVERHEAD_BYTES;
    const trimmed: string[] = [];
    log = new MemoryChannelLog(
      options({ historySize: 100, historyMaxBytes: 5 * size(1), onTrimmed: (kind) => trimmed.push(kind) }),
    );
    const a = published(await log.append({ channel: 'c:a', event: 'e', data: 'x'.repeat(100), keep: true }));
    for (let i = 0; i < 3; i++)
      await log.append({ channel: 'c:b', event: 'e', data: 'x'.repeat(100), keep: true });
    await log.append({ channel: 'c:a', event: 'e', data: 'x'.repeat(100), keep: true });
    await log.append({ channel: 'c:b', event: 'e', data: 'x'.repeat(100), keep: true });
    expect(trimmed).toEqual(['publication']);
    expect(log.bytes).toBeLessThanOrEqual(5 * size(1));
    // c:a's first publication was the oldest of all: gone, while c:a keeps its epoch and top.
    expect(await log.read('c:a', 0, 10)).toMatchObject({ offset: 2, epoch: a.epoch });
    expect((await log.read('c:a', 0, 10)).publications.map((p) => p.offset)).toEqual([2]);
    expect(await log.recover('c:a', { offset: 0, epoch: a.epoch })).toMatchObject({
      recovered: false,
      epoch: a.epoch,
      offset: 2,
    });
    expect((await log.read('c:b', 0, 10)).publications.map((p) => p.offset)).toEqual([1, 2, 3, 4]);
  });

  it('drops the oldest idempotency records once no publication is left to drop', async () => {
    log = new MemoryChannelLog(options({ historyMaxBytes: 1000 }));
    for (let i = 0; i < 20; i++) {
      await log.append({ channel: 'c:1', event: 'e', data: i, keep: false, idempotencyKey: `k${i}` });
    }
    expect(log.bytes).toBeLessThanOrEqual(1000);
    expect(
      (await log.append({ channel: 'c:1', event: 'e', data: 0, keep: false, idempotencyKey: 'k0' }))
        .duplicate,
    ).toBe(false);
    expect(
      (await log.append({ channel: 'c:1', event: 'e', data: 0, keep: false, idempotencyKey: 'k19' }))
        .duplicate,
    ).toBe(true);
  });

  it('counts a few hundred bytes per remembered key, whatever the payload', async () => {
    log = new MemoryChannelLog(options({ historySize: 1 }));
    const big = 'x'.repeat(32 * 1024);
    for (let i = 0; i < 100; i++)
      await append('c:1', big, `key-${i}`, 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d');
    const onePublication = JSON.stringify((await log.read('c:1', 0, 1)).publications[0]).length;
    const perKey = (log.bytes - onePublication - PUBLICATION_OVERHEAD_BYTES) / 100;
    expect(perKey).toBeLessThan(400);
  });

  it('remembers at most maxStreams streams, forgetting the least recently used, whose next life gets a new epoch', async () => {
    const evicted: string[] = [];
    log = new MemoryChannelLog(options({ maxStreams: 2, onStreamEvicted: () => evicted.push('one') }));
    const a = published(await append('c:a'));
    const b = published(await append('c:b'));
    await log.top('c:a');
    await append('c:c');
    expect(log.size).toBe(2);
    expect(evicted).toHaveLength(1);
    expect(await log.top('c:a')).toEqual({ offset: 1, epoch: a.epoch });
    const reborn = await log.top('c:b');
    expect(reborn.offset).toBe(0);
    expect(reborn.epoch).not.toBe(b.epoch);
  });
});
