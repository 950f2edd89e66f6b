import jwt from 'jsonwebtoken';
import { InstanceLiveness } from '../../src/core/stores/redis/instance-liveness.js';
import { RedisClients } from '../../src/core/stores/redis/redis-clients.js';
import { RedisKeys } from '../../src/core/stores/redis/redis-keys.js';
import { RedisOccupancyStore } from '../../src/core/stores/occupancy/redis-occupancy.store.js';
import { ControlApi, ending, occupancyOf, terminated } from '../support/control.js';
import { startGateway, TEST_SECRET, type RunningGateway } from '../support/gateway.js';
import { barrier, publish } from '../support/publisher.js';
import {
  type ClientSocket,
  collect,
  command,
  commandOk,
  connect,
  connectRefused,
  waitForEvent,
} from '../support/socket.js';
import { eventually } from '../support/wait.js';
import { GatewayPair } from './support/gateway-pair.js';
import { testRedisUrl } from './support/redis-keyspace.js';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const issuedAt = (sub: string, iat: number): string =>
  jwt.sign({ sub, channels: ['chat:*'], iat }, TEST_SECRET);

describe('redis: the control API across instances', () => {
  const pair = new GatewayPair('control');
  let a: RunningGateway;
  let b: RunningGateway;
  let apiA: ControlApi;
  let apiB: ControlApi;

  beforeAll(async () => {
    [a, b] = await pair.start();
    apiA = new ControlApi(a);
    apiB = new ControlApi(b);
  });
  afterAll(() => pair.stop());

  async function client(
    gateway: RunningGateway,
    token: string,
    transports = ['websocket'],
  ): Promise<ClientSocket> {
    const socket = await connect(gateway.url, token, { transports });
    pair.track(socket);
    return socket;
  }
  const member = (gateway: RunningGateway, sub: string) =>
    client(gateway, gateway.token({ sub, channels: ['chat:*'] }));

  it('counts occupancy over both instances, read from either', async () => {
    const channel = 'chat:rc-occ';
    const ann = [await member(a, 'rc-ann'), await member(b, 'rc-ann')];
    const ben = await member(b, 'rc-ben');
    for (const socket of [...ann, ben]) await commandOk(socket, 'subscribe', { channel });
    const published = await publish(a, channel, 'rc.event', 1);

    for (const api of [apiA, apiB]) {
      expect((await api.channel(channel)).body).toEqual({
        channel,
        epoch: published.epoch,
        offset: published.offset,
        subscribers: 3,
        users: 2,
      });
      expect((await api.channels('?prefix=chat:rc-occ')).body).toEqual({
        channels: [{ channel, subscribers: 3, users: 2 }],
      });
      expect((await api.channels('?prefix=user:rc-')).body.channels).toEqual([
        { channel: 'user:rc-ann', subscribers: 2, users: 1 },
        { channel: 'user:rc-ben', subscribers: 1, users: 1 },
      ]);
    }

    await commandOk(ann[1], 'unsubscribe', { channel });
    expect(await occupancyOf(apiA, channel)).toEqual({ subscribers: 2, users: 2 });
    for (const socket of [ann[0], ben]) socket.close();
    await eventually(async () => (await occupancyOf(apiB, channel)).subscribers === 0, {
      what: 'empty room',
    });
    expect((await apiA.channels('?prefix=chat:rc-occ')).body).toEqual({ channels: [] });
    expect((await apiB.channels('?prefix=user:rc-')).body.channels).toEqual([
      { channel: 'user:rc-ann', subscribers: 1, users: 1 },
    ]);
  });

  it('disconnects a user on every instance and counts both', async () => {
    const sockets = [await member(a, 'rc-cid'), await client(b, b.token({ sub: 'rc-cid' }), ['polling'])];
    const bystander = await member(a, 'rc-dee');
    const endings = sockets.map(ending);
    const response = await apiB.disconnect('rc-cid', { reconnect: false });
    expect(response).toMatchObject({ status: 200, body: { userId: 'rc-cid', disconnected: 2 } });
    for (const seen of await Promise.all(endings)) {
      expect(seen).toEqual([terminated('disconnected', false), 'io server disconnect']);
    }
    expect((await apiA.disconnect('rc-cid')).body.disconnected).toBe(0);
    await barrier(a, bystander, 'user:rc-dee');
  });

  it('with reconnect: true, clients on both instances come back', async () => {
    const sockets = [
      await connect(a.url, a.token({ sub: 'rc-eve' }), { reconnection: true, transports: ['websocket'] }),
      await connect(b.url, b.token({ sub: 'rc-eve' }), { reconnection: true, transports: ['websocket'] }),
    ];
    pair.track(...sockets);
    const endings = sockets.map(ending);
    const back = sockets.map((socket) => waitForEvent(socket, 'connect', { timeoutMs: 10_000 }));
    expect((await apiA.disconnect('rc-eve', { reconnect: true })).body.disconnected).toBe(2);
    for (const seen of await Promise.all(endings))
      expect(seen).toEqual([terminated('disconnected', true), 'transport close']);
    await Promise.all(back);
  });

  it('revokes on every instance: open connections end, both instances refuse the token at once', async () => {
    const old = issuedAt('rc-fox', nowSeconds() - 60);
    const sockets = [await client(a, old), await client(b, old)];
    const endings = sockets.map(ending);
    const response = await apiA.revoke('rc-fox');
    expect(response.body).toEqual({ userId: 'rc-fox', before: expect.any(Number), disconnected: 2 });
    for (const seen of await Promise.all(endings))
      expect(seen).toEqual([terminated('revoked', false), 'io server disconnect']);

    // Each instance's copy was updated by the broadcast before it answered.
    for (const gateway of [a, b]) {
      expect((await connectRefused(gateway.url, old)).data).toEqual({
        code: 'UNAUTHORIZED',
        reason: 'token revoked',
      });
    }
    const fresh = await client(b, issuedAt('rc-fox', response.body.before + 1));
    expect(await command(fresh, 'auth.refresh', { token: old })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'token revoked' },
    });
    expect(fresh.connected).toBe(true);
  });

  it('an instance started after a revocation refuses the token too', async () => {
    const before = nowSeconds() - 30;
    await apiB.revoke('rc-gil', { before });
    const late = await startGateway({
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: pair.prefix,
      INSTANCE_ID: 'control-late',
    });
    try {
      expect((await connectRefused(late.url, issuedAt('rc-gil', before - 1))).data?.reason).toBe(
        'token revoked',
      );
      expect((await connectRefused(late.url, issuedAt('rc-gil', before))).data?.reason).toBe('token revoked');
      const accepted = await connect(late.url, issuedAt('rc-gil', before + 1));
      accepted.close();
    } finally {
      await late.close();
    }
  });

  it('kicks a user from a channel on every instance', async () => {
    const channel = 'chat:rc-kick';
    const hal = [await member(a, 'rc-hal'), await member(b, 'rc-hal')];
    const ida = await member(a, 'rc-ida');
    for (const socket of [...hal, ida]) await commandOk(socket, 'subscribe', { channel });
    const revoked = hal.map((socket) => waitForEvent(socket, 'subscription.revoked'));
    const deliveries = hal.map((socket) => collect(socket, 'rc.kick'));

    expect((await apiB.kick(channel, 'rc-hal')).body).toEqual({ channel, userId: 'rc-hal', unsubscribed: 2 });
    for (const event of await Promise.all(revoked)) {
      expect(event).toEqual({ channel, event: 'subscription.revoked', ts: expect.any(Number) });
    }
    expect(await occupancyOf(apiA, channel)).toEqual({ subscribers: 1, users: 1 });
    const arrived = waitForEvent(ida, 'rc.kick');
    await publish(b, channel, 'rc.kick', 1);
    await arrived;
    await barrier(a, hal[0], 'user:rc-hal');
    await barrier(b, hal[1], 'user:rc-hal');
    expect(deliveries).toEqual([[], []]);
    await commandOk(hal[1], 'subscribe', { channel });
    expect(await occupancyOf(apiA, channel)).toEqual({ subscribers: 2, users: 2 });
  });

  it('answers bad input as on one instance', async () => {
    expect((await apiA.kick('nope:room', 'rc-hal')).status).toBe(404);
    expect((await apiA.channels('?prefix=chat:a%20b')).status).toBe(400);
    expect((await apiB.disconnect('a%20b', {})).status).toBe(400);
    expect((await apiB.as(b.token({ sub: 'rc-hal' })).revoke('rc-hal', {})).status).toBe(403);
    expect((await apiA.revoke('rc-nobody', { before: 1 })).body).toEqual({
      userId: 'rc-nobody',
      before: 1,
      disconnected: 0,
    });
  });

  /**
   * An instance that dies without cleanup: the occupancy store a gateway uses, with a short
   * heartbeat TTL, records subscriptions and then stops beating and drops its Redis
   * connections without removing anything (what SIGKILL leaves behind).
   */
  it("drops a dead instance's subscribers from occupancy", async () => {
    const clients = await RedisClients.connect(
      { kind: 'single', url: testRedisUrl() },
      { commandTimeoutMs: 2_000, connectTimeoutMs: 5_000 },
    );
    const keys = new RedisKeys(pair.prefix);
    const liveness = new InstanceLiveness(clients.command, keys, 'ghost:0001', {
      intervalMs: 200,
      ttlMs: 1_000,
    });
    const ghost = new RedisOccupancyStore(clients.command, keys, liveness);
    await liveness.start();
    const channel = 'chat:rc-ghost';
    await ghost.add(channel, 'rc-gus', 'ghost-1');
    await ghost.add(channel, 'rc-gus', 'ghost-2');
    await ghost.add('public:rc-ghost-only', 'rc-gus', 'ghost-1');
    const live = await member(a, 'rc-jo');
    await commandOk(live, 'subscribe', { channel });
    expect(await occupancyOf(apiB, channel)).toEqual({ subscribers: 3, users: 2 });
    expect((await apiA.channels('?prefix=public:rc-ghost')).body.channels).toHaveLength(1);

    liveness.stop();
    clients.command.disconnect();
    await clients.close();
    // Ghost TTL (1 s) plus at most one live beat (5 s); the contract allows 60 s, the bound here.
    await eventually(async () => (await occupancyOf(apiB, channel)).subscribers === 1, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: 'the ghost swept',
    });
    expect(await occupancyOf(apiA, channel)).toEqual({ subscribers: 1, users: 1 });
    expect((await apiA.channels('?prefix=public:rc-ghost')).body).toEqual({ channels: [] });
    expect(await pair.redis.exists(`${pair.prefix}instance:ghost:0001:occupancy`)).toBe(0);
  });
});
