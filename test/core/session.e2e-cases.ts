import jwt from 'jsonwebtoken';
import { startGateway, TEST_SECRET, type RunningGateway } from '../support/gateway.js';
import { barrier, publish } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { collect, command, commandOk, disconnected, waitForEvent } from '../support/socket.js';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const signed = (claims: Record<string, unknown>): string => jwt.sign(claims, TEST_SECRET);

describe('auth.refresh and session expiry (single instance)', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it('accepts a token for the same sub and answers its exp', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'rui' }));
    const exp = nowSeconds() + 7200;
    expect(await commandOk(socket, 'auth.refresh', { token: signed({ sub: 'rui', exp }) })).toEqual({ exp });
    expect(await commandOk(socket, 'auth.refresh', { token: signed({ sub: 'rui' }) })).toEqual({});
  });

  it.each([
    ['a wrongly signed token', () => jwt.sign({ sub: 'rui' }, 'another-secret-0123456789-abcdef')],
    ['an expired token', () => signed({ sub: 'rui', exp: nowSeconds() - 60 })],
    ['a malformed token', () => 'not.a.token'],
    ['a token with an invalid sub', () => signed({ sub: 'r u i' })],
  ])('answers UNAUTHORIZED for %s and keeps the session', async (_name, token) => {
    const socket = await pool.connect(gateway.token({ sub: 'rui', channels: ['chat:r-keep'] }));
    const answer = await command(socket, 'auth.refresh', { token: token() });
    expect(answer).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: expect.any(String), details: [] },
    });
    expect(socket.connected).toBe(true);
    await commandOk(socket, 'subscribe', { channel: 'chat:r-keep' });
  });

  it('answers FORBIDDEN for a token of another sub and keeps the identity', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'rui' }));
    const answer = await command(socket, 'auth.refresh', {
      token: gateway.token({ sub: 'mallory', roles: ['admin'] }),
    });
    expect(answer).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.any(String), details: [] },
    });
    expect((await command(socket, 'subscribe', { channel: 'user:mallory' })).ok).toBe(false);
    await barrier(gateway, socket, 'user:rui');
  });

  it('applies the new roles and channels to later commands', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'rui' }));
    expect((await command(socket, 'subscribe', { channel: 'chat:r-new' })).ok).toBe(false);
    await commandOk(socket, 'auth.refresh', { token: gateway.token({ sub: 'rui', channels: ['chat:r-*'] }) });
    await commandOk(socket, 'subscribe', { channel: 'chat:r-new' });
    await commandOk(socket, 'auth.refresh', { token: gateway.token({ sub: 'rui', roles: ['admin'] }) });
    await commandOk(socket, 'subscribe', { channel: 'user:someone' });
  });

  it('drops subscriptions the new token no longer allows, with subscription.revoked', async () => {
    const socket = await pool.connect(
      gateway.token({ sub: 'rui', channels: ['chat:r-gone', 'chat:r-stay'] }),
    );
    const observer = await pool.connect(gateway.token({ sub: 'obs', channels: ['chat:r-gone'] }));
    await commandOk(observer, 'subscribe', { channel: 'chat:r-gone' });
    for (const channel of ['chat:r-gone', 'chat:r-stay', 'public:r-news']) {
      await commandOk(socket, 'subscribe', { channel });
    }
    const revoked = collect(socket, 'subscription.revoked');
    const left = waitForEvent(observer, 'presence.leave', { filter: (p) => p['channel'] === 'chat:r-gone' });
    const gone = waitForEvent(socket, 'subscription.revoked');
    await commandOk(socket, 'auth.refresh', {
      token: gateway.token({ sub: 'rui', channels: ['chat:r-stay'] }),
    });
    expect(await gone).toEqual({
      channel: 'chat:r-gone',
      event: 'subscription.revoked',
      ts: expect.any(Number),
    });
    expect(await left).toMatchObject({ event: 'presence.leave', data: { userId: 'rui' } });

    const seen = collect(socket, 'probe.event');
    for (const channel of ['chat:r-gone', 'chat:r-stay', 'public:r-news']) {
      await publish(gateway, channel, 'probe.event', channel);
    }
    await barrier(gateway, socket, 'user:rui');
    expect(seen.map((p) => p['data'])).toEqual(['chat:r-stay', 'public:r-news']);
    expect(revoked).toHaveLength(1);
    expect((await command(socket, 'chat.send', { room: 'r-gone', text: 'hi' })).ok).toBe(false);
  });

  it('emits session.expired and disconnects when the token expires unrefreshed', async () => {
    const exp = nowSeconds() + 2;
    const socket = await pool.connect(signed({ sub: 'tim', exp }));
    const expired = waitForEvent(socket, 'session.expired', { timeoutMs: 10_000 });
    const gone = waitForEvent<string>(socket, 'disconnect', { timeoutMs: 10_000 });
    expect(await expired).toEqual({ event: 'session.expired', data: { exp }, ts: expect.any(Number) });
    expect(await gone).toBe('io server disconnect');
  });

  it('keeps a refreshed connection past the old expiry', async () => {
    // Room for two connects and a refresh before the first token expires, on a busy machine.
    const exp = nowSeconds() + 5;
    const refreshed = await pool.connect(signed({ sub: 'tim', exp }));
    // Expires one second after the refreshed socket's old expiry: its event marks that time.
    const witness = await pool.connect(signed({ sub: 'wit', exp: exp + 1 }));
    const expiredRefreshed = collect(refreshed, 'session.expired');
    await commandOk(refreshed, 'auth.refresh', { token: signed({ sub: 'tim', exp: exp + 3600 }) });
    await waitForEvent(witness, 'session.expired', { timeoutMs: 15_000 });
    await disconnected(witness, 10_000);
    await barrier(gateway, refreshed, 'user:tim');
    expect(expiredRefreshed).toEqual([]);
    expect(refreshed.connected).toBe(true);
  });

  it('does not disconnect a token expiring in 25 days (longer than a 2^31-1 ms timer)', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'lon' }, { expiresIn: 25 * 24 * 3600 }));
    const expired = collect(socket, 'session.expired');
    const drops = collect(socket, 'disconnect');
    // An overflowing timer fires after 1 ms; these round trips take longer than that.
    await commandOk(socket, 'subscribe', { channel: 'public:long' });
    await barrier(gateway, socket, 'user:lon');
    const later = await pool.connect(gateway.token({ sub: 'lon2' }));
    await barrier(gateway, later, 'user:lon2');
    await barrier(gateway, socket, 'user:lon');
    expect(expired).toEqual([]);
    expect(drops).toEqual([]);
    expect(socket.connected).toBe(true);
    // The same holds after a refresh to another 25-day token.
    const exp = nowSeconds() + 25 * 24 * 3600;
    expect(await commandOk(socket, 'auth.refresh', { token: signed({ sub: 'lon', exp }) })).toEqual({ exp });
    await barrier(gateway, socket, 'user:lon');
    await barrier(gateway, later, 'user:lon2');
    await barrier(gateway, socket, 'user:lon');
    expect(expired).toEqual([]);
    expect(socket.connected).toBe(true);
  });
});
