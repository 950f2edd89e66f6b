import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import { ControlApi } from '../support/control.js';
import { startGateway, TEST_SECRET, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { publish } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { connect, connectRefused } from '../support/socket.js';
import { PrivateRedis } from '../redis/support/redis-server.js';

/**
 * Issue 17, item 2: revocation covers REST (contract v3 §3), `iat == before` is refused and
 * `before` defaults to the current second, `before: null` is the default (a Lua `format` error
 * in Redis mode before), a revoke that answered 503 says it may have been applied, and
 * `DELETE /api/v1/users/:userId/revoke` lifts a revocation on every instance.
 */
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const issuedAt = (sub: string, iat: number, roles: string[] = []): string =>
  jwt.sign({ sub, roles, channels: ['chat:*'], iat }, TEST_SECRET, { expiresIn: 3600 });
const REVOKED = { statusCode: 401, message: 'token revoked', error: 'Unauthorized' };

/** The user's REST reads: their own history, a chat room's history and presence. */
async function restReads(gateway: RunningGateway, token: string, sub: string): Promise<number[]> {
  const paths = [
    `/api/v1/channels/user:${sub}/history`,
    '/api/v1/channels/chat:rev-room/history',
    '/api/v1/channels/chat:rev-room/presence',
  ];
  const answers = await Promise.all(paths.map((path) => request(gateway.url, 'GET', path, { token })));
  return answers.map((answer) => answer.status);
}

describe('revocation on REST (memory mode)', () => {
  let gateway: RunningGateway;
  let api: ControlApi;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway();
    api = new ControlApi(gateway);
    await publish(gateway, 'user:rev-ann', 'note', { secret: 1 });
    await publish(gateway, 'chat:rev-room', 'note', { secret: 2 });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it('a revoked token is refused on every REST call with 401 "token revoked"; a later one is served', async () => {
    const old = issuedAt('rev-ann', nowSeconds() - 60);
    expect(await restReads(gateway, old, 'rev-ann')).toEqual([200, 200, 200]);
    const bystander = issuedAt('rev-bob', nowSeconds() - 60);

    const response = await api.revoke('rev-ann');
    expect(response.status).toBe(200);
    expect(response.body.before).toBeLessThanOrEqual(nowSeconds());
    const refused = await request(gateway.url, 'GET', '/api/v1/channels/user:rev-ann/history', {
      token: old,
    });
    expect(refused).toMatchObject({ status: 401, body: REVOKED });
    expect(await restReads(gateway, old, 'rev-ann')).toEqual([401, 401, 401]);
    // Whatever the role: a service token of that user is refused as well, on a publish too.
    const service = issuedAt('rev-ann', nowSeconds() - 60, ['service']);
    const publishing = await request(gateway.url, 'POST', '/api/v1/publish', {
      token: service,
      body: { channel: 'public:rev', event: 'x', data: null },
    });
    expect(publishing).toMatchObject({ status: 401, body: REVOKED });

    // `iat == before` is refused too; the next second is not. Another user is not affected.
    const atBefore = issuedAt('rev-ann', response.body.before);
    expect(await restReads(gateway, atBefore, 'rev-ann')).toEqual([401, 401, 401]);
    expect((await connectRefused(gateway.url, atBefore)).data?.reason).toBe('token revoked');
    expect(await restReads(gateway, issuedAt('rev-ann', response.body.before + 1), 'rev-ann')).toEqual([
      200, 200, 200,
    ]);
    expect(await restReads(gateway, bystander, 'rev-bob')).toEqual([200, 200, 200]);
  });

  it('{"before": null} means the default, the current second: stored and enforced', async () => {
    const old = issuedAt('rev-cid', nowSeconds() - 60);
    const socket = await pool.connect(old);
    const response = await api.revoke('rev-cid', { before: null });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ userId: 'rev-cid', before: expect.any(Number), disconnected: 1 });
    expect(response.body.before).toBeGreaterThan(nowSeconds() - 5);
    expect(response.body.before).toBeLessThanOrEqual(nowSeconds());
    expect(socket.connected).toBe(false);
    expect((await connectRefused(gateway.url, old)).data?.reason).toBe('token revoked');
  });

  it('DELETE /api/v1/users/:userId/revoke lifts a far-future revocation; lifting again answers lifted: false', async () => {
    const far = nowSeconds() + 10 * 365 * 24 * 3600;
    expect((await api.revoke('rev-dee', { before: far })).body.before).toBe(far);
    const token = issuedAt('rev-dee', nowSeconds());
    expect((await connectRefused(gateway.url, token)).data?.reason).toBe('token revoked');
    expect(await api.lift('rev-dee')).toMatchObject({
      status: 200,
      body: { userId: 'rev-dee', lifted: true },
    });
    (await connect(gateway.url, token)).close();
    expect(await restReads(gateway, token, 'rev-dee')).toEqual([200, 200, 200]);
    expect((await api.lift('rev-dee')).body).toEqual({ userId: 'rev-dee', lifted: false });
    // Role service only, and a valid user id.
    expect((await api.as(token).lift('rev-dee')).status).toBe(403);
    expect((await api.lift('a:b')).status).toBe(400);
  });
});

describe('revocation on REST (Redis mode, a private redis-server, two instances)', () => {
  let redis: PrivateRedis;
  let assertions: Redis;
  let a: RunningGateway;
  let b: RunningGateway;
  const prefix = 't-rev:';
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    assertions = new Redis(redis.url);
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix };
    a = await startGateway({ ...env, INSTANCE_ID: 'rev-a' });
    b = await startGateway({ ...env, INSTANCE_ID: 'rev-b' });
    await publish(a, 'chat:rev-room', 'note', { secret: 2 });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    assertions?.disconnect();
    await redis?.destroy();
  });

  it('{"before": null} revokes on both instances, REST included (it was a Lua format error and a 503)', async () => {
    const old = issuedAt('rev-eve', nowSeconds() - 60);
    const response = await new ControlApi(a).revoke('rev-eve', { before: null });
    expect(response.status).toBe(200);
    expect(response.body.before).toBeLessThanOrEqual(nowSeconds());
    expect(await assertions.hget(`${prefix}revocations`, 'rev-eve')).toMatch(/^\d+:\d+$/);
    for (const gateway of [a, b]) {
      expect(await restReads(gateway, old, 'rev-eve')).toEqual([401, 401, 401]);
      expect((await connectRefused(gateway.url, old)).data?.reason).toBe('token revoked');
    }
  });

  it('a lift reaches every instance and the store', async () => {
    const far = nowSeconds() + 3600;
    await new ControlApi(a).revoke('rev-fay', { before: far });
    const token = issuedAt('rev-fay', nowSeconds());
    expect(await restReads(b, token, 'rev-fay')).toEqual([401, 401, 401]);
    expect((await new ControlApi(b).lift('rev-fay')).body).toEqual({ userId: 'rev-fay', lifted: true });
    expect(await assertions.hexists(`${prefix}revocations`, 'rev-fay')).toBe(0);
    for (const gateway of [a, b]) {
      expect(await restReads(gateway, token, 'rev-fay')).toEqual([200, 200, 200]);
      (await connect(gateway.url, token)).close();
    }
  });

  it('a revoke the store did not confirm in time answers 503 saying it may have been applied; the retry is safe', async () => {
    const api = new ControlApi(a);
    const old = issuedAt('rev-gus', nowSeconds() - 60);
    redis.pause();
    let response;
    try {
      // The script is sent, and runs when Redis resumes: the lost reply of a frozen Redis.
      response = await api.revoke('rev-gus', { before: nowSeconds() });
    } finally {
      redis.resume();
    }
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(response.body).toHaveProperty('message', expect.stringMatching(/may have been applied/));
    expect(response.body).toHaveProperty('message', expect.stringMatching(/retrying is safe/));
    expect(response.headers.get('retry-after')).toBe('1');
    // It was applied indeed (stored), and the retry completes it everywhere.
    expect(await assertions.hget(`${prefix}revocations`, 'rev-gus')).toMatch(/^\d+:\d+$/);
    const retry = await api.revoke('rev-gus', {});
    expect(retry.status).toBe(200);
    for (const gateway of [a, b]) expect(await restReads(gateway, old, 'rev-gus')).toEqual([401, 401, 401]);
  });
});
