import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request, type HttpResult } from '../support/http.js';
import { barrier, serviceToken } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { collect, commandOk } from '../support/socket.js';
import { PrivateRedis } from '../redis/support/redis-server.js';
import { startStores, type StoreKind, type Stores } from './support/stores.js';

interface Publication {
  channel: string;
  offset: number;
  epoch: string;
  data: unknown;
}
interface Published {
  channel: string;
  event: string;
  offset: number;
  epoch: string;
}
interface Failed {
  channel: string | null;
  error: { statusCode: number; message: string | string[] };
}
type Result = Published | Failed;

function batch(
  gateway: RunningGateway,
  body: unknown,
  token = serviceToken(gateway),
): Promise<HttpResult<{ results: Result[] }>> {
  return request<{ results: Result[] }>(gateway.url, 'POST', '/api/v1/publish/batch', { token, body });
}

describe.each<StoreKind>(['memory', 'redis'])('%s: POST /api/v1/publish/batch', (kind) => {
  let stores: Stores;
  const pool = new SocketPool(() => stores.subscriber.url);

  beforeAll(async () => {
    stores = await startStores(kind, 'batch');
  });
  afterEach(() => pool.closeAll());
  afterAll(() => stores.stop());

  it('publishes each item on its own, in request order, a bad item failing alone', async () => {
    const socket = await pool.connect(stores.subscriber.token({ sub: 'reader' }));
    for (const channel of ['public:b-one', 'public:b-two']) await commandOk(socket, 'subscribe', { channel });
    const seen = collect<Publication>(socket, 'item.added');

    const response = await batch(stores.publisher, {
      publications: [
        { channel: 'public:b-one', event: 'item.added', data: { n: 1 } },
        { channel: 'nope:x', event: 'item.added', data: null },
        { channel: 'public:b-two', event: 'item.added', data: { n: 2 } },
        { channel: 'public:b-one', event: 'Bad Event', data: null },
        'not an object',
        { channel: 'public:b-one', event: 'item.added', data: null, extra: true },
        { channel: 'public:b-one', event: 'item.added', idempotencyKey: 'no spaces please' },
        { channel: 'public:b-one', event: 'item.added', data: { n: 3 } },
        { channel: 'public:b-one', event: 'presence.join', data: null },
      ],
    });
    expect(response.status).toBe(200);
    const [ok1, unknown, ok2, badEvent, notObject, extra, badKey, ok3, reserved] = response.body.results;
    const epochOne = (ok1 as Published).epoch;
    expect(ok1).toEqual({ channel: 'public:b-one', event: 'item.added', offset: 1, epoch: epochOne });
    expect(ok2).toEqual({
      channel: 'public:b-two',
      event: 'item.added',
      offset: 1,
      epoch: expect.any(String),
    });
    expect(ok3).toEqual({ channel: 'public:b-one', event: 'item.added', offset: 2, epoch: epochOne });
    expect(unknown).toEqual({
      channel: 'nope:x',
      error: { statusCode: 404, message: 'unknown channel namespace "nope"' },
    });
    for (const failed of [badEvent, extra, badKey, reserved]) {
      expect(failed).toMatchObject({ channel: 'public:b-one', error: { statusCode: 400 } });
    }
    expect(notObject).toEqual({
      channel: null,
      error: { statusCode: 400, message: 'each publication must be an object' },
    });
    expect((extra as Failed).error.message).toEqual(['property extra should not exist']);
    expect((badKey as Failed).error.message).toEqual(['idempotencyKey must match ^[A-Za-z0-9_.:-]{1,128}$']);
    expect(response.body.results).toHaveLength(9);

    await barrier(stores.publisher, socket, 'public:b-one');
    expect(seen.map((p) => `${p.channel}#${p.offset}`).sort()).toEqual([
      'public:b-one#1',
      'public:b-one#2',
      'public:b-two#1',
    ]);
  });

  it('publishes the items of one channel in array order, interleaved with other channels', async () => {
    const channels = ['public:order-a', 'public:order-b', 'public:order-c'];
    const socket = await pool.connect(stores.subscriber.token({ sub: 'orderly' }));
    for (const channel of channels) await commandOk(socket, 'subscribe', { channel });
    const seen = collect<Publication>(socket, 'seq');
    const publications = Array.from({ length: 99 }, (_, i) => ({
      channel: channels[i % 3],
      event: 'seq',
      data: { i },
    }));
    const response = await batch(stores.publisher, {
      publications: [...publications, { channel: 'public:order-a', event: 'seq', data: 'end' }],
    });
    expect(response.status).toBe(200);
    const offsets = response.body.results.map((r) => (r as Published).offset);
    expect(offsets).toEqual(Array.from({ length: 100 }, (_, i) => Math.floor(i / 3) + 1));

    await barrier(stores.publisher, socket, 'public:order-a');
    for (const channel of channels) {
      const mine = seen.filter((p) => p.channel === channel);
      expect(mine.map((p) => p.offset)).toEqual(mine.map((_, i) => i + 1));
      const data = mine.map((p) => p.data);
      expect(data.slice(0, 33)).toEqual(publications.filter((p) => p.channel === channel).map((p) => p.data));
    }
  });

  it('replays items whose idempotencyKey was used for their channel, with the header of /publish too', async () => {
    const channel = 'public:b-keys';
    const single = await request<Published>(stores.publisher.url, 'POST', '/api/v1/publish', {
      token: serviceToken(stores.publisher),
      body: { channel, event: 'k.v', data: 'single' },
      headers: { 'Idempotency-Key': 'k-1' },
    });
    const body = {
      publications: [
        { channel, event: 'k.v', data: 'again', idempotencyKey: 'k-1' },
        { channel, event: 'k.v', data: 'new', idempotencyKey: 'k-2' },
      ],
    };
    const first = await batch(stores.publisher, body);
    const again = await batch(stores.publisher, body);
    // A replayed item says so (contract v3 §6).
    expect(first.body.results).toEqual([
      { ...single.body, replayed: true },
      { channel, event: 'k.v', offset: 2, epoch: single.body.epoch },
    ]);
    expect(again.body.results).toEqual([
      { ...single.body, replayed: true },
      { channel, event: 'k.v', offset: 2, epoch: single.body.epoch, replayed: true },
    ]);
  });

  it.each([
    ['no publications', {}],
    ['publications not an array', { publications: { channel: 'public:x' } }],
    ['an empty array', { publications: [] }],
    [
      '101 items',
      { publications: Array.from({ length: 101 }, () => ({ channel: 'public:x', event: 'e', data: null })) },
    ],
    ['an extra field', { publications: [{ channel: 'public:x', event: 'e', data: null }], extra: 1 }],
  ])('refuses an envelope with %s: 400, nothing published', async (_name, body) => {
    const response = await batch(stores.publisher, body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    const history = await request<{ offset: number }>(
      stores.publisher.url,
      'GET',
      '/api/v1/channels/public:x/history',
      {
        token: serviceToken(stores.publisher),
      },
    );
    expect(history.body.offset).toBe(0);
  });

  it('is for role service only', async () => {
    const body = { publications: [{ channel: 'public:x', event: 'e', data: null }] };
    expect((await batch(stores.publisher, body, stores.publisher.token({ sub: 'user' }))).status).toBe(403);
    const anonymous = await request(stores.publisher.url, 'POST', '/api/v1/publish/batch', { body });
    expect(anonymous.status).toBe(401);
  });
});

describe('redis: a batch on a Redis that has never seen the append script', () => {
  let redis: PrivateRedis;
  let gateway: RunningGateway;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    gateway = await startGateway({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: 't-batch-noscript:' });
  });
  afterAll(async () => {
    await gateway?.close();
    await redis?.destroy();
  });

  it('sends the script in full after NOSCRIPT and still publishes every item once, in order', async () => {
    const publications = Array.from({ length: 10 }, (_, i) => ({
      channel: 'public:fresh',
      event: 'e',
      data: i,
    }));
    const response = await batch(gateway, { publications });
    expect(response.body.results.map((r) => (r as Published).offset)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    const history = await request<{ publications: { data: number }[] }>(
      gateway.url,
      'GET',
      '/api/v1/channels/public:fresh/history',
      { token: serviceToken(gateway) },
    );
    expect(history.body.publications.map((p) => p.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
