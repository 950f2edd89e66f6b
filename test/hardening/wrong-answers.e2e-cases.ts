import { createApp } from '../../src/app.factory.js';
import { ControlApi, type ChannelOccupancy } from '../support/control.js';
import { startGateway, TEST_SECRET, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { serviceToken } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { commandOk } from '../support/socket.js';
import { PrivateRedis } from '../redis/support/redis-server.js';
import { startStores, type StoreKind, type Stores } from '../delivery/support/stores.js';

/**
 * Issue 17, item 8: answers that were wrong. An `Idempotency-Key` header on a batch was
 * ignored (400 now); a replayed batch item carried no marker (`replayed: true`); the channel
 * listing stopped at its limit without saying so (`next` / `after`); `limit=0x10` was read as
 * 16 and `limit=` was a 400 (decimal only; empty is the default); and any `NODE_ENV` but
 * exactly `production` opened the development-only things.
 */
interface Page {
  channels: ChannelOccupancy[];
  next?: string;
}

describe.each<StoreKind>(['memory', 'redis'])('%s: batch keys, channel pages, query numbers', (kind) => {
  let redis: PrivateRedis | undefined;
  let stores: Stores;
  const pool = new SocketPool(() => stores.subscriber.url);
  /** Clients of the other instance (Redis mode; the same one in memory mode). */
  const otherPool = new SocketPool(() => stores.publisher.url);
  beforeAll(async () => {
    if (kind === 'redis') redis = await PrivateRedis.start();
    stores = await startStores(kind, 'answers', {}, redis?.url);
  });
  afterEach(() => {
    pool.closeAll();
    otherPool.closeAll();
  });
  afterAll(async () => {
    await stores.stop();
    await redis?.destroy();
  });

  const batch = (body: unknown, headers: Record<string, string> = {}) =>
    request<{ results: Record<string, unknown>[] }>(stores.publisher.url, 'POST', '/api/v1/publish/batch', {
      token: serviceToken(stores.publisher),
      body,
      headers,
    });

  it('a batch refuses an Idempotency-Key header, valid or not, and marks replayed items', async () => {
    const channel = `public:answers-batch-${kind}`;
    const publications = [
      { channel, event: 'item', data: 1, idempotencyKey: 'k-1' },
      { channel, event: 'item', data: 2 },
    ];
    for (const key of ['k-1', 'no spaces please']) {
      const refused = await batch({ publications }, { 'idempotency-key': key });
      expect(refused).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
      expect(refused.body).toHaveProperty('message', expect.stringMatching(/Idempotency-Key/));
    }
    const first = await batch({ publications });
    expect(first.body.results).toEqual([
      { channel, event: 'item', offset: 1, epoch: expect.any(String) },
      { channel, event: 'item', offset: 2, epoch: expect.any(String) },
    ]);
    const again = await batch({ publications });
    expect(again.body.results).toEqual([
      { channel, event: 'item', offset: 1, epoch: first.body.results[0]['epoch'], replayed: true },
      { channel, event: 'item', offset: 3, epoch: first.body.results[0]['epoch'] },
    ]);
  });

  it('GET /api/v1/channels pages with after/next: every channel once, on either instance', async () => {
    const names = Array.from({ length: 23 }, (_, n) => `public:page-${kind}-${String(n).padStart(2, '0')}`);
    // Subscribers on both instances (Redis mode): half the channels each.
    const here = await pool.connect(stores.subscriber.token({ sub: 'pager-1' }));
    const there = await otherPool.connect(stores.publisher.token({ sub: 'pager-2' }));
    for (const [i, channel] of names.entries()) {
      await commandOk(i % 2 === 0 ? here : there, 'subscribe', { channel });
    }
    const apis = [new ControlApi(stores.publisher), new ControlApi(stores.subscriber)];
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const query = `?prefix=public:page-${kind}-&limit=5${after === undefined ? '' : `&after=${after}`}`;
      const response = await apis[pages % 2].channels(query);
      expect(response.status).toBe(200);
      const page = response.body as Page;
      seen.push(...page.channels.map((c) => c.channel));
      expect(page.channels.length).toBe(page.next === undefined ? names.length % 5 : 5);
      if (page.next !== undefined) expect(page.next).toBe(page.channels.at(-1)?.channel);
      after = page.next;
      pages++;
    } while (after !== undefined);
    expect(pages).toBe(5);
    expect(seen).toEqual(names);
    // A listing that fits in one page has no `next`.
    const whole = (await apis[0].channels(`?prefix=public:page-${kind}-&limit=23`)).body as Page;
    expect(whole.channels.length).toBe(23);
    expect('next' in whole).toBe(false);
    expect((await apis[0].channels('?after=not%20a%20channel')).status).toBe(400);
  });

  it('a channel name of the longest kind (128 characters after the colon) is a cursor and a prefix', async () => {
    const stem = `long-${kind}-`;
    const longest = `public:${stem}${'x'.repeat(128 - stem.length)}`;
    const shorter = `public:${stem}y`;
    const client = await pool.connect(stores.subscriber.token({ sub: 'pager-long' }));
    for (const channel of [longest, shorter]) await commandOk(client, 'subscribe', { channel });
    const api = new ControlApi(stores.publisher);
    const first = await api.channels(`?prefix=public:${stem}&limit=1`);
    expect(first.body).toEqual({ channels: [expect.objectContaining({ channel: longest })], next: longest });
    const second = await api.channels(`?prefix=public:${stem}&limit=1&after=${longest}`);
    expect(second.body).toEqual({ channels: [expect.objectContaining({ channel: shorter })] });
    const exact = await api.channels(`?prefix=${longest}`);
    expect(exact.body).toEqual({ channels: [expect.objectContaining({ channel: longest })] });
    // One character longer is no channel name, so no cursor either.
    expect((await api.channels(`?after=${longest}x`)).status).toBe(400);
  });

  it('query numbers are decimal integers; an empty parameter is the default', async () => {
    const channel = `public:answers-q-${kind}`;
    await batch({ publications: [1, 2, 3].map((n) => ({ channel, event: 'n', data: n })) });
    const token = serviceToken(stores.publisher);
    const get = (path: string) =>
      request<Record<string, unknown>>(stores.publisher.url, 'GET', path, { token });
    const historyPath = `/api/v1/channels/${channel}/history`;
    for (const path of [
      `${historyPath}?limit=0x10`,
      `${historyPath}?since=0x1`,
      `${historyPath}?limit=1e2`,
      `${historyPath}?since=%201`,
      `${historyPath}?limit=2.0`,
      `${historyPath}?limit=+2`,
      '/api/v1/channels?limit=0x10',
      '/api/v1/channels?limit=1e1',
    ]) {
      expect([path, (await get(path)).status]).toEqual([path, 400]);
    }
    const empty = await get(`${historyPath}?since=&limit=`);
    expect(empty.status).toBe(200);
    expect((empty.body['publications'] as unknown[]).length).toBe(3);
    const decimal = await get(`${historyPath}?since=01&limit=1`);
    expect((decimal.body['publications'] as { offset: number }[]).map((p) => p.offset)).toEqual([2]);
    expect((await get('/api/v1/channels?limit=&prefix=')).status).toBe(200);
  });
});

describe('NODE_ENV: only exactly development or test is not production', () => {
  let gateway: RunningGateway | undefined;
  afterAll(() => gateway?.close());

  it('refuses to start without JWT_SECRET under any other name, and never offers the dev things', async () => {
    for (const name of ['prod', 'staging', 'Development', 'TEST']) {
      await expect(createApp({ NODE_ENV: name, LOG_LEVEL: 'silent' })).rejects.toThrow(
        /JWT_SECRET is required/,
      );
      await expect(
        createApp({ NODE_ENV: name, JWT_SECRET: TEST_SECRET, CONFORMANCE: '1', LOG_LEVEL: 'silent' }),
      ).rejects.toThrow(/CONFORMANCE/);
    }
    gateway = await startGateway({ NODE_ENV: 'prod' });
    const mint = await request(gateway.url, 'POST', '/api/v1/dev/token', { body: { sub: 'alice' } });
    expect(mint.status).toBe(404);
  });
});
