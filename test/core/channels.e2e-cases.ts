import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { sampleValue, scrapeMetrics } from '../support/metrics.js';
import { barrier, publish, serviceToken } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { collect, command, commandOk, waitForEvent } from '../support/socket.js';
import { eventually } from '../support/wait.js';

interface Top {
  channel: string;
  offset: number;
  epoch: string;
}

describe('channels (single instance)', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it('subscribes every connection to its personal channel on connect', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'pat' }));
    const arrived = waitForEvent(socket, 'notification');
    const created = await request<{ id: string }>(gateway.url, 'POST', '/api/v1/notifications', {
      token: serviceToken(gateway),
      body: { userId: 'pat', title: 'Welcome' },
    });
    expect(created.status).toBe(201);
    expect(await arrived).toMatchObject({
      channel: 'user:pat',
      data: { id: created.body.id, title: 'Welcome' },
    });
    // Subscribing to it again is allowed and idempotent.
    const top = await commandOk<Top>(socket, 'subscribe', { channel: 'user:pat' });
    expect(top).toMatchObject({ channel: 'user:pat', offset: 1, epoch: expect.any(String) });
  });

  it.each([
    ['public:lobby', {}],
    ['chat:exact', { channels: ['chat:exact'] }],
    ['chat:team-red', { channels: ['chat:team-*'] }],
    ['chat:anything', { channels: ['chat:*'] }],
    ['chat:secret', { roles: ['admin'] }],
    ['user:someone-else', { roles: ['admin'] }],
  ])('allows %s for %j', async (channel, claims) => {
    const socket = await pool.connect(gateway.token({ sub: 'sam', ...claims }));
    const top = await commandOk<Top>(socket, 'subscribe', { channel });
    expect(top.channel).toBe(channel);
    const arrived = waitForEvent(socket, 'thing.happened', { filter: (p) => p['channel'] === channel });
    await publish(gateway, channel, 'thing.happened', { channel });
    expect(await arrived).toMatchObject({ channel, offset: top.offset + 1, epoch: top.epoch });
  });

  it.each([
    ['user:other', {}, 'FORBIDDEN'],
    ['chat:room', {}, 'FORBIDDEN'],
    ['chat:room', { channels: ['chat:other', 'public:room'] }, 'FORBIDDEN'],
    ['chat:teamred', { channels: ['chat:team-*'] }, 'FORBIDDEN'],
    ['chat:room', { roles: ['service'] }, 'FORBIDDEN'],
    ['private:room', { roles: ['admin'] }, 'NOT_FOUND'],
    ['zz:top', { channels: ['zz:*'] }, 'NOT_FOUND'],
  ])('refuses %s for %j with %s', async (channel, claims, code) => {
    const socket = await pool.connect(gateway.token({ sub: 'sam', ...claims }));
    const answer = await command(socket, 'subscribe', { channel });
    expect(answer).toEqual({ ok: false, error: { code, message: expect.any(String), details: [] } });
    expect(socket.connected).toBe(true);
  });

  it.each([
    'nocolon',
    'Public:x',
    'public:',
    ':name',
    'public:has space',
    'public:a/b',
    `public:${'n'.repeat(129)}`,
    `${'a'.repeat(33)}:x`,
  ])('refuses the malformed channel %j with BAD_REQUEST naming the field', async (channel) => {
    const socket = await pool.connect(gateway.token({ sub: 'sam', roles: ['admin'] }));
    const answer = await command(socket, 'subscribe', { channel });
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe('BAD_REQUEST');
    expect(answer.error.details.map((detail) => detail.field)).toContain('channel');
  });

  it('answers offset 0 and a non-empty epoch for an empty channel; the first publication carries it', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'eli' }));
    const top = await commandOk<Top>(socket, 'subscribe', { channel: 'public:fresh' });
    expect(top.offset).toBe(0);
    expect(typeof top.epoch).toBe('string');
    expect(top.epoch.length).toBeGreaterThan(0);
    const first = waitForEvent(socket, 'first.one');
    const published = await publish(gateway, 'public:fresh', 'first.one');
    expect(published).toEqual({ channel: 'public:fresh', event: 'first.one', offset: 1, epoch: top.epoch });
    expect(await first).toMatchObject({ offset: 1, epoch: top.epoch });
  });

  it('is idempotent: subscribing twice answers the same top and delivers once', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'ida' }));
    const once = await commandOk<Top>(socket, 'subscribe', { channel: 'public:twice' });
    const twice = await commandOk<Top>(socket, 'subscribe', { channel: 'public:twice' });
    expect(twice).toEqual(once);
    const seen = collect(socket, 'twice.event');
    await publish(gateway, 'public:twice', 'twice.event', 1);
    await barrier(gateway, socket, 'user:ida');
    expect(seen).toHaveLength(1);
  });

  it('stops delivery after unsubscribe', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'una' }));
    await commandOk(socket, 'subscribe', { channel: 'public:leaving' });
    const seen = collect(socket, 'leaving.event');
    await publish(gateway, 'public:leaving', 'leaving.event', 'before');
    await barrier(gateway, socket, 'user:una');
    expect(await commandOk(socket, 'unsubscribe', { channel: 'public:leaving' })).toEqual({
      channel: 'public:leaving',
    });
    await publish(gateway, 'public:leaving', 'leaving.event', 'after');
    await barrier(gateway, socket, 'user:una');
    expect(seen.map((p) => p['data'])).toEqual(['before']);
    // Unsubscribing again (or from a channel never joined) is harmless.
    expect(await commandOk(socket, 'unsubscribe', { channel: 'public:leaving' })).toEqual({
      channel: 'public:leaving',
    });
  });
});

describe('MAX_SUBSCRIPTIONS and the subscriptions gauge', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway({ MAX_SUBSCRIPTIONS: '2' });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  const gauge = async (): Promise<number | undefined> =>
    sampleValue(await scrapeMetrics(gateway.url), 'switchboard_subscriptions');

  it('counts the personal channel in the gauge but not against the limit', async () => {
    expect(await gauge()).toBe(0);
    const socket = await pool.connect(gateway.token({ sub: 'lim' }));
    expect(await gauge()).toBe(1);
    await commandOk(socket, 'subscribe', { channel: 'public:a' });
    await commandOk(socket, 'subscribe', { channel: 'public:b' });
    expect(await gauge()).toBe(3);

    const over = await command(socket, 'subscribe', { channel: 'public:c' });
    expect(over).toEqual({
      ok: false,
      error: { code: 'LIMIT_EXCEEDED', message: expect.any(String), details: [] },
    });
    expect(await gauge()).toBe(3);
    // Already-held channels, the personal one included, are still answered at the limit.
    await commandOk(socket, 'subscribe', { channel: 'public:a' });
    await commandOk(socket, 'subscribe', { channel: 'user:lim' });

    await commandOk(socket, 'unsubscribe', { channel: 'public:a' });
    await commandOk(socket, 'subscribe', { channel: 'public:c' });
    expect(await gauge()).toBe(3);

    socket.close();
    await eventually(async () => (await gauge()) === 0, { what: 'the gauge to return to 0' });
  });
});
