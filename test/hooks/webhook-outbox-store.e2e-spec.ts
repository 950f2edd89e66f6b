import { randomUUID } from 'node:crypto';
import type { WebhookEvent, WebhookRequestBody } from '@switchboard/protocol';
import { MemoryWebhookOutboxStore } from '../../src/hooks/memory-webhook-outbox.store.js';
import type { TimedWebhookEvent, WebhookOutboxStore } from '../../src/hooks/webhook-outbox.store.js';
import { eventually } from '../support/wait.js';
import { type OutboxStoreKind, OutboxStores } from './support/outbox-stores.js';

const occupied = (channel: string, ts = 1000): TimedWebhookEvent => ({
  type: 'channel.occupied',
  channel,
  ts,
});
const joined = (channel: string, userId: string, name?: string): TimedWebhookEvent => ({
  type: 'presence.joined',
  channel,
  userId,
  name,
  ts: 2000,
});

async function takeAll(store: WebhookOutboxStore, max = 100): Promise<readonly WebhookEvent[]> {
  expect(await store.lead()).toBe(true);
  const batch = await store.take(max, `msg_${randomUUID()}`, Date.now());
  if (!batch) return [];
  await store.complete(batch.id);
  return (JSON.parse(batch.body) as WebhookRequestBody).events;
}

/** One behavioural suite, run against both implementations of the interface. */
describe.each<OutboxStoreKind>(['memory', 'redis'])('%s webhook outbox store', (kind) => {
  let stores: OutboxStores;

  beforeEach(() => {
    stores = new OutboxStores(kind, 'outbox-store');
  });
  afterEach(async () => {
    await stores.close();
  });

  it('gives each channel its own seq from 1, growing by exactly 1, and queues in order', async () => {
    const store = stores.store();
    await store.append(randomUUID(), [
      occupied('chat:a'),
      occupied('chat:b', 1001),
      joined('chat:a', 'u1', 'Ann'),
    ]);
    await store.append(randomUUID(), [
      joined('chat:a', 'u2'),
      { type: 'channel.vacated', channel: 'chat:b', ts: 3000 },
    ]);
    expect(await store.depth()).toBe(5);
    expect(await takeAll(store)).toEqual([
      { seq: 1, type: 'channel.occupied', channel: 'chat:a', ts: 1000 },
      { seq: 1, type: 'channel.occupied', channel: 'chat:b', ts: 1001 },
      { seq: 2, type: 'presence.joined', channel: 'chat:a', ts: 2000, userId: 'u1', name: 'Ann' },
      { seq: 3, type: 'presence.joined', channel: 'chat:a', ts: 2000, userId: 'u2' },
      { seq: 2, type: 'channel.vacated', channel: 'chat:b', ts: 3000 },
    ]);
    expect(await store.depth()).toBe(0);
  });

  it('keeps one batch in flight, the same id, body and start, until it is completed', async () => {
    const store = stores.store();
    expect(await store.lead()).toBe(true);
    expect(await store.take(2, 'msg_none', 1)).toBeUndefined();
    await store.append(randomUUID(), [occupied('public:a'), occupied('public:b'), occupied('public:c')]);
    const first = await store.take(2, 'msg_first', 5000);
    expect(first).toEqual({
      id: 'msg_first',
      since: 5000,
      body: '{"id":"msg_first","events":[{"seq":1,"type":"channel.occupied","channel":"public:a","ts":1000},{"seq":1,"type":"channel.occupied","channel":"public:b","ts":1000}]}',
    });
    expect(await store.depth()).toBe(1);
    // Taken again (a retry, or another deliverer after a takeover): the same batch.
    expect(await store.take(2, 'msg_other', 9000)).toEqual(first);
    await store.complete('msg_other');
    expect(await store.take(2, 'msg_other', 9000)).toEqual(first);
    await store.complete('msg_first');
    const second = await store.take(2, 'msg_second', 9000);
    expect(second?.id).toBe('msg_second');
    expect((JSON.parse(second?.body ?? '{}') as WebhookRequestBody).events.map((e) => e.channel)).toEqual([
      'public:c',
    ]);
  });

  it('applies an append token once: a retried append queues nothing twice', async () => {
    const store = stores.store();
    const token = randomUUID();
    await store.append(token, [occupied('chat:t')]);
    await store.append(token, [occupied('chat:t')]);
    await store.append(randomUUID(), [{ type: 'channel.vacated', channel: 'chat:t', ts: 1 }]);
    expect((await takeAll(store)).map((event) => [event.type, event.seq])).toEqual([
      ['channel.occupied', 1],
      ['channel.vacated', 2],
    ]);
  });

  it('drops the oldest queued events beyond its capacity, never the batch in flight, and says how many', async () => {
    const store = stores.store({ capacity: 3 });
    expect(await store.lead()).toBe(true);
    await store.append(randomUUID(), [occupied('chat:c1'), occupied('chat:c2')]);
    const inFlight = await store.take(1, 'msg_flight', 1);
    expect(await store.append(randomUUID(), [occupied('chat:c3'), occupied('chat:c4')])).toEqual({
      dropped: 0,
    });
    expect(await store.append(randomUUID(), [occupied('chat:c5'), occupied('chat:c6')])).toEqual({
      dropped: 2,
    });
    expect(await store.depth()).toBe(3);
    expect(await store.take(10, 'msg_again', 2)).toEqual(inFlight);
    await store.complete('msg_flight');
    expect((await takeAll(store)).map((event) => event.channel)).toEqual(['chat:c4', 'chat:c5', 'chat:c6']);
  });

  if (kind === 'redis') {
    it('assigns seqs cluster-wide: instances appending to one channel at once never share or skip one', async () => {
      const instances = [stores.store(), stores.store(), stores.store()];
      await Promise.all(
        instances.flatMap((store, i) =>
          Array.from({ length: 20 }, (_, n) =>
            store.append(randomUUID(), [
              { type: 'presence.joined', channel: 'chat:busy', userId: `u${i}-${n}`, ts: n },
            ]),
          ),
        ),
      );
      const leader = instances[0];
      expect(await leader.lead()).toBe(true);
      const seqs = (await takeAll(leader)).map((event) => event.seq);
      expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    });

    it('lets one instance deliver at a time, until it releases or is declared dead', async () => {
      const [a, b] = [stores.store(), stores.store()] as const;
      await a.append(randomUUID(), [occupied('chat:l')]);
      expect(await a.lead()).toBe(true);
      expect(await b.lead()).toBe(false);
      expect(await b.take(10, 'msg_b', 1)).toBeUndefined();
      expect(await b.depth()).toBe(1);
      const batch = await a.take(10, 'msg_a', 1);
      // `a` dies holding the lease and its batch; another instance frees the lease at once.
      await b.releaseFor('someone-else');
      expect(await b.lead()).toBe(false);
      const owner = await stores.redis.get(stores.key('lease'));
      await b.releaseFor(owner ?? '');
      expect(await b.lead()).toBe(true);
      expect(await a.lead()).toBe(false);
      // The new deliverer resumes the same batch: same id, same body.
      expect(await b.take(10, 'msg_b', 2)).toEqual(batch);
      await b.release();
      expect(await a.lead()).toBe(true);
    });

    it('hands the lease over when its holder stops renewing it', async () => {
      const [a, b] = [stores.store({ leaseMs: 200 }), stores.store({ leaseMs: 200 })] as const;
      expect(await a.lead()).toBe(true);
      expect(await b.lead()).toBe(false);
      // No event announces a TTL's end: poll for it.
      await eventually(() => b.lead(), { timeoutMs: 5_000, what: 'the lease to pass to b' });
      expect(await a.lead()).toBe(false);
    });

    it('keeps every key under the prefix in one cluster slot, and gives seq counters a TTL', async () => {
      const store = stores.store({ seqTtlSeconds: 120 });
      await store.append(randomUUID(), [occupied('chat:ttl')]);
      const ttl = await stores.redis.ttl(stores.key('seq:chat:ttl'));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(120);
      const keys = await stores.redis.keys(`${stores.prefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key).toContain('{hooks}:webhook:');
    });
  } else {
    it('forgets the seq of a channel idle longer than its TTL (memory stays bounded)', async () => {
      let now = 0;
      const store = new MemoryWebhookOutboxStore({ capacity: 100, seqTtlMs: 1000, now: () => now });
      await store.append(randomUUID(), [occupied('chat:idle'), occupied('chat:busy')]);
      now = 600;
      await store.append(randomUUID(), [occupied('chat:busy')]);
      now = 1200;
      await store.append(randomUUID(), [occupied('chat:idle'), occupied('chat:busy')]);
      expect((await takeAll(store)).map((event) => `${event.channel}#${event.seq}`)).toEqual([
        'chat:idle#1',
        'chat:busy#1',
        'chat:busy#2',
        'chat:idle#1',
        'chat:busy#3',
      ]);
    });
  }
});
