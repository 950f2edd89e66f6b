import { PublishError, SwitchboardPublisher, type RetryInfo } from '@switchboard/client/publisher';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { barrier, serviceToken } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { collect, commandOk, waitForEvent } from '../support/socket.js';
import { PrivateRedis } from '../redis/support/redis-server.js';

interface Publication {
  channel: string;
  event: string;
  offset: number;
  epoch: string;
  data: unknown;
}

describe('@switchboard/client/publisher against a real gateway', () => {
  let gateway: RunningGateway;
  let publisher: SwitchboardPublisher;
  const pool = new SocketPool(() => gateway.url);

  beforeAll(async () => {
    gateway = await startGateway();
    publisher = new SwitchboardPublisher({ url: gateway.url, token: serviceToken(gateway) });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it('publishes, batches, notifies, posts to chat and reads history, typed', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'ivy', channels: ['chat:*'] }));
    await commandOk(socket, 'subscribe', { channel: 'public:pub-e2e' });
    await commandOk(socket, 'subscribe', { channel: 'chat:pub-room' });
    const seen = collect<Publication>(socket, 'pub.event');

    const one = await publisher.publish('public:pub-e2e', 'pub.event', { n: 1 });
    expect(one).toEqual({
      channel: 'public:pub-e2e',
      event: 'pub.event',
      offset: 1,
      epoch: expect.any(String),
    });
    const results = await publisher.publishBatch([
      { channel: 'public:pub-e2e', event: 'pub.event', data: { n: 2 } },
      { channel: 'nope:x', event: 'pub.event', data: null },
      { channel: 'public:pub-e2e', event: 'pub.event', data: { n: 3 } },
    ]);
    expect(results).toEqual([
      { channel: 'public:pub-e2e', event: 'pub.event', offset: 2, epoch: one.epoch },
      { channel: 'nope:x', error: { statusCode: 404, message: 'unknown channel namespace "nope"' } },
      { channel: 'public:pub-e2e', event: 'pub.event', offset: 3, epoch: one.epoch },
    ]);

    const noted = waitForEvent<Publication>(socket, 'notification');
    const notification = await publisher.notify({ userId: 'ivy', title: 'Hello' });
    expect(notification).toEqual({ id: expect.any(String), channel: 'user:ivy', offset: 1 });
    expect((await noted).data).toMatchObject({ id: notification.id, title: 'Hello' });

    const said = waitForEvent<Publication>(socket, 'chat.message');
    const message = await publisher.chatMessage('pub-room', 'system here');
    expect((await said).data).toMatchObject({ id: message.id, text: 'system here', from: { system: true } });

    const history = await publisher.history<{ n: number }>('public:pub-e2e', { since: 1, limit: 5 });
    expect(history.publications.map((p) => p.data.n)).toEqual([2, 3]);
    await barrier(gateway, socket, 'public:pub-e2e');
    expect(seen.map((p) => p.offset)).toEqual([1, 2, 3]);
  });

  it('replays a call repeated with its own idempotency key', async () => {
    const first = await publisher.publish('public:pub-key', 'pub.event', 1, { idempotencyKey: 'invoice-12' });
    const again = await publisher.publish('public:pub-key', 'pub.event', 2, { idempotencyKey: 'invoice-12' });
    expect(again).toEqual(first);
  });

  it('throws a PublishError for a refusal, without retrying', async () => {
    const retries: RetryInfo[] = [];
    const user = new SwitchboardPublisher({
      url: gateway.url,
      token: gateway.token({ sub: 'not-a-service' }),
      onRetry: (retry) => retries.push(retry),
    });
    const error = await user.publish('public:x', 'pub.event', null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({
      statusCode: 403,
      retryable: false,
      attempts: 1,
      body: { statusCode: 403 },
    });
    expect(retries).toEqual([]);
  });
});

describe('redis: the publisher retries through a frozen Redis and publishes once', () => {
  let redis: PrivateRedis;
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    gateway = await startGateway({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: 't-publisher:' });
  });
  afterAll(async () => {
    pool.closeAll();
    redis?.resume();
    await gateway?.close();
    await redis?.destroy();
  });

  it('gets 503s while Redis is frozen, retries with the same key, and the subscriber sees one publication', async () => {
    const channel = 'public:frozen';
    const socket = await pool.connect(gateway.token({ sub: 'watcher' }));
    await commandOk(socket, 'subscribe', { channel });
    const seen = collect<Publication>(socket, 'pay.done');
    const retries: RetryInfo[] = [];
    let firstRetry!: () => void;
    const retried = new Promise<void>((resolve) => (firstRetry = resolve));
    const publisher = new SwitchboardPublisher({
      url: gateway.url,
      token: serviceToken(gateway),
      retryDelayMs: 200,
      onRetry: (retry) => {
        retries.push(retry);
        firstRetry();
      },
    });
    // Scripts are loaded once a gateway has published (see unconfirmed-publish.e2e-spec.ts).
    await publisher.publish(channel, 'pay.done', 'warm-up');

    redis.pause();
    const publishing = publisher.publish(channel, 'pay.done', 'once');
    await retried.finally(() => redis.resume());
    const published = await publishing;

    expect(retries[0]?.error).toMatchObject({ statusCode: 503, retryable: true });
    await barrier(gateway, socket, channel);
    expect(seen.map((p) => [p.offset, p.data])).toEqual([
      [1, 'warm-up'],
      [2, 'once'],
    ]);
    expect(published).toMatchObject({ channel, offset: 2 });
  });
});
