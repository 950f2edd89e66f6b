import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { type ClientSocket, command, commandOk, connect, waitForEvent } from '../support/socket.js';
import { RedisBackend } from '../../src/core/stores/redis/redis.backend.js';
import { freePort } from '../support/global-setup.js';
import { PrivateRedis } from './support/redis-server.js';

/** Polls `probe` until it returns true; for states no event announces (Redis coming back). */
async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('redis: an outage under running gateways', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  const sockets: ClientSocket[] = [];
  const disconnects: string[] = [];
  let redis: PrivateRedis;
  let a: RunningGateway;
  let b: RunningGateway;

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    redis = await PrivateRedis.start();
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 't-outage:' };
    a = await startGateway({ ...env, INSTANCE_ID: 'outage-a' });
    b = await startGateway({ ...env, INSTANCE_ID: 'outage-b' });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await a?.close();
    await b?.close();
    await redis?.destroy();
    process.off('unhandledRejection', onRejection);
  });

  async function client(
    gateway: RunningGateway,
    sub: string,
    transports: ('websocket' | 'polling')[],
  ): Promise<ClientSocket> {
    const socket = await connect(gateway.url, gateway.token({ sub, channels: ['chat:*'] }), { transports });
    socket.on('disconnect', (reason) => disconnects.push(`${sub}: ${reason}`));
    sockets.push(socket);
    return socket;
  }
  const service = (): string => a.token({ sub: 'backend', roles: ['service'] });
  const publish = (gateway: RunningGateway, channel: string, data: unknown) =>
    request(gateway.url, 'POST', '/api/v1/publish', {
      token: service(),
      body: { channel, event: 'news.posted', data },
    });
  const ready = async (gateway: RunningGateway): Promise<number> =>
    (await request(gateway.url, 'GET', '/health/ready')).status;

  it('keeps clients connected, answers INTERNAL / 503 while Redis is down, and recovers by itself', async () => {
    const ws = await client(a, 'wanda', ['websocket']);
    const polling = await client(b, 'paul', ['polling']);
    await commandOk(ws, 'subscribe', { channel: 'chat:outage' });
    await commandOk(polling, 'subscribe', { channel: 'public:outage' });
    expect(await ready(a)).toBe(200);

    await redis.stop();

    // Commands that need Redis fail fast with the contract's codes.
    expect(await command(ws, 'subscribe', { channel: 'public:during' })).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
    expect(await command(ws, 'presence', { channel: 'chat:outage' })).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
    expect(await command(ws, 'chat.send', { room: 'outage', text: 'lost?' })).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
    expect((await publish(a, 'public:outage', { n: 0 })).status).toBe(503);
    expect((await publish(b, 'public:outage', { n: 0 })).status).toBe(503);
    const history = await request(b.url, 'GET', '/api/v1/channels/public:outage/history', {
      token: service(),
    });
    expect(history.status).toBe(503);
    expect(await ready(a)).toBe(503);
    expect(await ready(b)).toBe(503);
    // A new client is refused at the HTTP level (its own backoff brings it back later: see
    // outage-reconnect.e2e-spec.ts), never with a final `connect_error`.
    const refusal = await connect(a.url, a.token({ sub: 'newcomer' })).then(
      (socket) => socket.close(),
      (error: Error & { data?: unknown }) => error,
    );
    expect(refusal).toMatchObject({ message: 'websocket error' });
    expect(refusal).not.toHaveProperty('data');
    // What needs no Redis still works; a volatile event's fan-out is simply lost.
    expect(await command(ws, 'chat.typing', { room: 'outage' })).toMatchObject({ ok: true });
    expect(await command(polling, 'unsubscribe', { channel: 'public:outage' })).toMatchObject({ ok: true });
    expect(
      await command(ws, 'auth.refresh', { token: a.token({ sub: 'wanda', channels: ['chat:*'] }) }),
    ).toMatchObject({
      ok: true,
    });
    expect((await request(a.url, 'GET', '/health/live')).status).toBe(200);
    expect([ws.connected, polling.connected]).toEqual([true, true]);

    await redis.start();

    await until(
      'both instances ready again',
      async () => (await ready(a)) === 200 && (await ready(b)) === 200,
    );
    await until(
      'subscribe answers ok again',
      async () => (await command(polling, 'subscribe', { channel: 'public:outage' })).ok,
    );
    // Live delivery across instances works again (feeds resubscribed on the new Redis).
    await commandOk(ws, 'subscribe', { channel: 'public:outage' });
    const arrivals = [ws, polling].map((socket) =>
      waitForEvent<{ offset: number; data: unknown }>(socket, 'news.posted'),
    );
    const published = await publish(b, 'public:outage', { n: 1 });
    expect(published.status).toBe(201);
    // Redis came back empty: the channel starts a new life at offset 1.
    for (const delivered of await Promise.all(arrivals))
      expect(delivered).toMatchObject({ offset: 1, data: { n: 1 } });
    // Presence and connection slots of the connected clients were written again.
    await until('presence restored', async () => {
      const answer = await command<{ users: { userId: string }[] }>(ws, 'presence', {
        channel: 'chat:outage',
      });
      return answer.ok && answer.data.users.some((user) => user.userId === 'wanda');
    });
    // Volatile events cross instances again (the adapter resubscribed).
    const joined = waitForEvent<{ data: { userId: string } }>(ws, 'presence.join', {
      filter: (e) => e.data.userId === 'late',
    });
    await commandOk(await client(b, 'late', ['websocket']), 'subscribe', { channel: 'chat:outage' });
    expect((await joined).data.userId).toBe('late');

    expect(disconnects).toEqual([]);
    expect(rejections).toEqual([]);
  });

  it('answers within the command timeout while Redis hangs, and carries on when it resumes', async () => {
    const socket = await client(a, 'hazel', ['websocket']);
    redis.pause();
    try {
      // Redis stays paused until `finally`: each answer below comes from the gateway's own
      // timeout, never from Redis (how long that took is the machine's business, not asserted).
      expect((await publish(a, 'public:hung', { n: 1 })).status).toBe(503);
      expect(await command(socket, 'subscribe', { channel: 'public:hung' }, 20_000)).toMatchObject({
        ok: false,
        error: { code: 'INTERNAL' },
      });
      expect(await ready(b)).toBe(503);
      expect(socket.connected).toBe(true);
    } finally {
      redis.resume();
    }
    await until('ready after the pause', async () => (await ready(a)) === 200 && (await ready(b)) === 200);
    await commandOk(socket, 'subscribe', { channel: 'public:hung' });
    expect((await publish(b, 'public:hung', { n: 2 })).status).toBe(201);
    expect(disconnects).toEqual([]);
    expect(rejections).toEqual([]);
  });

  it('refuses to start when Redis is unreachable, naming the variable and the reason', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const config = {
      keyPrefix: 't-outage:',
      instanceId: 'never',
      historySize: 10,
      historyTtlSeconds: 60,
      streamTtlSeconds: 60,
      idempotencyTtlSeconds: 60,
    };
    await expect(RedisBackend.connect({ ...config, redis: { kind: 'single', url } })).rejects.toThrow(
      /^REDIS_URL: Redis is unreachable: .*ECONNREFUSED/,
    );
  });
});
