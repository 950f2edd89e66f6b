import { randomBytes } from 'node:crypto';
import {
  type WebhookEvent,
  type WebhookEventType,
  type WebhookRequestBody,
  WEBHOOK_EVENT_TYPES,
} from '@switchboard/protocol';
import { verifyWebhook } from '@switchboard/client/publisher';
import { HookHttpClient } from '../../src/hooks/hook-http.client.js';
import { HookSigner } from '../../src/hooks/hook-signer.js';
import type { WebhookDropReason, WebhookRequestResult } from '../../src/hooks/webhook-deliverer.js';
import { OUTBOX_DEFAULTS, WebhookOutbox } from '../../src/hooks/webhook-outbox.js';
import type { WebhookOutboxStore } from '../../src/hooks/webhook-outbox.store.js';
import type { WebhookBackoff } from '../../src/hooks/webhook-retry.js';
import { type OutboxStoreKind, OutboxStores } from './support/outbox-stores.js';
import { type RecordedRequest, RecordingServer } from './support/recording-server.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

interface OutboxSetup {
  readonly retrySeconds?: number;
  readonly backoff?: WebhookBackoff;
  readonly events?: readonly WebhookEventType[];
  readonly store?: WebhookOutboxStore;
}

/** What the outbox reported to its observer (the metrics, in the app). */
class Observed {
  readonly requests: WebhookRequestResult[] = [];
  readonly dropped: [number, WebhookDropReason][] = [];
  private dropWaiters: (() => void)[] = [];
  private requestWaiters: { count: number; wake: () => void }[] = [];

  droppedOnce(): Promise<void> {
    return new Promise((resolve) => this.dropWaiters.push(resolve));
  }

  /**
   * Once the outbox has observed `count` answers: the receiver has the request before the
   * outbox has read its answer, so a test that saw the request must still await this.
   */
  requestsReach(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((wake) => this.requestWaiters.push({ count, wake }));
  }

  observer = {
    requested: (result: WebhookRequestResult) => {
      this.requests.push(result);
      const [ready, waiting] = [
        this.requestWaiters.filter((w) => w.count <= this.requests.length),
        this.requestWaiters.filter((w) => w.count > this.requests.length),
      ];
      this.requestWaiters = waiting;
      for (const { wake } of ready) wake();
    },
    dropped: (count: number, reason: WebhookDropReason) => {
      this.dropped.push([count, reason]);
      for (const wake of this.dropWaiters.splice(0)) wake();
    },
  };
}

async function bodies(requests: readonly RecordedRequest[]): Promise<WebhookRequestBody[]> {
  return Promise.all(requests.map((request) => verifyWebhook(SECRET, request.headers, request.body)));
}

const channelEvents = (events: readonly WebhookEvent[], channel: string): WebhookEvent[] =>
  events.filter((event) => event.channel === channel);

describe.each<OutboxStoreKind>(['memory', 'redis'])(
  'webhook outbox on the %s store, to a real receiver',
  (kind) => {
    let stores: OutboxStores;
    let receiver: RecordingServer;
    let http: HookHttpClient;
    const outboxes: WebhookOutbox[] = [];
    let observed: Observed;

    function startOutbox(setup: OutboxSetup = {}): WebhookOutbox {
      const outbox = new WebhookOutbox(
        setup.store ?? stores.store(),
        http,
        {
          ...OUTBOX_DEFAULTS,
          url: `${receiver.url}/hooks`,
          events: new Set(setup.events ?? WEBHOOK_EVENT_TYPES),
          timeoutMs: 2_000,
          retrySeconds: setup.retrySeconds ?? 3600,
          backoff: setup.backoff,
        },
        observed.observer,
      );
      outboxes.push(outbox);
      outbox.start();
      return outbox;
    }

    beforeEach(async () => {
      stores = new OutboxStores(kind, 'outbox');
      receiver = await RecordingServer.start();
      http = new HookHttpClient(new HookSigner(SECRET), { maxResponseBytes: 4096 });
      observed = new Observed();
    });
    afterEach(async () => {
      for (const outbox of outboxes.splice(0)) await outbox.stop();
      http.close();
      await receiver.close();
      await stores.close();
    });

    it('sends one channel’s full sequence, signed, with seq 1..n in order', async () => {
      const outbox = startOutbox();
      const channel = 'chat:lobby';
      outbox.enqueue(channel, { type: 'channel.occupied' });
      outbox.enqueue(channel, { type: 'presence.joined', userId: 'u1', name: 'Ann' });
      outbox.enqueue(channel, { type: 'presence.joined', userId: 'u2' });
      outbox.enqueue(channel, { type: 'presence.left', userId: 'u1', name: 'Ann' });
      outbox.enqueue(channel, { type: 'presence.left', userId: 'u2' });
      outbox.enqueue(channel, { type: 'channel.vacated' });
      const requests = await receiver.received(1);
      const [body] = await bodies(requests);
      expect(requests[0]).toMatchObject({ method: 'POST', path: '/hooks' });
      expect(requests[0]?.headers['content-type']).toBe('application/json');
      expect(body?.id).toBe(requests[0]?.headers['webhook-id']);
      expect(
        body?.events.map(({ type, channel: c, seq, userId, name }) => ({ type, c, seq, userId, name })),
      ).toEqual([
        { type: 'channel.occupied', c: channel, seq: 1, userId: undefined, name: undefined },
        { type: 'presence.joined', c: channel, seq: 2, userId: 'u1', name: 'Ann' },
        { type: 'presence.joined', c: channel, seq: 3, userId: 'u2', name: undefined },
        { type: 'presence.left', c: channel, seq: 4, userId: 'u1', name: 'Ann' },
        { type: 'presence.left', c: channel, seq: 5, userId: 'u2', name: undefined },
        { type: 'channel.vacated', c: channel, seq: 6, userId: undefined, name: undefined },
      ]);
      for (const event of body?.events ?? []) expect(Math.abs(event.ts - Date.now())).toBeLessThan(60_000);
      // A later change of the channel continues its sequence.
      outbox.enqueue(channel, { type: 'channel.occupied' });
      const [, next] = await bodies(await receiver.received(2));
      expect(next?.events.map((event) => [event.type, event.seq])).toEqual([['channel.occupied', 7]]);
      await observed.requestsReach(2);
      expect(observed.requests).toEqual(['ok', 'ok']);
    });

    it('redelivers a failed request with the same id and body after backing off from 1 s, holding later events back', async () => {
      receiver.respond = (_request, index) =>
        index < 2 ? { status: index === 0 ? 500 : 503 } : { status: 204 };
      const outbox = startOutbox();
      outbox.enqueue('chat:r', { type: 'channel.occupied' });
      outbox.enqueue('chat:r', { type: 'presence.joined', userId: 'u1' });
      await receiver.received(1);
      // Changes that happen while the first request fails wait until it is acknowledged.
      outbox.enqueue('chat:r', { type: 'presence.left', userId: 'u1' });
      outbox.enqueue('chat:r', { type: 'channel.vacated' });
      const requests = await receiver.received(4, 15_000);
      const [first, second, third, fourth] = requests;
      for (const retry of [second, third]) {
        expect(retry?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
        expect(retry?.body).toBe(first?.body);
      }
      // Backoff from 1 s, doubling (lower bounds only: a loaded machine is only ever later).
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
      expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(1950);
      expect(fourth?.headers['webhook-id']).not.toBe(first?.headers['webhook-id']);
      const all = (await bodies([third, fourth] as RecordedRequest[])).flatMap((body) => body.events);
      expect(all.map((event) => [event.type, event.seq])).toEqual([
        ['channel.occupied', 1],
        ['presence.joined', 2],
        ['presence.left', 3],
        ['channel.vacated', 4],
      ]);
      await observed.requestsReach(4);
      expect(observed.requests).toEqual(['rejected', 'rejected', 'ok', 'ok']);
    }, 30_000);

    it('sends a burst of 200 changes in a few requests of at most 100 events', async () => {
      const outbox = startOutbox();
      for (let i = 0; i < 200; i++) outbox.enqueue(`public:room-${i}`, { type: 'channel.occupied' });
      // Received until every event arrived, however they were batched.
      const events: WebhookEvent[] = [];
      for (let count = 1; events.length < 200; count++) {
        const requests = await receiver.received(count);
        const [body] = await bodies(requests.slice(-1));
        events.push(...(body?.events ?? []));
      }
      expect(receiver.requests.length).toBeLessThanOrEqual(5);
      for (const body of await bodies(receiver.requests)) expect(body.events.length).toBeLessThanOrEqual(100);
      expect(events.map((event) => event.channel).sort()).toEqual(
        Array.from({ length: 200 }, (_, i) => `public:room-${i}`).sort(),
      );
      expect(events.every((event) => event.seq === 1 && event.type === 'channel.occupied')).toBe(true);
    });

    it('drops and counts the events of a request not acknowledged within the retry window; the next seq shows the gap', async () => {
      let down = true;
      receiver.respond = () => (down ? { status: 502 } : { status: 200 });
      const outbox = startOutbox({ retrySeconds: 1, backoff: { firstMs: 100, maxMs: 200 } });
      const dropped = observed.droppedOnce();
      outbox.enqueue('chat:gap', { type: 'channel.occupied' });
      outbox.enqueue('chat:gap', { type: 'presence.joined', userId: 'u1' });
      outbox.enqueue('chat:gap', { type: 'presence.left', userId: 'u1' });
      await dropped;
      expect(observed.dropped).toEqual([[3, 'retry_window']]);
      const failedAttempts = receiver.requests.length;
      expect(failedAttempts).toBeGreaterThanOrEqual(2);
      down = false;
      outbox.enqueue('chat:gap', { type: 'channel.vacated' });
      const requests = await receiver.received(failedAttempts + 1);
      const [last] = await bodies(requests.slice(-1));
      expect(last?.events.map((event) => [event.type, event.seq])).toEqual([['channel.vacated', 4]]);
      await observed.requestsReach(failedAttempts + 1);
      expect(observed.requests.filter((result) => result === 'ok')).toHaveLength(1);
    });

    it('produces only the WEBHOOK_EVENTS types, and only produced events take a seq', async () => {
      const outbox = startOutbox({ events: ['channel.occupied', 'channel.vacated'] });
      expect(outbox.wants('presence.joined')).toBe(false);
      outbox.enqueue('chat:f', { type: 'channel.occupied' });
      outbox.enqueue('chat:f', { type: 'presence.joined', userId: 'u1' });
      outbox.enqueue('chat:f', { type: 'channel.vacated' });
      const [body] = await bodies(await receiver.received(1));
      expect(channelEvents(body?.events ?? [], 'chat:f').map((event) => [event.type, event.seq])).toEqual([
        ['channel.occupied', 1],
        ['channel.vacated', 2],
      ]);
    });

    if (kind === 'redis') {
      it('delivers, from another instance, what a dead deliverer held: the same id and body, then the rest in order', async () => {
        receiver.respond = (_request, index) => (index === 0 ? 'hang' : { status: 200 });
        const dying = stores.store();
        const a = startOutbox({ store: dying });
        a.enqueue('chat:k', { type: 'channel.occupied' });
        a.enqueue('chat:k', { type: 'presence.joined', userId: 'u1' });
        const [held] = await receiver.received(1);
        // Instance A "dies": it is stopped with its lease and its batch left in Redis. Its changes
        // made since are queued in Redis too (the append landed before the death).
        const survivor = stores.store();
        const b = startOutbox({ store: survivor });
        b.enqueue('chat:k', { type: 'presence.left', userId: 'u1' });
        await crash(a, outboxes);
        await b.onInstanceDead(await leaseHolder(stores));
        const [, resent, rest] = await receiver.received(3);
        expect(resent?.headers['webhook-id']).toBe(held?.headers['webhook-id']);
        expect(resent?.body).toBe(held?.body);
        const events = (await bodies([resent, rest] as RecordedRequest[])).flatMap((body) => body.events);
        expect(events.map((event) => [event.type, event.seq])).toEqual([
          ['channel.occupied', 1],
          ['presence.joined', 2],
          ['presence.left', 3],
        ]);
      });
    }
  },
);

/** Stops an outbox's deliverer as a SIGKILL would: nothing released, nothing flushed. */
async function crash(outbox: WebhookOutbox, outboxes: WebhookOutbox[]): Promise<void> {
  outboxes.splice(outboxes.indexOf(outbox), 1);
  await (outbox as unknown as { deliverer: { stop(): Promise<void> } }).deliverer.stop();
}

async function leaseHolder(stores: OutboxStores): Promise<string> {
  const holder = await stores.redis.get(stores.key('lease'));
  if (holder === null) throw new Error('nobody holds the lease');
  return holder;
}
