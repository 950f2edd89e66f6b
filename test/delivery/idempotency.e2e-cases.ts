import { request, type HttpResult } from '../support/http.js';
import { barrier, serviceToken } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { collect, commandOk } from '../support/socket.js';
import { eventually } from '../support/wait.js';
import { startStores, type StoreKind, type Stores } from './support/stores.js';

interface Publication {
  channel: string;
  offset: number;
  epoch: string;
  data: unknown;
}

describe.each<StoreKind>(['memory', 'redis'])('%s: idempotent REST publishing (Idempotency-Key)', (kind) => {
  let stores: Stores;
  const pool = new SocketPool(() => stores.subscriber.url);

  beforeAll(async () => {
    stores = await startStores(kind, 'idempotency', { IDEMPOTENCY_TTL_SECONDS: '1' });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => stores.stop());

  const post = (path: string, body: unknown, key?: string): Promise<HttpResult> =>
    request(stores.publisher.url, 'POST', path, {
      token: serviceToken(stores.publisher),
      body,
      headers: key === undefined ? {} : { 'Idempotency-Key': key },
    });
  const replayed = (response: HttpResult): string | null => response.headers.get('idempotent-replayed');

  it('publishes once and answers a repeated key exactly as the first request, marked as a replay', async () => {
    const channel = 'public:orders';
    const socket = await pool.connect(stores.subscriber.token({ sub: 'watcher' }));
    await commandOk(socket, 'subscribe', { channel });
    const seen = collect<Publication>(socket, 'order.paid');

    const first = await post(
      '/api/v1/publish',
      { channel, event: 'order.paid', data: { n: 1 } },
      'order-1:paid',
    );
    const again = await post(
      '/api/v1/publish',
      { channel, event: 'order.paid', data: { n: 2 } },
      'order-1:paid',
    );
    expect(first.status).toBe(201);
    expect(replayed(first)).toBeNull();
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(replayed(again)).toBe('true');

    await barrier(stores.publisher, socket, channel);
    expect(seen.map((p) => p.data)).toEqual([{ n: 1 }]);
  });

  it('publishes once for concurrent requests with one key (the check and the append are one step)', async () => {
    const channel = 'public:concurrent-key';
    const body = { channel, event: 'x.y', data: null };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => post('/api/v1/publish', body, 'burst')),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(answers.filter((a) => replayed(a) === null)).toHaveLength(1);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
  });

  it('keys per channel: the same key in another channel publishes there', async () => {
    const one = await post(
      '/api/v1/publish',
      { channel: 'public:k-one', event: 'x.y', data: null },
      'shared',
    );
    const two = await post(
      '/api/v1/publish',
      { channel: 'public:k-two', event: 'x.y', data: null },
      'shared',
    );
    expect(replayed(two)).toBeNull();
    expect(two.body).toMatchObject({ channel: 'public:k-two', offset: 1 });
    expect(one.body).toMatchObject({ channel: 'public:k-one', offset: 1 });
  });

  it('replays notifications and chat system messages with their first id and offset', async () => {
    const note = { userId: 'dana', title: 'Invoice ready' };
    const n1 = await post('/api/v1/notifications', note, 'invoice-7');
    const n2 = await post('/api/v1/notifications', { ...note, title: 'changed' }, 'invoice-7');
    expect(n1.status).toBe(201);
    expect(n2).toMatchObject({ status: 201, body: n1.body });
    expect(replayed(n2)).toBe('true');

    const m1 = await post('/api/v1/chat/rooms/ops/messages', { text: 'Deploy at 18:00' }, 'deploy-18');
    const m2 = await post('/api/v1/chat/rooms/ops/messages', { text: 'Deploy at 18:00' }, 'deploy-18');
    expect(m1.status).toBe(201);
    expect(m2).toMatchObject({ status: 201, body: m1.body });
    expect(replayed(m2)).toBe('true');
    const history = await request<{ offset: number }>(
      stores.publisher.url,
      'GET',
      '/api/v1/channels/chat:ops/history',
      { token: serviceToken(stores.publisher) },
    );
    expect(history.body.offset).toBe(1);
  });

  it.each([
    ['a space', 'a b'],
    ['a slash', 'a/b'],
    ['129 characters', 'k'.repeat(129)],
    ['an empty key', ''],
  ])('refuses a key with %s: 400, nothing published', async (_name, key) => {
    const channel = 'public:bad-keys';
    const response = await post('/api/v1/publish', { channel, event: 'x.y', data: null }, key);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      statusCode: 400,
      message: 'Idempotency-Key must match ^[A-Za-z0-9_.:-]{1,128}$',
      error: 'Bad Request',
    });
    const history = await request<{ offset: number }>(
      stores.publisher.url,
      'GET',
      `/api/v1/channels/${channel}/history`,
      { token: serviceToken(stores.publisher) },
    );
    expect(history.body.offset).toBe(0);
  });

  it('forgets a key after IDEMPOTENCY_TTL_SECONDS: the same key then publishes again', async () => {
    const channel = 'public:ttl-key';
    const first = await post('/api/v1/publish', { channel, event: 'x.y', data: 1 }, 'short-lived');
    // No event announces a key's expiry; repeating it is harmless until then (a replay).
    const fresh = await eventually(
      async () => {
        const response = await post('/api/v1/publish', { channel, event: 'x.y', data: 2 }, 'short-lived');
        return replayed(response) === null && response;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the key to expire' },
    );
    expect(fresh.status).toBe(201);
    expect(fresh.body).toMatchObject({ offset: (first.body as { offset: number }).offset + 1 });
  });

  it('remembers a chat.send clientId for IDEMPOTENCY_TTL_SECONDS too', async () => {
    const socket = await pool.connect(stores.subscriber.token({ sub: 'erin', channels: ['chat:*'] }));
    await commandOk(socket, 'subscribe', { channel: 'chat:retry' });
    const send = () =>
      commandOk<{ id: string; offset: number }>(socket, 'chat.send', {
        room: 'retry',
        text: 'hi',
        clientId: 'c-1',
      });
    const first = await send();
    expect(await send()).toEqual(first);
    const later = await eventually(
      async () => {
        const answer = await send();
        return answer.offset !== first.offset && answer;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the clientId to expire' },
    );
    expect(later.offset).toBe(first.offset + 1);
    expect(later.id).not.toBe(first.id);
  });
});
