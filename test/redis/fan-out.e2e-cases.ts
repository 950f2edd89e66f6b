import { Redis } from 'ioredis';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { type ClientSocket, commandOk, connect, waitForEvent } from '../support/socket.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from './support/redis-keyspace.js';

interface Delivered {
  channel: string;
  event: string;
  offset: number;
  epoch: string;
  data: Record<string, unknown>;
  ts: number;
}
interface Top {
  channel: string;
  offset: number;
  epoch: string;
  recovered?: boolean;
  publications?: Delivered[];
}

describe('redis: two instances behave as one gateway', () => {
  const prefix = uniquePrefix('fan-out');
  const redis = new Redis(testRedisUrl(), { lazyConnect: true }); // connected by its first command
  const sockets: ClientSocket[] = [];
  let a: RunningGateway;
  let b: RunningGateway;

  beforeAll(async () => {
    const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, MAX_CONNECTIONS_PER_USER: '2' };
    [a, b] = [
      await startGateway({ ...env, INSTANCE_ID: 'fan-a' }),
      await startGateway({ ...env, INSTANCE_ID: 'fan-b' }),
    ];
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  const service = (): string => a.token({ sub: 'backend', roles: ['service'] });
  async function client(
    gateway: RunningGateway,
    sub: string,
    transports: ('websocket' | 'polling')[] = ['websocket'],
  ): Promise<ClientSocket> {
    const socket = await connect(gateway.url, gateway.token({ sub, channels: ['chat:*'] }), { transports });
    sockets.push(socket);
    return socket;
  }
  const publish = (gateway: RunningGateway, channel: string, data: unknown) =>
    request<{ offset: number; epoch: string }>(gateway.url, 'POST', '/api/v1/publish', {
      token: service(),
      body: { channel, event: 'news.posted', data },
    });

  it('delivers a publication from either instance to WebSocket and polling subscribers on both', async () => {
    const channel = 'public:fan-news';
    const subscribers = [
      await client(a, 'ws-a'),
      await client(b, 'ws-b'),
      await client(b, 'poll-b', ['polling']),
      await client(a, 'poll-a', ['polling']),
    ];
    const tops = await Promise.all(subscribers.map((s) => commandOk<Top>(s, 'subscribe', { channel })));
    expect(new Set(tops.map((t) => t.epoch)).size).toBe(1);
    expect(tops.map((t) => t.offset)).toEqual([0, 0, 0, 0]);

    const first = subscribers.map((s) => waitForEvent<Delivered>(s, 'news.posted', { timeoutMs: 10_000 }));
    const published = await publish(a, channel, { n: 1 });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ offset: 1, epoch: tops[0].epoch });
    for (const delivered of await Promise.all(first)) {
      expect(delivered).toMatchObject({
        channel,
        event: 'news.posted',
        offset: 1,
        epoch: tops[0].epoch,
        data: { n: 1 },
      });
    }

    const second = subscribers.map((s) => waitForEvent<Delivered>(s, 'news.posted', { timeoutMs: 10_000 }));
    expect((await publish(b, channel, { n: 2 })).body).toMatchObject({ offset: 2 });
    for (const delivered of await Promise.all(second))
      expect(delivered).toMatchObject({ offset: 2, data: { n: 2 } });
  });

  it("delivers a notification to the user's connections on every instance", async () => {
    const onA = await client(a, 'nora');
    const onB = await client(b, 'nora', ['polling']);
    const arrivals = [onA, onB].map((s) => waitForEvent<Delivered>(s, 'notification', { timeoutMs: 10_000 }));
    const sent = await request<{ id: string; channel: string; offset: number }>(
      b.url,
      'POST',
      '/api/v1/notifications',
      {
        token: service(),
        body: { userId: 'nora', title: 'hello' },
      },
    );
    expect(sent.status).toBe(201);
    for (const delivered of await Promise.all(arrivals)) {
      expect(delivered).toMatchObject({
        channel: 'user:nora',
        offset: sent.body.offset,
        data: { id: sent.body.id, title: 'hello' },
      });
    }
  });

  it('serves REST history written through one instance from the other', async () => {
    const channel = 'public:fan-history';
    for (let n = 1; n <= 3; n++) expect((await publish(a, channel, { n })).status).toBe(201);
    const history = await request<{ epoch: string; offset: number; publications: Delivered[] }>(
      b.url,
      'GET',
      `/api/v1/channels/${channel}/history?since=1`,
      { token: service() },
    );
    expect(history.status).toBe(200);
    expect(history.body.offset).toBe(3);
    expect(history.body.publications.map((p) => [p.offset, p.data])).toEqual([
      [2, { n: 2 }],
      [3, { n: 3 }],
    ]);
  });

  it('recovers on another instance than the one the client left', async () => {
    const channel = 'chat:fan-recovery';
    const leaving = await client(a, 'rita');
    const top = await commandOk<Top>(leaving, 'subscribe', { channel });
    const seen = waitForEvent<Delivered>(leaving, 'chat.message', {
      filter: (p) => p.offset === 2,
      timeoutMs: 10_000,
    });
    await commandOk(leaving, 'chat.send', { room: 'fan-recovery', text: 'one' });
    await commandOk(leaving, 'chat.send', { room: 'fan-recovery', text: 'two' });
    const last = await seen;
    leaving.close();

    const writer = await client(b, 'walt');
    for (const text of ['three', 'four', 'five'])
      await commandOk(writer, 'chat.send', { room: 'fan-recovery', text });

    const back = await client(b, 'rita');
    const recovered = await commandOk<Top>(back, 'subscribe', {
      channel,
      since: { offset: last.offset, epoch: top.epoch },
    });
    expect(recovered).toMatchObject({ channel, offset: 5, epoch: top.epoch, recovered: true });
    expect(recovered.publications!.map((p) => [p.offset, p.data.text])).toEqual([
      [3, 'three'],
      [4, 'four'],
      [5, 'five'],
    ]);
  });

  it('answers a repeated chat clientId with the first send, whichever instance gets it', async () => {
    const onA = await client(a, 'idem');
    const onB = await client(b, 'idem');
    const first = await commandOk<{ id: string; offset: number }>(onA, 'chat.send', {
      room: 'fan-idem',
      text: 'hi',
      clientId: 'c-1',
    });
    const again = await commandOk<{ id: string; offset: number }>(onB, 'chat.send', {
      room: 'fan-idem',
      text: 'hi',
      clientId: 'c-1',
    });
    expect(again).toEqual(first);
    const other = await commandOk<{ id: string; offset: number }>(onB, 'chat.send', {
      room: 'fan-idem',
      text: 'hi',
      clientId: 'c-2',
    });
    expect(other.offset).toBe(first.offset + 1);
    const history = await request<{ publications: Delivered[] }>(
      a.url,
      'GET',
      '/api/v1/channels/chat:fan-idem/history',
      {
        token: service(),
      },
    );
    expect(history.body.publications.map((p) => p.data.clientId)).toEqual(['c-1', 'c-2']);
  });

  it('counts MAX_CONNECTIONS_PER_USER over all instances', async () => {
    const token = a.token({ sub: 'max' });
    const first = await connect(a.url, token);
    sockets.push(first);
    sockets.push(await connect(b.url, token));
    await expect(connect(a.url, token)).rejects.toMatchObject({ message: 'LIMIT_EXCEEDED' });
    await expect(connect(b.url, token)).rejects.toMatchObject({ message: 'LIMIT_EXCEEDED' });
    first.close();
    // The slot is released when the server sees the transport close: poll the handshake.
    let replacement: ClientSocket | undefined;
    for (let attempt = 0; attempt < 100 && !replacement; attempt++) {
      replacement = await connect(b.url, token).catch(() => undefined);
      if (!replacement) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(replacement?.connected).toBe(true);
    sockets.push(replacement!);
  });

  it('keeps a subscriber on an instance whose only other subscriber left', async () => {
    const channel = 'public:fan-unwatch';
    const leaving = await client(a, 'leaving');
    const staying = await client(a, 'staying');
    await commandOk(leaving, 'subscribe', { channel });
    await commandOk(staying, 'subscribe', { channel });
    leaving.close();
    // The server has processed the disconnect once it released the connection slot.
    for (
      let attempt = 0;
      attempt < 200 && (await redis.hlen(`${prefix}{u:leaving}:connections`)) > 0;
      attempt++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await redis.hlen(`${prefix}{u:leaving}:connections`)).toBe(0);
    const arrival = waitForEvent<Delivered>(staying, 'news.posted', { timeoutMs: 10_000 });
    await publish(b, channel, { n: 1 });
    expect((await arrival).offset).toBe(1);
    // After the last local subscriber unsubscribes, it resubscribes and still receives.
    await commandOk(staying, 'unsubscribe', { channel });
    await commandOk(staying, 'subscribe', { channel });
    const again = waitForEvent<Delivered>(staying, 'news.posted', { timeoutMs: 10_000 });
    await publish(b, channel, { n: 2 });
    expect((await again).offset).toBe(2);
  });

  it('subscribes an instance to a channel feed only while it has a socket in the channel', async () => {
    const channel = 'public:fan-feed';
    const feed = `${prefix}{c:${channel}}:feed`;
    const subscribers = async (): Promise<number> => {
      const [, count] = (await redis.call('PUBSUB', 'NUMSUB', feed)) as [string, number];
      return count;
    };
    const until = async (count: number): Promise<void> => {
      for (let attempt = 0; attempt < 200 && (await subscribers()) !== count; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(await subscribers()).toBe(count);
    };
    expect(await subscribers()).toBe(0);
    const first = await client(a, 'feed-1');
    const second = await client(a, 'feed-2');
    const other = await client(b, 'feed-3');
    for (const socket of [first, second, other]) await commandOk(socket, 'subscribe', { channel });
    expect(await subscribers()).toBe(2); // one subscription per instance, not per socket
    first.close();
    await commandOk(other, 'unsubscribe', { channel });
    await until(1);
    second.close(); // a disconnect releases the feed like an unsubscribe
    await until(0);
  });
});
