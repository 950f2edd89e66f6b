import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { publish, serviceToken } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { type ClientSocket, collect, commandOk, waitForEvent } from '../support/socket.js';
import { eventually } from '../support/wait.js';

interface Publication {
  channel: string;
  event: string;
  offset: number;
  epoch: string;
  data: unknown;
  ts: number;
}
interface HistoryPage {
  channel: string;
  epoch: string;
  offset: number;
  publications: Publication[];
}

async function history(gateway: RunningGateway, channel: string, query = ''): Promise<HistoryPage> {
  const response = await request<HistoryPage>(
    gateway.url,
    'GET',
    `/api/v1/channels/${channel}/history${query}`,
    { token: serviceToken(gateway) },
  );
  expect(response.status).toBe(200);
  return response.body;
}

/** Resolves once `count` payloads of `event` have arrived on `socket`. */
function receive(
  socket: ClientSocket,
  event: string,
  count: number,
  timeoutMs = 20_000,
): Promise<Publication[]> {
  const seen = collect<Publication>(socket, event);
  return eventually(() => seen.length >= count && seen, { timeoutMs, what: `${count} × ${event}` });
}

describe('publications (single instance)', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it('delivers { channel, event, offset, epoch, data, ts } for any JSON data', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'sha' }));
    const { epoch } = await commandOk<{ epoch: string }>(socket, 'subscribe', { channel: 'public:shape' });
    const values: unknown[] = [{ nested: { a: [1, 'two', null] } }, null, [1, 2], 'text', 42, false];
    const arrived = receive(socket, 'shape.event', values.length);
    const before = Date.now();
    for (const data of values) await publish(gateway, 'public:shape', 'shape.event', data);
    const payloads = await arrived;
    payloads.forEach((payload, index) => {
      expect(Object.keys(payload).sort()).toEqual(['channel', 'data', 'epoch', 'event', 'offset', 'ts']);
      expect(payload).toEqual({
        channel: 'public:shape',
        event: 'shape.event',
        offset: index + 1,
        epoch,
        data: values[index],
        ts: expect.any(Number),
      });
      expect(payload.ts).toBeGreaterThanOrEqual(before - 1000);
      expect(payload.ts).toBeLessThanOrEqual(Date.now() + 1000);
    });
  });

  it('keeps offsets contiguous from 1 and the order under 200 concurrent publishes', async () => {
    const websocket = await pool.connect(gateway.token({ sub: 'ord' }));
    const polling = await pool.connect(gateway.token({ sub: 'ord2' }), { transports: ['polling'] });
    const top = await commandOk<{ epoch: string }>(websocket, 'subscribe', { channel: 'public:order' });
    await commandOk(polling, 'subscribe', { channel: 'public:order' });
    const onWebsocket = receive(websocket, 'order.event', 200, 30_000);
    const onPolling = receive(polling, 'order.event', 200, 30_000);

    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, n) => publish(gateway, 'public:order', 'order.event', { n })),
    );
    const expected = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(answers.map((a) => a.offset).sort((a, b) => a - b)).toEqual(expected);
    expect(new Set(answers.map((a) => a.epoch))).toEqual(new Set([top.epoch]));

    for (const received of [await onWebsocket, await onPolling]) {
      expect(received.map((p) => p.offset)).toEqual(expected);
      // Each offset carries the data of the publish call that was answered with it.
      const byOffset = new Map(answers.map((a, n) => [a.offset, n]));
      for (const p of received) expect(p.data).toEqual({ n: byOffset.get(p.offset) });
    }
  }, 60_000);
});

describe('HISTORY_SIZE', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({ HISTORY_SIZE: '5' });
  });
  afterAll(() => gateway.close());

  it('keeps only the newest HISTORY_SIZE publications', async () => {
    for (let n = 1; n <= 8; n++) await publish(gateway, 'public:bounded', 'bounded.event', { n });
    const page = await history(gateway, 'public:bounded');
    expect(page.offset).toBe(8);
    expect(page.publications.map((p) => p.offset)).toEqual([4, 5, 6, 7, 8]);
    expect(page.publications.map((p) => p.data)).toEqual([4, 5, 6, 7, 8].map((n) => ({ n })));
  });
});

describe('an empty channel through a quiet spell longer than HISTORY_TTL_SECONDS', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    // The default stream TTL: the pending epoch an empty channel announces lives half of it.
    gateway = await startGateway({ HISTORY_TTL_SECONDS: '1' });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it('keeps the epoch it announced: its first publication carries it', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'quiet' }));
    const announced = await commandOk<{ offset: number; epoch: string }>(socket, 'subscribe', {
      channel: 'public:quiet',
    });
    expect(announced.offset).toBe(0);
    // Nothing happens while the TTL passes, so there is no event to await: wait it out.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const live = waitForEvent<Publication>(socket, 'quiet.event');
    expect(await publish(gateway, 'public:quiet', 'quiet.event', 1)).toMatchObject({
      offset: 1,
      epoch: announced.epoch,
    });
    expect(await live).toMatchObject({ offset: 1, epoch: announced.epoch });
  });
});

describe('HISTORY_TTL_SECONDS and STREAM_TTL_SECONDS', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway({ HISTORY_TTL_SECONDS: '1', STREAM_TTL_SECONDS: '3' });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it('starts a new epoch with offsets from 1 once the stream expired', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'ttl' }));
    await commandOk(socket, 'subscribe', { channel: 'public:ttl' });
    const first = await publish(gateway, 'public:ttl', 'ttl.event', 'one');
    const second = await publish(gateway, 'public:ttl', 'ttl.event', 'two');
    expect([first.offset, second.offset]).toEqual([1, 2]);
    expect(second.epoch).toBe(first.epoch);

    // No event announces expiry: poll the history (bounded) until the old life is gone.
    const renewed = await eventually(
      async () => {
        const page = await history(gateway, 'public:ttl');
        return page.epoch !== first.epoch && page;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the stream to expire' },
    );
    expect(renewed).toMatchObject({ offset: 0, publications: [] });
    expect(renewed.epoch.length).toBeGreaterThan(0);

    const live = waitForEvent<Publication>(socket, 'ttl.event', { filter: (p) => p.data === 'three' });
    const third = await publish(gateway, 'public:ttl', 'ttl.event', 'three');
    expect(third).toMatchObject({ offset: 1, epoch: renewed.epoch });
    expect(await live).toMatchObject({ offset: 1, epoch: renewed.epoch });
  });
});
