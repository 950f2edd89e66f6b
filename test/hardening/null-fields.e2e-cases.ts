import { request } from '../support/http.js';
import { barrier, serviceToken } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { collect, command, commandOk, disconnected, waitForEvent } from '../support/socket.js';
import { ControlApi } from '../support/control.js';
import { PrivateRedis } from '../redis/support/redis-server.js';
import { startStores, type StoreKind, type Stores } from '../delivery/support/stores.js';

/**
 * Issue 17, item 1: an optional field sent as `null` is the field left out, everywhere
 * (contract v3 §5); only `data` keeps `null` as its value, and a `null` never becomes a key.
 * Before: a batch of three different items with `idempotencyKey: null` answered offset 1
 * three times and stored one; `chat.send` with `clientId: null` acked three messages and
 * published one.
 */
interface Published {
  offset: number;
  epoch: string;
  replayed?: true;
}
interface Stored {
  offset: number;
  data: unknown;
}

describe.each<StoreKind>(['memory', 'redis'])('%s: null is the field left out', (kind) => {
  let redis: PrivateRedis | undefined;
  let stores: Stores;
  const pool = new SocketPool(() => stores.subscriber.url);
  beforeAll(async () => {
    if (kind === 'redis') redis = await PrivateRedis.start();
    stores = await startStores(kind, 'nulls', {}, redis?.url);
  });
  afterEach(() => pool.closeAll());
  afterAll(async () => {
    await stores.stop();
    await redis?.destroy();
  });

  const history = async (channel: string): Promise<Stored[]> => {
    const token = serviceToken(stores.subscriber);
    const answer = await request<{ publications: Stored[] }>(
      stores.subscriber.url,
      'GET',
      `/api/v1/channels/${channel}/history`,
      { token },
    );
    return answer.body.publications;
  };

  it('a batch of three different items with idempotencyKey: null stores three', async () => {
    const channel = `public:null-batch-${kind}`;
    const response = await request<{ results: Published[] }>(
      stores.publisher.url,
      'POST',
      '/api/v1/publish/batch',
      {
        token: serviceToken(stores.publisher),
        body: {
          publications: [1, 2, 3].map((n) => ({ channel, event: 'item', data: { n }, idempotencyKey: null })),
        },
      },
    );
    expect(response.status).toBe(200);
    expect(response.body.results.map((result) => result.offset)).toEqual([1, 2, 3]);
    expect(response.body.results.some((result) => result.replayed)).toBe(false);
    expect((await history(channel)).map((p) => p.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('chat.send with clientId: null three times publishes three messages', async () => {
    const token = stores.subscriber.token({ sub: 'null-ann', channels: ['chat:*'] });
    const socket = await pool.connect(token);
    const room = `null-room-${kind}`;
    await commandOk(socket, 'subscribe', { channel: `chat:${room}` });
    const seen = collect<Stored>(socket, 'chat.message');
    const acks: { id: string; offset: number }[] = [];
    for (const text of ['one', 'two', 'three']) {
      acks.push(await commandOk(socket, 'chat.send', { room, text, clientId: null }));
    }
    expect(acks.map((ack) => ack.offset)).toEqual([1, 2, 3]);
    expect(new Set(acks.map((ack) => ack.id)).size).toBe(3);
    expect((await history(`chat:${room}`)).length).toBe(3);
    // Everything published to the room before the marker has arrived with it.
    await barrier(stores.publisher, socket, `chat:${room}`);
    expect(seen.map((p) => p.offset)).toEqual([1, 2, 3]);
    // No clientId in the messages: it was left out, not kept as null.
    expect(seen.every((p) => !('clientId' in (p.data as object)))).toBe(true);
  });

  it('subscribe with since: null subscribes as without since', async () => {
    const socket = await pool.connect(stores.subscriber.token({ sub: 'null-bob' }));
    const answer = await commandOk<Record<string, unknown>>(socket, 'subscribe', {
      channel: `public:null-sub-${kind}`,
      since: null,
    });
    expect(answer).toEqual({ channel: `public:null-sub-${kind}`, offset: 0, epoch: expect.any(String) });
  });

  it('disconnect with reconnect: null is the default (a server disconnect); a notification body: null is left out', async () => {
    const socket = await pool.connect(stores.subscriber.token({ sub: 'null-cid' }));
    const arrived = waitForEvent<{ data: Record<string, unknown> }>(socket, 'notification');
    const created = await request(stores.publisher.url, 'POST', '/api/v1/notifications', {
      token: serviceToken(stores.publisher),
      body: { userId: 'null-cid', title: 'Hi', body: null, data: null },
    });
    expect(created.status).toBe(201);
    const notification = (await arrived).data;
    expect('body' in notification).toBe(false);
    // `data` keeps null as its value.
    expect(notification['data']).toBeNull();
    const gone = disconnected(socket);
    const response = await new ControlApi(stores.publisher).disconnect('null-cid', { reconnect: null });
    expect(response.body).toEqual({ userId: 'null-cid', disconnected: 1 });
    expect(await gone).toBe('io server disconnect');
  });

  it('a key is never "null": the header, a batch item and a clientId refuse it', async () => {
    const token = serviceToken(stores.publisher);
    const header = await request(stores.publisher.url, 'POST', '/api/v1/publish', {
      token,
      headers: { 'idempotency-key': 'null' },
      body: { channel: 'public:null-key', event: 'x', data: null },
    });
    expect(header).toMatchObject({ status: 400, body: { message: expect.stringMatching(/"null"/) } });
    const batch = await request<{ results: { error?: { statusCode: number } }[] }>(
      stores.publisher.url,
      'POST',
      '/api/v1/publish/batch',
      {
        token,
        body: {
          publications: [{ channel: 'public:null-key', event: 'x', data: null, idempotencyKey: 'null' }],
        },
      },
    );
    expect(batch.body.results[0].error?.statusCode).toBe(400);
    const socket = await pool.connect(stores.subscriber.token({ sub: 'null-dan', channels: ['chat:*'] }));
    const answer = await command(socket, 'chat.send', { room: 'null-key', text: 'hi', clientId: 'null' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await history('public:null-key')).toEqual([]);
  });
});
