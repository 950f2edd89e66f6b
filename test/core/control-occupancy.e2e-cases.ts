import { type ChannelOccupancy, ControlApi, occupancyOf } from '../support/control.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { eventually } from '../support/wait.js';
import { request } from '../support/http.js';
import { publish } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { type ClientSocket, commandOk, connect, waitForEvent } from '../support/socket.js';

const NEST_ERROR = { statusCode: expect.any(Number), message: expect.anything(), error: expect.any(String) };

describe('control API: occupancy (single instance)', () => {
  let gateway: RunningGateway;
  let api: ControlApi;
  let observer: ClientSocket;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway();
    api = new ControlApi(gateway);
    observer = await connect(gateway.url, gateway.token({ sub: 'occ-observer' }));
  });
  // After every request, good or bad, the server and a connected client carry on.
  afterEach(async () => {
    pool.closeAll();
    const marker = Math.random();
    const arrived = waitForEvent(observer, 'alive.check', { filter: (p) => p['data'] === marker });
    await publish(gateway, 'user:occ-observer', 'alive.check', marker);
    await arrived;
  });
  afterAll(async () => {
    observer.close();
    await gateway.close();
  });

  const member = (sub: string) => gateway.token({ sub, channels: ['chat:occ-*'] });

  it('counts connections and distinct users of a channel, with its top', async () => {
    expect(await occupancyOf(api, 'chat:occ-room')).toEqual({ subscribers: 0, users: 0 });
    const alice1 = await pool.connect(member('occ-alice'));
    const alice2 = await pool.connect(member('occ-alice'), { transports: ['polling'] });
    const bob = await pool.connect(member('occ-bob'));
    for (const socket of [alice1, alice2, bob])
      await commandOk(socket, 'subscribe', { channel: 'chat:occ-room' });
    const published = await publish(gateway, 'chat:occ-room', 'occ.event', 1);

    const response = await api.channel('chat:occ-room');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      channel: 'chat:occ-room',
      epoch: published.epoch,
      offset: published.offset,
      subscribers: 3,
      users: 2,
    });

    await commandOk(alice1, 'unsubscribe', { channel: 'chat:occ-room' });
    expect(await occupancyOf(api, 'chat:occ-room')).toEqual({ subscribers: 2, users: 2 });
    bob.close();
    await eventuallyOccupancy('chat:occ-room', { subscribers: 1, users: 1 });
    alice2.close();
    await eventuallyOccupancy('chat:occ-room', { subscribers: 0, users: 0 });
  });

  it('lists occupied channels by name under a prefix, personal channels included, at most limit', async () => {
    const carol = await pool.connect(member('occ-carol'));
    const dave = await pool.connect(member('occ-dave'));
    const dave2 = await pool.connect(member('occ-dave'));
    for (const room of ['chat:occ-list-b', 'chat:occ-list-a', 'chat:occ-list-c']) {
      await commandOk(carol, 'subscribe', { channel: room });
    }
    await commandOk(dave, 'subscribe', { channel: 'chat:occ-list-b' });

    const listed = await api.channels('?prefix=chat:occ-list-');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      channels: [
        { channel: 'chat:occ-list-a', subscribers: 1, users: 1 },
        { channel: 'chat:occ-list-b', subscribers: 2, users: 2 },
        { channel: 'chat:occ-list-c', subscribers: 1, users: 1 },
      ],
    });
    expect(
      (await api.channels('?prefix=chat:occ-list-&limit=2')).body.channels.map((c) => c.channel),
    ).toEqual(['chat:occ-list-a', 'chat:occ-list-b']);
    // Every connection is subscribed to its own user:{sub} from the handshake on.
    expect((await api.channels('?prefix=user:occ-')).body.channels).toEqual(
      expect.arrayContaining<ChannelOccupancy>([
        { channel: 'user:occ-carol', subscribers: 1, users: 1 },
        { channel: 'user:occ-dave', subscribers: 2, users: 1 },
      ]),
    );
    // Without a prefix: every occupied channel, by name.
    const all = (await api.channels('?limit=1000')).body.channels.map((c) => c.channel);
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining(['chat:occ-list-a', 'user:occ-observer', 'user:occ-dave']));

    // A channel without subscribers is not listed; the personal one may be left as well.
    await commandOk(carol, 'unsubscribe', { channel: 'chat:occ-list-a' });
    await commandOk(dave2, 'unsubscribe', { channel: 'user:occ-dave' });
    expect((await api.channels('?prefix=chat:occ-list-a')).body).toEqual({ channels: [] });
    expect(await occupancyOf(api, 'user:occ-dave')).toEqual({ subscribers: 1, users: 1 });
    dave.close();
    await eventuallyOccupancy('user:occ-dave', { subscribers: 0, users: 0 });
    expect((await api.channels('?prefix=user:occ-d')).body).toEqual({ channels: [] });
  });

  it.each([
    ['a malformed channel', '/api/v1/channels/occ-room', 400],
    ['a bad channel name part', '/api/v1/channels/chat:a%20b', 400],
    ['an unknown namespace', '/api/v1/channels/nope:room', 404],
    ['a prefix that is no channel start', '/api/v1/channels?prefix=Chat:', 400],
    ['a prefix with a bad character', '/api/v1/channels?prefix=chat:a%20b', 400],
    ['a prefix in an unknown namespace', '/api/v1/channels?prefix=nope:', 404],
    ['limit 0', '/api/v1/channels?limit=0', 400],
    ['limit 1001', '/api/v1/channels?limit=1001', 400],
    ['a limit that is no number', '/api/v1/channels?limit=ten', 400],
    ['an unknown query parameter', '/api/v1/channels?offset=3', 400],
  ])('answers %s (%s) with %i', async (_name, path, status) => {
    const response = await api
      .as(gateway.token({ sub: 'backend', roles: ['service'] }))
      .channels(path.slice('/api/v1/channels'.length));
    expect({ status: response.status, body: response.body }).toEqual({
      status,
      body: { ...NEST_ERROR, statusCode: status },
    });
  });

  it('needs role service (403) and a token (401)', async () => {
    const user = api.as(gateway.token({ sub: 'occ-alice', roles: ['admin'], channels: ['chat:*'] }));
    expect((await user.channels()).status).toBe(403);
    expect((await user.channel('chat:occ-room')).status).toBe(403);
    expect((await api.as(null).channels()).status).toBe(401);
    expect((await api.as(null).channel('chat:occ-room')).body).toEqual({ ...NEST_ERROR, statusCode: 401 });
  });

  it('documents every control endpoint in OpenAPI, with its answer and role', async () => {
    type Operation = {
      responses: Record<string, unknown>;
      security?: unknown[];
      parameters?: { name: string }[];
    };
    const response = await request<{ paths: Record<string, Record<string, Operation>> }>(
      gateway.url,
      'GET',
      '/docs-json',
    );
    const paths = response.body.paths;
    const operations: [string, string, string[]][] = [
      ['/api/v1/channels', 'get', ['prefix', 'limit', 'after']],
      ['/api/v1/channels/{channel}', 'get', ['channel']],
      ['/api/v1/channels/{channel}/subscribers/{userId}', 'delete', ['channel', 'userId']],
      ['/api/v1/users/{userId}/disconnect', 'post', ['userId']],
      ['/api/v1/users/{userId}/revoke', 'post', ['userId']],
      ['/api/v1/users/{userId}/revoke', 'delete', ['userId']],
    ];
    for (const [path, method, parameters] of operations) {
      const operation = paths[path]?.[method];
      expect(operation).toBeDefined();
      expect(Object.keys(operation?.responses ?? {})).toContain('200');
      expect(operation?.security).toEqual([{ bearer: [] }]);
      expect(operation?.parameters?.map((p) => p.name).sort()).toEqual([...parameters].sort());
    }
  });

  /** The server settles a disconnect after the client saw it: nothing announces it, so poll. */
  async function eventuallyOccupancy(channel: string, expected: { subscribers: number; users: number }) {
    const same = (a: object) => JSON.stringify(a) === JSON.stringify(expected);
    await eventually(async () => same(await occupancyOf(api, channel)), { what: `occupancy of ${channel}` });
  }
});
