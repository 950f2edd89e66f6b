import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { publish, serviceToken } from '../support/publisher.js';
import { type ClientSocket, commandOk, connect, waitForEvent } from '../support/socket.js';

interface HistoryPage {
  channel: string;
  epoch: string;
  offset: number;
  publications: {
    channel: string;
    event: string;
    offset: number;
    epoch: string;
    data: unknown;
    ts: number;
  }[];
}

const NEST_ERROR = { statusCode: expect.any(Number), message: expect.anything(), error: expect.any(String) };

describe('REST channel reads (single instance)', () => {
  let gateway: RunningGateway;
  let observer: ClientSocket;
  beforeAll(async () => {
    gateway = await startGateway({ HISTORY_SIZE: '150' });
    observer = await connect(gateway.url, gateway.token({ sub: 'obs', channels: ['chat:rc-*'] }));
    await commandOk(observer, 'subscribe', { channel: 'chat:rc-room' });
    for (let n = 1; n <= 5; n++) await publish(gateway, 'chat:rc-room', 'rc.event', { n });
  });
  // After every request, good or bad, the server and a connected client carry on.
  afterEach(async () => {
    const marker = Math.random();
    const arrived = waitForEvent(observer, 'alive.check', { filter: (p) => p['data'] === marker });
    await publish(gateway, 'user:obs', 'alive.check', marker);
    await arrived;
  });
  afterAll(async () => {
    observer.close();
    await gateway.close();
  });

  const get = <T = Record<string, unknown>>(path: string, token: string | null = serviceToken(gateway)) =>
    request<T>(gateway.url, 'GET', path, { token: token ?? undefined });
  const offsets = (page: HistoryPage): number[] => page.publications.map((p) => p.offset);

  it('answers { channel, epoch, offset, publications }, oldest first', async () => {
    const response = await get<HistoryPage>('/api/v1/channels/chat:rc-room/history');
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['channel', 'epoch', 'offset', 'publications']);
    expect(response.body).toMatchObject({ channel: 'chat:rc-room', offset: 5 });
    expect(offsets(response.body)).toEqual([1, 2, 3, 4, 5]);
    expect(response.body.publications[0]).toEqual({
      channel: 'chat:rc-room',
      event: 'rc.event',
      offset: 1,
      epoch: response.body.epoch,
      data: { n: 1 },
      ts: expect.any(Number),
    });
  });

  it.each([
    ['?since=3', [4, 5]],
    ['?limit=2', [1, 2]],
    ['?since=1&limit=3', [2, 3, 4]],
    ['?since=5', []],
    ['?since=99', []],
    ['?limit=1000', [1, 2, 3, 4, 5]],
    ['?limit=1', [1]],
  ])('honours %s', async (query, expected) => {
    const response = await get<HistoryPage>(`/api/v1/channels/chat:rc-room/history${query}`);
    expect(response.status).toBe(200);
    expect(offsets(response.body)).toEqual(expected);
    expect(response.body.offset).toBe(5);
  });

  it('returns at most 100 by default', async () => {
    for (let n = 1; n <= 120; n++) await publish(gateway, 'public:rc-many', 'rc.event', n);
    expect(offsets((await get<HistoryPage>('/api/v1/channels/public:rc-many/history')).body)).toHaveLength(
      100,
    );
    const all = await get<HistoryPage>('/api/v1/channels/public:rc-many/history?limit=1000');
    expect(offsets(all.body)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });

  it('answers an empty channel with offset 0 and its epoch', async () => {
    const response = await get<HistoryPage>('/api/v1/channels/public:rc-empty/history');
    expect(response.body).toEqual({
      channel: 'public:rc-empty',
      epoch: expect.any(String),
      offset: 0,
      publications: [],
    });
    expect(response.body.epoch.length).toBeGreaterThan(0);
  });

  it.each([
    '?limit=0',
    '?limit=1001',
    '?limit=-1',
    '?limit=abc',
    '?since=-1',
    '?since=x',
    '?limit=1.5',
    '?extra=1',
  ])('answers 400 to %s', async (query) => {
    const response = await get(`/api/v1/channels/chat:rc-room/history${query}`);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ ...NEST_ERROR, statusCode: 400, error: 'Bad Request' });
  });

  it.each([
    ['a granted user', 'chat:rc-room', { channels: ['chat:rc-room'] }],
    ['an admin', 'chat:rc-room', { roles: ['admin'] }],
    ['anyone, on public', 'public:rc-many', {}],
    ['the owner, on user:', 'user:uma', {}],
  ])('lets %s read history', async (_who, channel, claims) => {
    const response = await get(
      `/api/v1/channels/${channel}/history`,
      gateway.token({ sub: 'uma', ...claims }),
    );
    expect(response.status).toBe(200);
  });

  it.each([
    ['an ungranted user', 'chat:rc-room', { channels: ['chat:other'] }, 403],
    ['another user, on user:', 'user:obs', {}, 403],
    ['anyone, on an unknown namespace', 'nope:x', { roles: ['admin'] }, 404],
    ['a service, on an unknown namespace', 'nope:x', { roles: ['service'] }, 404],
    ['anyone, on a malformed channel', 'no-colon', { roles: ['service'] }, 400],
  ])('refuses %s: %s → %i', async (_who, channel, claims, status) => {
    for (const path of [`/api/v1/channels/${channel}/history`, `/api/v1/channels/${channel}/presence`]) {
      const response = await get(path, gateway.token({ sub: 'uma', ...claims }));
      expect([path, response.status]).toEqual([path, status]);
      expect(response.body).toEqual({ ...NEST_ERROR, statusCode: status });
    }
  });

  it.each(['/api/v1/channels/chat:rc-room/history', '/api/v1/channels/chat:rc-room/presence'])(
    '%s answers 401 without or with a bad token',
    async (path) => {
      for (const token of [null, 'garbage']) {
        const response = await get(path, token);
        expect(response.status).toBe(401);
        expect(response.body).toEqual({ ...NEST_ERROR, statusCode: 401 });
      }
    },
  );

  it('lists presence for a service and for a granted user', async () => {
    for (const token of [serviceToken(gateway), gateway.token({ sub: 'uma', channels: ['chat:rc-*'] })]) {
      const response = await get('/api/v1/channels/chat:rc-room/presence', token);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ channel: 'chat:rc-room', users: [{ userId: 'obs' }] });
    }
  });

  it.each(['public:rc-many', 'user:obs'])(
    'answers 400 to presence on %s (no presence there)',
    async (channel) => {
      const response = await get(`/api/v1/channels/${channel}/presence`);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ ...NEST_ERROR, statusCode: 400, error: 'Bad Request' });
    },
  );
});
