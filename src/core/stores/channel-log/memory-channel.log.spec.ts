import { MemoryChannelLog } from './memory-channel.log.js';
import type { Publication } from '@switchboard/protocol';

describe('MemoryChannelLog', () => {
  let now: number;
  let log: MemoryChannelLog;
  const append = (channel: string, data: unknown = null, idempotencyKey?: string) =>
    log.append({ channel, event: 'e', data, keep: true, idempotencyKey });

  beforeEach(() => {
    now = 1_000_000;
    log = new MemoryChannelLog({
      historySize: 3,
      historyTtlMs: 10_000,
      streamTtlMs: 100_000,
      idempotencyTtlMs: 5_000,
      now: () => now,
    });
  });

  it('gives an empty channel offset 0 and the epoch its first publication carries', async () => {
    const top = await log.top('c:1');
    expect(top.offset).toBe(0);
    expect(top.epoch).not.toBe('');
    const { publication } = await append('c:1');
    expect(publication).toMatchObject({ offset: 1, epoch: top.epoch });
  });

  it('assigns contiguous offsets per channel and feeds listeners in order', async () => {
    const fed: Publication[] = [];
    log.onPublication((p) => fed.push(p));
    await Promise.all([append('c:1'), append('c:2'), append('c:1'), append('c:1')]);
    expect(fed.filter((p) => p.channel === 'c:1').map((p) => p.offset)).toEqual([1, 2, 3]);
    expect(fed.filter((p) => p.channel === 'c:2').map((p) => p.offset)).toEqual([1]);
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

  it('keeps the announced epoch of an empty channel past the history TTL', async () => {
    const { epoch } = await log.top('c:quiet');
    now += 60_000;
    expect((await append('c:quiet')).publication).toMatchObject({ offset: 1, epoch });
  });

  it('keeps the stream after the history expired: the top recovers with nothing, older positions do not', async () => {
    await append('c:1');
    const { publication } = await append('c:1');
    now += 10_000;
    log.sweep();
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
    expect((await append('c:1')).publication).toMatchObject({ offset: 3, epoch: publication.epoch });
  });

  it('starts a new epoch from offset 1 once the stream TTL has passed', async () => {
    const first = (await append('c:1')).publication;
    now += 100_000;
    const next = (await append('c:1')).publication;
    expect(next.offset).toBe(1);
    expect(next.epoch).not.toBe(first.epoch);
  });

  it('answers a repeated idempotency key of the same channel with the first publication, for the idempotency TTL', async () => {
    const first = await append('c:1', 'a', 'k');
    const again = await append('c:1', 'b', 'k');
    expect(again).toEqual({ publication: first.publication, duplicate: true });
    expect((await log.top('c:1')).offset).toBe(1);
    const elsewhere = await append('c:2', 'b', 'k');
    expect(elsewhere).toMatchObject({ duplicate: false, publication: { channel: 'c:2', offset: 1 } });
    now += 5_000;
    expect((await append('c:1', 'c', 'k')).duplicate).toBe(false);
  });

  it('remembers at most maxStreams streams, forgetting the least recently used', async () => {
    const evicted: string[] = [];
    log = new MemoryChannelLog({
      historySize: 3,
      historyTtlMs: 10_000,
      streamTtlMs: 100_000,
      idempotencyTtlMs: 5_000,
      maxStreams: 2,
      onStreamEvicted: () => evicted.push('one'),
      now: () => now,
    });
    const a = (await append('c:a')).publication;
    const b = (await append('c:b')).publication;
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
