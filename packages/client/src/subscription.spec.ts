import { jest } from '@jest/globals';
import type { Publication } from '@switchboard/protocol';
import type { SubscribeAck } from './channel-sequencer.js';
import type { ClientCommands, ResyncEvent } from './client.types.js';
import { Subscription, type SubscriptionLink } from './subscription.js';
import { SwitchboardError } from './switchboard-error.js';

const pub = (offset: number, epoch = 'e1'): Publication => ({
  channel: 'chat:lobby',
  event: 'chat.message',
  offset,
  epoch,
  data: offset,
  ts: 0,
});

interface Sent {
  payload: ClientCommands['subscribe']['payload'];
  answer: (ack: SubscribeAck) => void;
  fail: (error: SwitchboardError) => void;
}

/** A link whose `subscribe` answers are given by the test. */
function fakeLink() {
  const sent: Sent[] = [];
  const resyncs: ResyncEvent[] = [];
  const released: (SwitchboardError | undefined)[] = [];
  const link: SubscriptionLink = {
    isConnected: () => true,
    send: <K extends 'subscribe' | 'unsubscribe'>(command: K, payload: ClientCommands[K]['payload']) =>
      new Promise<ClientCommands[K]['result']>((resolve, reject) => {
        if (command === 'unsubscribe') return resolve(payload);
        sent.push({
          payload,
          answer: (ack) => resolve(ack),
          fail: reject,
        });
      }),
    release: (_subscription, error) => released.push(error),
    resync: (event) => resyncs.push(event),
  };
  return { link, sent, resyncs, released };
}

const flush = (): Promise<void> => Promise.resolve().then(() => undefined);

describe('Subscription', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('holds a gap for gapHoldMs, then recovers with since and delivers in order', async () => {
    const { link, sent } = fakeLink();
    const seen: number[] = [];
    const subscription = new Subscription('chat:lobby', (p) => seen.push(p.offset), link, 250);
    subscription.sync();
    sent[0].answer({ channel: 'chat:lobby', offset: 1, epoch: 'e1' });
    await expect(subscription.ready).resolves.toMatchObject({ offset: 1 });

    subscription.receive(pub(3));
    jest.advanceTimersByTime(249);
    expect(sent).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(sent[1].payload).toEqual({ channel: 'chat:lobby', since: { offset: 1, epoch: 'e1' } });
    sent[1].answer({
      channel: 'chat:lobby',
      offset: 3,
      epoch: 'e1',
      recovered: true,
      publications: [pub(2), pub(3)],
    });
    await flush();
    expect(seen).toEqual([2, 3]);
    expect(subscription.position).toEqual({ offset: 3, epoch: 'e1' });
  });

  it('sends no recovery when the late publication fills the gap within the hold', async () => {
    const { link, sent } = fakeLink();
    const seen: number[] = [];
    const subscription = new Subscription('chat:lobby', (p) => seen.push(p.offset), link, 250, {
      offset: 0,
      epoch: 'e1',
    });
    subscription.sync();
    sent[0].answer({ channel: 'chat:lobby', offset: 0, epoch: 'e1', recovered: true, publications: [] });
    await flush();
    subscription.receive(pub(2));
    jest.advanceTimersByTime(100);
    subscription.receive(pub(1));
    jest.advanceTimersByTime(1000);
    expect(seen).toEqual([1, 2]);
    expect(sent).toHaveLength(1);
  });

  it('ignores an answer that was in flight when the connection dropped', async () => {
    const { link, sent } = fakeLink();
    const seen: number[] = [];
    const subscription = new Subscription('chat:lobby', (p) => seen.push(p.offset), link, 250);
    subscription.sync();
    subscription.suspend();
    subscription.sync();
    sent[0].answer({ channel: 'chat:lobby', offset: 9, epoch: 'old' });
    await flush();
    expect(subscription.position).toBeUndefined();
    sent[1].answer({ channel: 'chat:lobby', offset: 2, epoch: 'e1' });
    await flush();
    expect(subscription.position).toEqual({ offset: 2, epoch: 'e1' });
  });

  it('raises resync on recovered:false, on itself and through the client', async () => {
    const { link, sent, resyncs } = fakeLink();
    const subscription = new Subscription('chat:lobby', () => undefined, link, 250, {
      offset: 5,
      epoch: 'old',
    });
    const own: ResyncEvent[] = [];
    subscription.on('resync', (event) => own.push(event));
    subscription.sync();
    sent[0].answer({ channel: 'chat:lobby', offset: 2, epoch: 'new', recovered: false });
    await flush();
    const expected = {
      channel: 'chat:lobby',
      previous: { offset: 5, epoch: 'old' },
      current: { offset: 2, epoch: 'new' },
    };
    expect(own).toEqual([expected]);
    expect(resyncs).toEqual([expected]);
  });

  it('retries a transient refusal with backoff, and gives up on a final one', async () => {
    const { link, sent, released } = fakeLink();
    const subscription = new Subscription('chat:lobby', () => undefined, link, 250);
    const errors: SwitchboardError[] = [];
    subscription.on('error', (error) => errors.push(error));
    subscription.sync();
    sent[0].fail(new SwitchboardError('RATE_LIMITED', 'slow down'));
    await flush();
    jest.advanceTimersByTime(500);
    expect(sent).toHaveLength(2);
    sent[1].fail(new SwitchboardError('FORBIDDEN', 'no'));
    await expect(subscription.ready).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(errors.map((e) => e.code)).toEqual(['FORBIDDEN']);
    expect(released.map((e) => e?.code)).toEqual(['FORBIDDEN']);
    expect(subscription.active).toBe(false);
  });

  it('stops delivering at once on unsubscribe', async () => {
    const { link, sent, released } = fakeLink();
    const seen: number[] = [];
    const subscription = new Subscription('chat:lobby', (p) => seen.push(p.offset), link, 250, {
      offset: 0,
      epoch: 'e1',
    });
    subscription.sync();
    sent[0].answer({ channel: 'chat:lobby', offset: 0, epoch: 'e1', recovered: true, publications: [] });
    await flush();
    await subscription.unsubscribe();
    subscription.receive(pub(1));
    expect(seen).toEqual([]);
    expect(released).toEqual([undefined]);
  });

  describe('channel.position', () => {
    const position = (offset: number, epoch = 'e1') => ({
      channel: 'chat:lobby',
      event: 'channel.position' as const,
      data: { offset, epoch },
      ts: 0,
    });

    async function ready(seen: number[]) {
      const fake = fakeLink();
      const subscription = new Subscription('chat:lobby', (p) => seen.push(p.offset), fake.link, 250);
      subscription.sync();
      fake.sent[0].answer({ channel: 'chat:lobby', offset: 2, epoch: 'e1' });
      await flush();
      return { ...fake, subscription };
    }

    it('recovers a lost last delivery after the hold, with no later publication', async () => {
      const seen: number[] = [];
      const { subscription, sent } = await ready(seen);
      subscription.observePosition(position(3));
      jest.advanceTimersByTime(249);
      expect(sent).toHaveLength(1);
      jest.advanceTimersByTime(1);
      expect(sent[1].payload).toEqual({ channel: 'chat:lobby', since: { offset: 2, epoch: 'e1' } });
      sent[1].answer({
        channel: 'chat:lobby',
        offset: 3,
        epoch: 'e1',
        recovered: true,
        publications: [pub(3)],
      });
      await flush();
      expect(seen).toEqual([3]);
    });

    it('sends nothing when the position is not ahead, or the live publication arrives within the hold', async () => {
      const seen: number[] = [];
      const { subscription, sent } = await ready(seen);
      subscription.observePosition(position(2));
      subscription.observePosition(position(1));
      jest.advanceTimersByTime(1000);
      subscription.observePosition(position(3));
      jest.advanceTimersByTime(100);
      subscription.receive(pub(3));
      jest.advanceTimersByTime(1000);
      expect(sent).toHaveLength(1);
      expect(seen).toEqual([3]);
    });

    it('asks the server at once about another epoch, and resyncs when it says so', async () => {
      const seen: number[] = [];
      const { subscription, sent, resyncs } = await ready(seen);
      subscription.observePosition(position(0, 'e2'));
      expect(sent[1].payload).toEqual({ channel: 'chat:lobby', since: { offset: 2, epoch: 'e1' } });
      sent[1].answer({ channel: 'chat:lobby', offset: 0, epoch: 'e2', recovered: false });
      await flush();
      expect(resyncs).toEqual([
        { channel: 'chat:lobby', previous: { offset: 2, epoch: 'e1' }, current: { offset: 0, epoch: 'e2' } },
      ]);
      expect(subscription.position).toEqual({ offset: 0, epoch: 'e2' });
    });

    it('ignores positions while its own subscribe is in flight', () => {
      const { link, sent } = fakeLink();
      const subscription = new Subscription('chat:lobby', () => undefined, link, 250);
      subscription.sync();
      subscription.observePosition(position(5, 'other'));
      jest.advanceTimersByTime(1000);
      expect(sent).toHaveLength(1);
    });
  });
});
