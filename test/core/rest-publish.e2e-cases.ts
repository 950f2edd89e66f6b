import jwt from 'jsonwebtoken';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { publish, serviceToken } from '../support/publisher.js';
import { type ClientSocket, commandOk, connect, waitForEvent } from '../support/socket.js';

interface NotificationEvent {
  channel: string;
  event: string;
  offset: number;
  data: { id: string; title: string; body?: string; data?: unknown; createdAt: string };
}

const NEST_ERROR = { statusCode: expect.any(Number), message: expect.anything(), error: expect.any(String) };
const WRITES: [string, unknown][] = [
  ['/api/v1/publish', { channel: 'public:r', event: 'r.event', data: null }],
  ['/api/v1/notifications', { userId: 'rita', title: 'T' }],
  ['/api/v1/chat/rooms/r/messages', { text: 'hi' }],
];

describe('REST publishing (single instance)', () => {
  let gateway: RunningGateway;
  let rita: ClientSocket;
  let service: string;
  beforeAll(async () => {
    gateway = await startGateway();
    service = serviceToken(gateway);
    rita = await connect(gateway.url, gateway.token({ sub: 'rita', channels: ['chat:*'] }));
    await commandOk(rita, 'subscribe', { channel: 'public:alive' });
  });
  // After every request, good or bad, the server and a connected client carry on.
  afterEach(async () => {
    const marker = Math.random();
    const arrived = waitForEvent(rita, 'alive.check', { filter: (p) => p['data'] === marker });
    await publish(gateway, 'public:alive', 'alive.check', marker);
    await arrived;
  });
  afterAll(async () => {
    rita.close();
    await gateway.close();
  });

  /** `token` null sends no Authorization header. */
  const post = (path: string, body: unknown, token: string | null = service) =>
    request(gateway.url, 'POST', path, { token: token ?? undefined, body });

  it.each(WRITES)('%s answers 401 without a token or with a bad one', async (path, body) => {
    for (const token of [
      null,
      'garbage',
      jwt.sign({ sub: 'backend', roles: ['service'] }, 'another-secret-0123456789-abcdef'),
      gateway.token({ sub: 'backend', roles: ['service'] }, { expiresIn: -10 }),
      gateway.token({ sub: 'bad sub', roles: ['service'] }),
    ]) {
      const response = await post(path, body, token);
      expect([token, response.status, response.body]).toEqual([
        token,
        401,
        { ...NEST_ERROR, statusCode: 401 },
      ]);
    }
  });

  it.each(WRITES)('%s answers 403 without role service', async (path, body) => {
    for (const roles of [[], ['admin'], ['services']]) {
      const response = await post(path, body, gateway.token({ sub: 'user', roles, channels: ['chat:*'] }));
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ ...NEST_ERROR, statusCode: 403 });
    }
  });

  it('publishes: 201 { channel, event, offset, epoch }, delivered with data (null when omitted)', async () => {
    const top = await commandOk<{ epoch: string }>(rita, 'subscribe', { channel: 'public:r-pub' });
    const first = waitForEvent(rita, 'item.created', { filter: (p) => p['offset'] === 1 });
    const created = await post('/api/v1/publish', {
      channel: 'public:r-pub',
      event: 'item.created',
      data: [1],
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      channel: 'public:r-pub',
      event: 'item.created',
      offset: 1,
      epoch: top.epoch,
    });
    expect(await first).toMatchObject({ data: [1] });
    const second = waitForEvent(rita, 'item.created', { filter: (p) => p['offset'] === 2 });
    expect((await post('/api/v1/publish', { channel: 'public:r-pub', event: 'item.created' })).status).toBe(
      201,
    );
    expect((await second)['data']).toBeNull();
  });

  it.each([
    ['an event of 64 chars', 'a'.repeat(64)],
    ['dotted segments', 'order.line-item_2.updated'],
    ['chat.message', 'chat.message'],
  ])('accepts %s as event name', async (_what, event) => {
    expect((await post('/api/v1/publish', { channel: 'public:r-names', event, data: 1 })).status).toBe(201);
  });

  it.each([
    ['a name over 64 chars', { channel: 'public:r', event: 'a'.repeat(65) }],
    ['an upper-case event', { channel: 'public:r', event: 'Item.created' }],
    ['an event starting with a digit', { channel: 'public:r', event: '1abc' }],
    ['an empty segment', { channel: 'public:r', event: 'a..b' }],
    ['a trailing dot', { channel: 'public:r', event: 'a.' }],
    ['an empty event', { channel: 'public:r', event: '' }],
    ['a numeric event', { channel: 'public:r', event: 5 }],
    ['no event', { channel: 'public:r' }],
    ['no channel', { event: 'a' }],
    ['a numeric channel', { channel: 7, event: 'a' }],
    ['a malformed channel', { channel: 'public', event: 'a' }],
    ['an extra field', { channel: 'public:r', event: 'a', data: 1, extra: true }],
    ...[
      'connect',
      'connect_error',
      'disconnect',
      'disconnecting',
      'error',
      'ping',
      'exception',
      'chat.typing',
      'presence.join',
      'presence.leave',
      'session.expired',
      'subscription.revoked',
    ].map((event): [string, unknown] => [`the reserved name ${event}`, { channel: 'public:r', event }]),
  ])('answers 400 to %s', async (_what, body) => {
    const response = await post('/api/v1/publish', body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ statusCode: 400, message: expect.anything(), error: 'Bad Request' });
  });

  it('answers 404 for an unknown namespace', async () => {
    const response = await post('/api/v1/publish', { channel: 'nope:r', event: 'a', data: 1 });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ ...NEST_ERROR, statusCode: 404, error: 'Not Found' });
  });

  it.each(WRITES)('%s answers 413 over MAX_PAYLOAD_BYTES and 400 to malformed JSON', async (path) => {
    const big = await post(path, { text: 'x'.repeat(70_000) });
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ ...NEST_ERROR, statusCode: 413, error: 'Payload Too Large' });
    const malformed = await post(path, '{"channel": "public:r", ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ ...NEST_ERROR, statusCode: 400, error: 'Bad Request' });
  });

  it('notifies: 201 { id, channel, offset } and a notification event to user:{userId}', async () => {
    const arrived = waitForEvent<NotificationEvent>(rita, 'notification', {
      filter: (p) => p.data.title === 'Full',
    });
    const created = await post('/api/v1/notifications', {
      userId: 'rita',
      title: 'Full',
      body: 'All fields',
      data: { link: '/x', n: [1, 2] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      channel: 'user:rita',
      offset: expect.any(Number),
    });
    const event = await arrived;
    expect(event).toMatchObject({
      channel: 'user:rita',
      event: 'notification',
      offset: created.body['offset'],
    });
    expect(event.data).toEqual({
      id: created.body['id'],
      title: 'Full',
      body: 'All fields',
      data: { link: '/x', n: [1, 2] },
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/),
    });
    expect(Math.abs(Date.parse(event.data.createdAt) - Date.now())).toBeLessThan(60_000);

    const bare = waitForEvent<NotificationEvent>(rita, 'notification', {
      filter: (p) => p.data.title === 'Bare',
    });
    expect((await post('/api/v1/notifications', { userId: 'rita', title: 'Bare' })).status).toBe(201);
    expect(Object.keys((await bare).data).sort()).toEqual(['createdAt', 'id', 'title']);
  });

  it.each([
    ['no userId', { title: 'T' }],
    ['an invalid userId', { userId: 'a b', title: 'T' }],
    ['no title', { userId: 'rita' }],
    ['an empty title', { userId: 'rita', title: '' }],
    ['a numeric body', { userId: 'rita', title: 'T', body: 5 }],
    ['an extra field', { userId: 'rita', title: 'T', urgent: true }],
  ])('answers 400 to a notification with %s', async (_what, body) => {
    const response = await post('/api/v1/notifications', body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ ...NEST_ERROR, statusCode: 400, error: 'Bad Request' });
  });

  it('posts a system chat message: 201 { id, offset }, from the system (name "System", system: true)', async () => {
    await commandOk(rita, 'subscribe', { channel: 'chat:r-sys' });
    const arrived = waitForEvent(rita, 'chat.message', { filter: (p) => p['channel'] === 'chat:r-sys' });
    const created = await post('/api/v1/chat/rooms/r-sys/messages', { text: '  Maintenance at 18:00  ' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), offset: 1 });
    const message = await arrived;
    expect(message).toMatchObject({ event: 'chat.message', offset: 1 });
    expect(message['data']).toMatchObject({
      id: created.body['id'],
      room: 'r-sys',
      text: 'Maintenance at 18:00',
      // The service that posted it, never the service token's display name.
      from: { userId: 'backend', name: 'System', system: true },
    });
  });

  it.each([
    ['an empty text', 'r', { text: '   ' }],
    ['a text over 4000 chars', 'r', { text: 'x'.repeat(4001) }],
    ['no text', 'r', {}],
    ['an extra field', 'r', { text: 'hi', from: 'x' }],
    ['an invalid room', 'a%20b', { text: 'hi' }],
  ])('answers 400 to a system message with %s', async (_what, room, body) => {
    const response = await post(`/api/v1/chat/rooms/${room}/messages`, body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ ...NEST_ERROR, statusCode: 400, error: 'Bad Request' });
  });
});
