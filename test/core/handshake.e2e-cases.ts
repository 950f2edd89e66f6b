import jwt from 'jsonwebtoken';
import { startGateway, TEST_SECRET, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { publish } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { type ClientSocket, commandOk, connectRefused, waitForEvent } from '../support/socket.js';

/** Proves the connection belongs to `sub`: a notification for `sub` reaches it without subscribing. */
async function expectIdentity(
  gateway: RunningGateway,
  socket: ClientSocket,
  sub: string,
  serviceToken?: string,
): Promise<void> {
  const arrived = waitForEvent(socket, 'hello.there', { filter: (p) => p['channel'] === `user:${sub}` });
  await publish(gateway, `user:${sub}`, 'hello.there', { to: sub }, serviceToken);
  expect(await arrived).toMatchObject({ channel: `user:${sub}`, data: { to: sub } });
}

describe('handshake', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it('accepts the token in auth.token', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'ann' }));
    await expectIdentity(gateway, socket, 'ann');
  });

  it.each([
    ['polling', ['polling']],
    ['websocket', ['websocket']],
  ])('accepts the token in an Authorization: Bearer header over %s', async (_name, transports) => {
    const socket = await pool.connect(undefined, {
      transports,
      extraHeaders: { authorization: `Bearer ${gateway.token({ sub: 'hank' })}` },
    });
    expect(socket.io.engine.transport.name).toBe(transports[0]);
    await expectIdentity(gateway, socket, 'hank');
  });

  const other = 'another-secret-0123456789-abcdef';
  // Every row has four cells: Jest passes `done` to a test whose arity exceeds the row.
  const refused: [string, () => string | undefined, Record<string, unknown>, string | null][] = [
    ['a missing token', () => undefined, {}, 'missing token'],
    ['an empty token', () => '', {}, 'missing token'],
    ['a malformed token', () => 'not-a-jwt', {}, null],
    ['a token of three garbage parts', () => 'aaa.bbb.ccc', {}, null],
    ['a wrongly signed token', () => jwt.sign({ sub: 'ann' }, other), {}, null],
    ['an unsigned (alg none) token', () => jwt.sign({ sub: 'ann' }, '', { algorithm: 'none' }), {}, null],
    [
      'an expired token',
      () => jwt.sign({ sub: 'ann' }, TEST_SECRET, { expiresIn: -10 }),
      {},
      'token expired',
    ],
    ['a token without sub', () => jwt.sign({ name: 'Ann' }, TEST_SECRET), {}, 'invalid sub claim'],
    ['a sub with a space', () => jwt.sign({ sub: 'a b' }, TEST_SECRET), {}, 'invalid sub claim'],
    ['a sub with a colon', () => jwt.sign({ sub: 'a:b' }, TEST_SECRET), {}, 'invalid sub claim'],
    ['a numeric sub', () => jwt.sign({ sub: 42 }, TEST_SECRET), {}, 'invalid sub claim'],
    ['a 129-char sub', () => jwt.sign({ sub: 'x'.repeat(129) }, TEST_SECRET), {}, 'invalid sub claim'],
    [
      'a header without the Bearer scheme',
      () => undefined,
      { extraHeaders: { authorization: `Basic ${Buffer.from('ann:pw').toString('base64')}` } },
      'missing token',
    ],
  ];
  it.each(refused)('refuses %s with UNAUTHORIZED', async (_name, token, options, reason) => {
    const error = await connectRefused(gateway.url, token(), options);
    expect(error.message).toBe('UNAUTHORIZED');
    expect(error.data).toEqual({ code: 'UNAUTHORIZED', reason: expect.any(String) });
    expect(error.data?.reason.length).toBeGreaterThan(0);
    if (reason) expect(error.data?.reason).toBe(reason);
  });

  it('refuses a bad header token over polling too', async () => {
    const error = await connectRefused(gateway.url, undefined, {
      transports: ['polling'],
      extraHeaders: { authorization: `Bearer ${jwt.sign({ sub: 'ann' }, other)}` },
    });
    expect(error.message).toBe('UNAUTHORIZED');
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });

  it('lets a polling-only client subscribe, receive and chat', async () => {
    const token = gateway.token({ sub: 'polly', name: 'Polly', channels: ['chat:poll-room'] });
    const socket = await pool.connect(token, { transports: ['polling'] });
    const top = await commandOk<{ offset: number; epoch: string }>(socket, 'subscribe', {
      channel: 'public:poll-news',
    });
    const news = waitForEvent(socket, 'news.posted');
    await publish(gateway, 'public:poll-news', 'news.posted', { n: 1 });
    expect(await news).toMatchObject({
      channel: 'public:poll-news',
      offset: top.offset + 1,
      epoch: top.epoch,
    });

    await commandOk(socket, 'subscribe', { channel: 'chat:poll-room' });
    const message = waitForEvent(socket, 'chat.message');
    const sent = await commandOk<{ id: string; offset: number }>(socket, 'chat.send', {
      room: 'poll-room',
      text: 'over polling',
    });
    expect(await message).toMatchObject({
      offset: sent.offset,
      data: { id: sent.id, text: 'over polling', from: { userId: 'polly', name: 'Polly' } },
    });
    expect(socket.io.engine.transport.name).toBe('polling');
  });
});

describe('handshake with JWT_ISSUER and JWT_AUDIENCE', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway({ JWT_ISSUER: 'https://issuer.test', JWT_AUDIENCE: 'switchboard-test' });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  const good = { issuer: 'https://issuer.test', audience: 'switchboard-test' };

  it('accepts a token carrying both', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'ida' }, good));
    await expectIdentity(gateway, socket, 'ida', gateway.token({ sub: 'backend', roles: ['service'] }, good));
  });

  it.each([
    ['a wrong issuer', { ...good, issuer: 'https://elsewhere.test' }],
    ['a wrong audience', { ...good, audience: 'someone-else' }],
    ['no issuer', { audience: good.audience }],
    ['no audience', { issuer: good.issuer }],
  ])('refuses %s, on sockets and on REST', async (_name, options) => {
    const error = await connectRefused(gateway.url, gateway.token({ sub: 'ida' }, options));
    expect(error.message).toBe('UNAUTHORIZED');
    expect(error.data).toEqual({ code: 'UNAUTHORIZED', reason: expect.any(String) });
    const rest = await request(gateway.url, 'POST', '/api/v1/publish', {
      token: gateway.token({ sub: 'backend', roles: ['service'] }, options),
      body: { channel: 'public:x', event: 'x', data: null },
    });
    expect(rest.status).toBe(401);
  });
});
