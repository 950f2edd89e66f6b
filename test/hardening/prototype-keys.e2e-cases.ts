import { createHmac } from 'node:crypto';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../redis/support/redis-keyspace.js';
import { Redis } from 'ioredis';
import { startGateway, TEST_SECRET, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { serviceToken } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { type ClientSocket, command, commandOk, connect, waitForEvent } from '../support/socket.js';

/**
 * `__proto__`, `constructor` and `prototype` keys (issue 9, hostile payloads). `JSON.parse`
 * makes them ordinary own keys; the danger is code that later merges or assigns them. The
 * contract decides per place:
 * - REST `data` is "any JSON value": such keys are data, delivered and stored exactly as sent;
 * - a REST envelope and a command have fixed fields: such a key is an unknown field (400 /
 *   `BAD_REQUEST`), as any other would be, never silently dropped.
 * Either way nothing is polluted: the prototypes of both realms (the test's and Node's own)
 * keep their properties, and the keys that would grant rights if they ever reached
 * `Object.prototype` (`roles`, `channels`) grant nothing, on REST and on the socket.
 */
const HOSTILE_JSON =
  '{"__proto__":{"polluted":"yes","roles":["service","admin"],"channels":["chat:*"]},' +
  '"constructor":{"prototype":{"polluted2":"yes","roles":["admin"]}},"prototype":{"polluted3":"yes"},' +
  '"nested":[{"__proto__":{"polluted4":"yes"}}],"plain":1}';

/** The prototypes an attack would aim at, in this realm and in Node's own (Buffer's JSON is built there). */
const PROTOTYPES: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['Object.prototype (Node realm)', Object.getPrototypeOf(Buffer.from('x').toJSON()) as object],
  ['Array.prototype (Node realm)', Object.getPrototypeOf(Buffer.from('x').toJSON().data) as object],
];
const snapshot = (): Record<string, string[]> =>
  Object.fromEntries(PROTOTYPES.map(([name, proto]) => [name, Reflect.ownKeys(proto).map(String).sort()]));

/** A token whose payload is the JSON text given, signed with the test secret (claims no library would write). */
function rawToken(payload: string): string {
  const part = (text: string): string => Buffer.from(text).toString('base64url');
  const unsigned = `${part('{"alg":"HS256","typ":"JWT"}')}.${part(payload)}`;
  return `${unsigned}.${createHmac('sha256', TEST_SECRET).update(unsigned).digest('base64url')}`;
}
const exp = (): number => Math.floor(Date.now() / 1000) + 600;

const before = snapshot();

describe.each([
  ['memory', false],
  ['Redis', true],
])('prototype keys (%s)', (_mode, withRedis) => {
  let gateway: RunningGateway;
  let socket: ClientSocket;
  const prefix = uniquePrefix('proto');
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway(withRedis ? { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix } : {});
    socket = await pool.connect(gateway.token({ sub: 'proto-reader', channels: ['chat:*'] }));
  });
  afterAll(async () => {
    pool.closeAll();
    await gateway.close();
    if (!withRedis) return;
    const redis = new Redis(testRedisUrl());
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  const rest = (path: string, body: string, token = serviceToken(gateway)) =>
    request(gateway.url, 'POST', path, { token, body });

  it('REST publish: data keeps them as data, live and in history, byte for byte', async () => {
    await commandOk(socket, 'subscribe', { channel: 'public:proto' });
    const live = waitForEvent(socket, 'proto.event');
    const published = await rest(
      '/api/v1/publish',
      `{"channel":"public:proto","event":"proto.event","data":${HOSTILE_JSON}}`,
    );
    expect(published.status).toBe(201);
    const delivered = (await live)['data'] as object;
    expect(JSON.stringify(delivered)).toBe(HOSTILE_JSON);
    expect(Object.keys(delivered)).toEqual(['__proto__', 'constructor', 'prototype', 'nested', 'plain']);
    // The client's JSON.parse made own keys as well: its prototype is still Object's.
    expect(Object.getPrototypeOf(delivered)).toBe(Object.prototype);

    const history = await request<{ publications: { data: unknown }[] }>(
      gateway.url,
      'GET',
      '/api/v1/channels/public:proto/history',
      { token: serviceToken(gateway) },
    );
    expect(JSON.stringify(history.body.publications.at(-1)?.data)).toBe(HOSTILE_JSON);
  });

  it('REST notifications and batch: data keeps them too', async () => {
    const notified = await rest(
      '/api/v1/notifications',
      `{"userId":"proto-reader","title":"t","data":${HOSTILE_JSON}}`,
    );
    expect(notified.status).toBe(201);
    const batch = await request<{ results: unknown[] }>(gateway.url, 'POST', '/api/v1/publish/batch', {
      token: serviceToken(gateway),
      body: `{"publications":[{"channel":"public:proto","event":"proto.batch","data":${HOSTILE_JSON}}]}`,
    });
    expect(batch.status).toBe(200);
    expect(batch.body.results[0]).toMatchObject({ channel: 'public:proto', offset: expect.any(Number) });
    const history = await request<{ publications: { event: string; data: unknown }[] }>(
      gateway.url,
      'GET',
      '/api/v1/channels/public:proto/history',
      { token: serviceToken(gateway) },
    );
    expect(JSON.stringify(history.body.publications.at(-1)?.data)).toBe(HOSTILE_JSON);
    const personal = await request<{ publications: { data: { data: unknown } }[] }>(
      gateway.url,
      'GET',
      '/api/v1/channels/user:proto-reader/history',
      { token: serviceToken(gateway) },
    );
    expect(JSON.stringify(personal.body.publications.at(-1)?.data.data)).toBe(HOSTILE_JSON);
  });

  it.each([
    [
      'publish',
      '/api/v1/publish',
      '{"channel":"public:proto","event":"e","data":1,"__proto__":{"x":1}}',
      '__proto__',
    ],
    [
      'publish',
      '/api/v1/publish',
      '{"channel":"public:proto","event":"e","constructor":{"prototype":{}}}',
      'constructor',
    ],
    ['notifications', '/api/v1/notifications', '{"userId":"u","title":"t","prototype":1}', 'prototype'],
    ['chat messages', '/api/v1/chat/rooms/r/messages', '{"text":"hi","__proto__":{"text":"x"}}', '__proto__'],
  ])('REST %s: such a key in the envelope is an unknown field (400)', async (_name, path, body, key) => {
    const response = await rest(path, body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, message: [`property ${key} should not exist`] });
  });

  it('REST batch: such a key in an item fails that item alone', async () => {
    const response = await request<{ results: unknown[] }>(gateway.url, 'POST', '/api/v1/publish/batch', {
      token: serviceToken(gateway),
      body: '{"publications":[{"channel":"public:proto","event":"e","__proto__":{}},{"channel":"public:proto","event":"e","data":1}]}',
    });
    expect(response.status).toBe(200);
    expect(response.body.results).toEqual([
      {
        channel: 'public:proto',
        error: { statusCode: 400, message: ['property __proto__ should not exist'] },
      },
      expect.objectContaining({ channel: 'public:proto', offset: expect.any(Number) }),
    ]);
  });

  it.each([
    ['subscribe', '{"channel":"public:proto","__proto__":{"channel":"user:victim"}}', ['__proto__']],
    [
      'subscribe',
      '{"channel":"public:proto","since":{"offset":0,"epoch":"e","constructor":{}}}',
      ['since.constructor'],
    ],
    ['chat.send', '{"room":"r","text":"hi","prototype":{},"constructor":1}', ['constructor', 'prototype']],
    ['presence', '{"channel":"chat:r","__proto__":null}', ['__proto__']],
  ])('socket %s with such a key: BAD_REQUEST naming it, never run', async (name, payload, fields) => {
    const answer = await command(socket, name, JSON.parse(payload) as unknown);
    expect(answer).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    if (answer.ok) return;
    expect(answer.error.details.map((detail) => detail.field).sort()).toEqual(fields);
    for (const { field, messages } of answer.error.details) {
      expect(messages).toEqual([`property ${field.split('.').at(-1)} should not exist`]);
    }
  });

  it('a handshake auth object with such keys connects as its token says, no more', async () => {
    const auth = JSON.parse(
      `{"token":"${gateway.token({ sub: 'proto-auth' })}","__proto__":{"roles":["admin"]}}`,
    );
    const client = await pool.connect(undefined, { auth: auth as Record<string, unknown> });
    expect(await command(client, 'subscribe', { channel: 'user:someone-else' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('a token whose claims carry such keys gets no role and no channel from them', async () => {
    const payloads = [
      `{"sub":"mallory","exp":${exp()},"__proto__":{"roles":["service","admin"],"channels":["chat:*"]}}`,
      `{"sub":"mallory","exp":${exp()},"constructor":{"prototype":{"roles":["service","admin"]}}}`,
    ];
    for (const payload of payloads) {
      const token = rawToken(payload);
      const published = await request(gateway.url, 'POST', '/api/v1/publish', {
        token,
        body: { channel: 'public:proto', event: 'e', data: null },
      });
      expect(published.status).toBe(403);
      const client = await pool.connect(token);
      for (const channel of ['chat:secret', 'user:someone-else']) {
        expect(await command(client, 'subscribe', { channel })).toMatchObject({
          ok: false,
          error: { code: 'FORBIDDEN' },
        });
      }
      client.close();
    }
  });

  it('after all of it: a plain token still has no role, and no prototype gained a property', async () => {
    const token = gateway.token({ sub: 'proto-plain' });
    const published = await request(gateway.url, 'POST', '/api/v1/publish', {
      token,
      body: { channel: 'public:proto', event: 'e', data: null },
    });
    expect(published.status).toBe(403);
    const plain = await connect(gateway.url, token);
    expect(await command(plain, 'subscribe', { channel: 'chat:secret' })).toMatchObject({ ok: false });
    plain.close();
    expect(snapshot()).toEqual(before);
    const probe: Record<string, unknown> = {};
    for (const key of ['polluted', 'polluted2', 'polluted3', 'polluted4', 'roles', 'channels']) {
      expect(probe[key]).toBeUndefined();
    }
  });
});
