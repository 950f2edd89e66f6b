import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { type ClientSocket, commandOk, connect, waitForEvent } from '../support/socket.js';
import { GatewayPair } from './support/gateway-pair.js';
import { testRedisUrl } from './support/redis-keyspace.js';

interface Publication {
  offset: number;
  epoch: string;
  data: unknown;
}
interface SubscribeAnswer {
  offset: number;
  epoch: string;
  recovered?: boolean;
  publications?: Publication[];
}

describe('redis: history bounds, epochs and data fidelity', () => {
  const pair = new GatewayPair('history');
  let a: RunningGateway;
  let b: RunningGateway;

  beforeAll(async () => {
    [a, b] = await pair.start({ HISTORY_SIZE: '3', HISTORY_TTL_SECONDS: '2', STREAM_TTL_SECONDS: '4' });
  });
  afterAll(() => pair.stop());

  const service = (): string => a.token({ sub: 'backend', roles: ['service'] });
  const publish = (gateway: RunningGateway, channel: string, data: unknown) =>
    request<{ offset: number; epoch: string }>(gateway.url, 'POST', '/api/v1/publish', {
      token: service(),
      body: { channel, event: 'news.posted', data },
    });
  async function subscriber(gateway: RunningGateway, sub: string): Promise<ClientSocket> {
    const socket = await connect(gateway.url, gateway.token({ sub }));
    pair.track(socket);
    return socket;
  }

  it('keeps HISTORY_SIZE publications and recovers only when nothing after `since` was dropped', async () => {
    const channel = 'public:bounded';
    let epoch = '';
    for (let n = 1; n <= 5; n++) epoch = (await publish(n % 2 ? a : b, channel, { n })).body.epoch;
    const history = await request<{ offset: number; publications: Publication[] }>(
      b.url,
      'GET',
      `/api/v1/channels/${channel}/history`,
      { token: service() },
    );
    expect(history.body.offset).toBe(5);
    expect(history.body.publications.map((p) => p.offset)).toEqual([3, 4, 5]);

    const client = await subscriber(a, 'reader');
    const lost = await commandOk<SubscribeAnswer>(client, 'subscribe', {
      channel,
      since: { offset: 1, epoch },
    });
    expect(lost).toEqual({ channel, offset: 5, epoch, recovered: false });
    await commandOk(client, 'unsubscribe', { channel });
    const kept = await commandOk<SubscribeAnswer>(client, 'subscribe', {
      channel,
      since: { offset: 2, epoch },
    });
    expect(kept).toMatchObject({ offset: 5, epoch, recovered: true });
    expect(kept.publications!.map((p) => p.offset)).toEqual([3, 4, 5]);
    await commandOk(client, 'unsubscribe', { channel });
    const other = await commandOk<SubscribeAnswer>(client, 'subscribe', {
      channel,
      since: { offset: 2, epoch: 'other' },
    });
    expect(other).toMatchObject({ offset: 5, epoch, recovered: false });
  });

  it('starts a new epoch after STREAM_TTL_SECONDS, announced by the top before the first publication', async () => {
    const channel = 'public:expiring';
    const first = (await publish(a, channel, { n: 1 })).body;
    const client = await subscriber(b, 'watcher');
    // No event announces a TTL passing: poll the top until the old life is gone (every 200 ms:
    // two commands per poll stay far below the rate limit over the stream TTL's 4 s).
    let top: SubscribeAnswer = first;
    for (let attempt = 0; attempt < 100 && top.epoch === first.epoch; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      top = await commandOk<SubscribeAnswer>(client, 'subscribe', { channel });
      await commandOk(client, 'unsubscribe', { channel });
    }
    expect(top.epoch).not.toBe(first.epoch);
    expect(top.offset).toBe(0);
    await commandOk(client, 'subscribe', { channel });
    const next = await publish(a, channel, { n: 2 });
    expect(next.body).toMatchObject({ offset: 1, epoch: top.epoch });
  });

  it('keeps the epoch an empty channel announced through a quiet spell longer than the history TTL', async () => {
    // An instance of its own with the default stream TTL (the pending epoch an empty channel
    // announces lives half of it), on the pair's keys.
    const quiet = await startGateway({
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: `${pair.prefix}quiet:`,
      HISTORY_TTL_SECONDS: '1',
      INSTANCE_ID: 'history-quiet',
    });
    try {
      const channel = 'public:quiet';
      const client = await subscriber(quiet, 'quiet');
      const announced = await commandOk<SubscribeAnswer>(client, 'subscribe', { channel });
      expect(announced.offset).toBe(0);
      // Nothing happens while the TTL passes, so there is no event to await: wait it out.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const arrived = waitForEvent<{ offset: number; epoch: string }>(client, 'news.posted');
      expect((await publish(quiet, channel, { n: 1 })).body).toMatchObject({
        offset: 1,
        epoch: announced.epoch,
      });
      expect(await arrived).toMatchObject({ offset: 1, epoch: announced.epoch });
    } finally {
      await quiet.close();
    }
  });

  it('delivers data exactly as published ([] stays [], numbers keep their digits)', async () => {
    const channel = 'public:fidelity';
    const data = {
      list: [],
      nested: { empty: {} },
      big: Number.MAX_SAFE_INTEGER,
      float: 0.1 + 0.2,
      text: 'é "q" \\',
    };
    const client = await subscriber(b, 'fidelity');
    await commandOk(client, 'subscribe', { channel });
    const arrival = waitForEvent<Publication>(client, 'news.posted');
    await publish(a, channel, data);
    expect((await arrival).data).toEqual(data);
    for (const value of [[], 'text', 42, null]) {
      const delivered = waitForEvent<Publication>(client, 'news.posted');
      await publish(a, channel, value);
      expect((await delivered).data).toEqual(value);
    }
  });
});
