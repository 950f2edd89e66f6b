import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { barrier, serviceToken } from '../support/publisher.js';
import { type ClientSocket, collect, commandOk, connect, waitForEvent } from '../support/socket.js';
import { PrivateRedis } from '../redis/support/redis-server.js';

interface Publication {
  offset: number;
  epoch: string;
  data: unknown;
}

/**
 * Issue 9 item 6 and the idempotency key together: a Redis that answers only after the REST
 * timeout (frozen with SIGSTOP, then resumed) makes the publish answer 503 although the
 * script ran; the 503 says so, and a retry with the same key returns that publication.
 */
describe('redis: a publication the store did not confirm in time', () => {
  let redis: PrivateRedis;
  let a: RunningGateway;
  let b: RunningGateway;
  let socket: ClientSocket;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 't-unconfirmed:' };
    a = await startGateway({ ...env, INSTANCE_ID: 'unconfirmed-a' });
    b = await startGateway({ ...env, INSTANCE_ID: 'unconfirmed-b' });
  });
  afterAll(async () => {
    socket?.close();
    await a?.close();
    await b?.close();
    await redis?.destroy();
  });

  it('answers an honest 503, and the retry with the same Idempotency-Key returns the stored offset, published once', async () => {
    const channel = 'public:payments';
    socket = await connect(b.url, b.token({ sub: 'auditor' }));
    await commandOk(socket, 'subscribe', { channel });
    const seen = collect<Publication>(socket, 'payment.captured');
    const body = { channel, event: 'payment.captured', data: { id: 'pay-1' } };
    const headers = { 'Idempotency-Key': 'pay-1:captured' };
    const token = serviceToken(a);
    // A running gateway has its scripts loaded in Redis (a script unknown to Redis fails with
    // NOSCRIPT without running, and is then sent in full): publish once before the freeze.
    const warmUp = await request(a.url, 'POST', '/api/v1/publish', { token, body: { ...body, data: null } });
    expect(warmUp.status).toBe(201);

    redis.pause();
    let timedOut;
    try {
      timedOut = await request<{ statusCode: number; message: string }>(a.url, 'POST', '/api/v1/publish', {
        token,
        body,
        headers,
      });
    } finally {
      redis.resume();
    }
    expect(timedOut.status).toBe(503);
    expect(timedOut.headers.get('retry-after')).toBe('1');
    expect(timedOut.body.statusCode).toBe(503);
    expect(timedOut.body.message).toMatch(/may have been stored/);
    expect(timedOut.body.message).toMatch(/same idempotency key .* is safe/i);

    // The frozen Redis ran the script once it resumed: the publication exists after all.
    const delivered = await waitForEvent<Publication>(socket, 'payment.captured', {
      timeoutMs: 10_000,
      filter: (p) => p.data !== null,
    });

    const retried = await request<{ offset: number; epoch: string }>(a.url, 'POST', '/api/v1/publish', {
      token,
      body,
      headers,
    });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body).toEqual({
      channel,
      event: 'payment.captured',
      offset: delivered.offset,
      epoch: delivered.epoch,
    });

    await barrier(a, socket, channel);
    expect(seen.map((p) => p.offset)).toEqual([1, 2]);
    expect(delivered.offset).toBe(2);
  });
});
