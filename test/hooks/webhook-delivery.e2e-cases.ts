import { startGateway, type RunningGateway } from '../support/gateway.js';
import { sampleSum, scrapeMetrics } from '../support/metrics.js';
import { publish } from '../support/publisher.js';
import { type ClientSocket, commandOk, connect, waitForEvent } from '../support/socket.js';
import { eventually } from '../support/wait.js';
import type { Answer } from './support/recording-server.js';
import { summary, WebhookReceiver } from './support/webhook-receiver.js';

/** How the receiver answers webhook requests in these cases. */
const OK: Answer = { status: 204 };

/**
 * Delivery of what the stores report, on one instance in memory (the outbox's behaviour on
 * Redis, and with several instances, is the outbox's own suite's and the sequence cases'):
 * retries of one request, batching, the retry window, and deliveries to clients that never wait.
 */
describe('webhooks: delivery from a running gateway', () => {
  const sockets: ClientSocket[] = [];
  let receiver: WebhookReceiver;
  let gateway: RunningGateway;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    gateway = await startGateway(
      // Enough rate for a burst of 200 subscribes on one connection. A short retry window that
      // still holds three attempts (at 0, 1 and 3 s).
      receiver.env({ WEBHOOK_RETRY_SECONDS: '5', RATE_LIMIT_PER_SECOND: '500', RATE_LIMIT_BURST: '500' }),
    );
  });
  afterEach(() => {
    receiver.respond = () => OK;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await gateway?.close();
    await receiver?.close();
  });

  async function client(sub: string, channels: string[] = []): Promise<ClientSocket> {
    const socket = await connect(gateway.url, gateway.token({ sub, channels }));
    sockets.push(socket);
    return socket;
  }

  it('redelivers a failed request with the same id and body, and holds later events behind it', async () => {
    const channel = 'chat:retry';
    const first = receiver.server.requests.length;
    receiver.respond = (_, index) => (index < first + 2 ? { status: 503 } : OK);
    const ann = await client('retry-ann', ['chat:*']);
    await commandOk(ann, 'subscribe', { channel });
    await receiver.server.until(() => receiver.server.requests.length > first, 'the first attempt');
    // Produced while the first request is failing: it must wait behind it.
    const bob = await client('retry-bob', ['chat:*']);
    await commandOk(bob, 'subscribe', { channel });
    const events = await receiver.untilEvents(channel, 3);
    const attempts = receiver.server.requests.slice(first, first + 3);
    expect(
      attempts.map((request) => receiver.server.answered.get(receiver.server.requests.indexOf(request))),
    ).toEqual([{ status: 503 }, { status: 503 }, OK]);
    expect(new Set(attempts.map((request) => request.headers['webhook-id'])).size).toBe(1);
    expect(new Set(attempts.map((request) => request.body)).size).toBe(1);
    // A fresh timestamp and signature on every attempt, each of which verifies.
    expect(new Set(attempts.map((request) => request.headers['webhook-signature'])).size).toBe(3);
    await receiver.verifyAll();
    expect(summary(events)).toEqual([
      '1 channel.occupied',
      '2 presence.joined retry-ann',
      '3 presence.joined retry-bob',
    ]);
    // Bob's join travelled in a later request than the retried one.
    const retried = JSON.parse(attempts[0].body) as { events: { channel: string; seq: number }[] };
    expect(retried.events.some((event) => event.channel === channel && event.seq === 3)).toBe(false);
  });

  it('batches a burst: 200 channels occupied at once cost a few requests', async () => {
    const before = receiver.server.requests.length;
    const burst = await client('burster');
    const channels = Array.from({ length: 200 }, (_, i) => `public:burst-${i}`);
    await Promise.all(channels.map((channel) => commandOk(burst, 'subscribe', { channel })));
    await receiver.server.until(
      () => receiver.events().filter((event) => event.channel.startsWith('public:burst-')).length === 200,
      '200 occupied events',
    );
    const requests = receiver.server.requests.slice(before);
    const carrying = requests.filter((request) => request.body.includes('public:burst-'));
    // At most 100 events a request: 2 at least; a few more when the burst spans lingers.
    expect(carrying.length).toBeGreaterThanOrEqual(2);
    expect(carrying.length).toBeLessThanOrEqual(10);
    const events = receiver.events().filter((event) => event.channel.startsWith('public:burst-'));
    expect(new Set(events.map((event) => event.channel)).size).toBe(200);
    expect(events.every((event) => event.type === 'channel.occupied' && event.seq === 1)).toBe(true);
  });

  it('drops and counts the events of a request not acknowledged within WEBHOOK_RETRY_SECONDS; the next seq shows the gap', async () => {
    const channel = 'public:gap';
    const droppedBefore = sampleSum(
      await scrapeMetrics(gateway.url),
      'switchboard_webhook_events_dropped_total',
      {
        reason: 'retry_window',
      },
    );
    let down = true;
    receiver.respond = (request) => (down && request.body.includes(`"${channel}"`) ? { status: 500 } : OK);
    const gap = await client('gap-gus');
    await commandOk(gap, 'subscribe', { channel });
    await eventually(
      async () =>
        sampleSum(await scrapeMetrics(gateway.url), 'switchboard_webhook_events_dropped_total', {
          reason: 'retry_window',
        }) > droppedBefore,
      { what: 'the events dropped after the retry window', timeoutMs: 15_000 },
    );
    down = false;
    await commandOk(gap, 'unsubscribe', { channel });
    expect(summary(await receiver.untilEvents(channel, 1))).toEqual(['2 channel.vacated']);
  });

  it('never delays deliveries to clients: a publication arrives while a webhook request waits for its answer', async () => {
    const channel = 'public:slow-receiver';
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // A receiver that answers only when the test lets it (as one that takes seconds would).
    receiver.respond = () => released.then(() => OK);
    const before = receiver.server.requests.length;
    const reader = await client('slow-reader');
    await commandOk(reader, 'subscribe', { channel });
    await receiver.server.until(() => receiver.server.requests.length > before, 'a webhook request');
    const arrived = waitForEvent<{ offset: number }>(reader, 'tick');
    await publish(gateway, channel, 'tick', { n: 1 });
    expect((await arrived).offset).toBe(1);
    const pending = receiver.server.requests.slice(before);
    expect(pending.every((_, i) => !receiver.server.answered.has(before + i))).toBe(true);
    release();
    expect(summary(await receiver.untilEvents(channel, 1))).toEqual(['1 channel.occupied']);
  });
});
