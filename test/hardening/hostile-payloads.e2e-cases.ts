import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { serviceToken } from '../support/publisher.js';
import { RawPolling, RawWebSocket } from '../support/raw-engine.js';
import { SocketPool } from '../support/socket-pool.js';
import { type ClientSocket, command, commandOk, waitForEvent } from '../support/socket.js';

/**
 * Hostile payloads of issue 9 not covered elsewhere: 10,000-level nesting on REST (the socket
 * side is test/core/command-names.e2e-spec.ts), million-element arrays, binary attachments
 * in commands, and invalid UTF-8 on every way in. Wrong types and extra fields of every
 * command and REST body are test/core/errors.e2e-spec.ts and test/core/rest-publish.e2e-spec.ts.
 * After each case a bystander is served.
 */
const MILLION = 1_000_000;
const nestedJson = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

describe('hostile payloads', () => {
  let gateway: RunningGateway;
  let bystander: ClientSocket;
  let attacker: ClientSocket;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway({ RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000' });
    bystander = await pool.connect(gateway.token({ sub: 'bystander' }));
    attacker = await pool.connect(gateway.token({ sub: 'attacker', channels: ['chat:*'] }));
  });
  afterEach(async () => {
    expect(await commandOk(bystander, 'subscribe', { channel: 'public:still-served' })).toMatchObject({
      channel: 'public:still-served',
    });
  });
  afterAll(async () => {
    pool.closeAll();
    await gateway.close();
  });

  const publishRaw = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}/api/v1/publish`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${serviceToken(gateway)}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });

  describe('nesting (REST)', () => {
    it.each([
      [
        'publish data',
        '/api/v1/publish',
        (deep: string) => `{"channel":"public:n","event":"e","data":${deep}}`,
      ],
      [
        'notification data',
        '/api/v1/notifications',
        (deep: string) => `{"userId":"u","title":"t","data":${deep}}`,
      ],
      [
        'batch item data',
        '/api/v1/publish/batch',
        (deep: string) => `{"publications":[{"channel":"public:n","event":"e","data":${deep}}]}`,
      ],
    ])('%s nested 10,000 levels: 400 before any recursive work, not a 500', async (_name, path, body) => {
      const response = await request(gateway.url, 'POST', path, {
        token: serviceToken(gateway),
        body: body(nestedJson(10_000)),
      });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ message: ['body nested deeper than 32 levels'] });
    });

    it('counts the body as level 1: data 31 levels deep is published, 32 refused', async () => {
      const body = (levels: number): string =>
        `{"channel":"public:n","event":"e","data":${nestedJson(levels)}}`;
      expect((await publishRaw(body(31))).status).toBe(201);
      expect((await publishRaw(body(32))).status).toBe(400);
    });
  });

  describe('million-element arrays', () => {
    it('REST: a body of a million elements is over MAX_PAYLOAD_BYTES: 413', async () => {
      const data = `[${new Array<string>(MILLION).fill('0').join(',')}]`;
      const response = await publishRaw(`{"channel":"public:m","event":"e","data":${data}}`);
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ statusCode: 413 });
    });

    it('socket: such a packet closes the connection that sent it (over MAX_PAYLOAD_BYTES), nobody else', async () => {
      const raw = await RawWebSocket.handshake(gateway.url, { token: gateway.token({ sub: 'attacker' }) });
      raw.send(
        `421["subscribe",{"channel":"public:m","list":[${new Array<string>(MILLION).fill('0').join(',')}]}]`,
      );
      expect(await raw.closed).toBe(1009);
    });
  });

  describe('binary attachments in commands', () => {
    it.each([
      ['as the channel', { channel: Buffer.from('public:bin') }, ['channel']],
      [
        'as a since offset',
        { channel: 'public:bin', since: { offset: Buffer.from([1]), epoch: 'e' } },
        ['since.offset'],
      ],
      ['as an extra field', { channel: 'public:bin', blob: new Uint8Array(1024) }, ['blob']],
    ])('subscribe with a binary %s: BAD_REQUEST naming the field', async (_what, payload, fields) => {
      const answer = await command(attacker, 'subscribe', payload);
      expect(answer).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      if (!answer.ok) expect(answer.error.details.map((detail) => detail.field)).toEqual(fields);
    });

    it('a binary payload, or chat text as bytes: BAD_REQUEST, and nothing is published', async () => {
      await commandOk(attacker, 'subscribe', { channel: 'chat:bin' });
      expect(await command(attacker, 'subscribe', Buffer.from('{"channel":"public:bin"}'))).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
      expect(await command(attacker, 'chat.send', { room: 'bin', text: Buffer.from('hi') })).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST', details: [expect.objectContaining({ field: 'text' })] },
      });
      const top = await request<{ offset: number }>(gateway.url, 'GET', '/api/v1/channels/chat:bin/history', {
        token: serviceToken(gateway),
      });
      expect(top.body.offset).toBe(0);
    });
  });

  describe('invalid UTF-8', () => {
    it('REST: invalid bytes in a JSON string are decoded as U+FFFD and delivered so', async () => {
      await commandOk(bystander, 'subscribe', { channel: 'public:utf' });
      const live = waitForEvent(bystander, 'utf.event');
      const body = Buffer.concat([
        Buffer.from('{"channel":"public:utf","event":"utf.event","data":"a'),
        Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
        Buffer.from('b"}'),
      ]);
      expect((await publishRaw(body)).status).toBe(201);
      const data = (await live)['data'] as string;
      expect(data.startsWith('a\uFFFD')).toBe(true);
      expect(data.endsWith('b')).toBe(true);
      expect(data).toMatch(/^a[\uFFFD(]+b$/);
    });

    it('REST: invalid bytes in a channel name are a 400, a body that is not JSON text a 400', async () => {
      const badChannel = Buffer.concat([
        Buffer.from('{"channel":"public:'),
        Buffer.from([0xfe]),
        Buffer.from('","event":"e"}'),
      ]);
      expect((await publishRaw(badChannel)).status).toBe(400);
      expect((await publishRaw(Buffer.from([0xff, 0xfe, 0x00, 0x7b]))).status).toBe(400);
      expect(
        (await publishRaw(Buffer.from([0x80, 0x81]), { 'content-type': 'application/octet-stream' })).status,
      ).toBe(400);
    });

    it('REST: lone surrogates written as JSON escapes stay as sent', async () => {
      const live = waitForEvent(bystander, 'utf.surrogate');
      const published = await publishRaw(
        '{"channel":"public:utf","event":"utf.surrogate","data":"\\ud800x\\udfff"}',
      );
      expect(published.status).toBe(201);
      expect((await live)['data']).toBe('\ud800x\udfff');
    });

    it('WebSocket: a text frame that is not UTF-8 closes that connection with 1007', async () => {
      const raw = await RawWebSocket.handshake(gateway.url, { token: gateway.token({ sub: 'attacker' }) });
      const frame = Buffer.concat([
        Buffer.from('42["subscribe",{"channel":"public:'),
        Buffer.from([0xff]),
        Buffer.from('"}]'),
      ]);
      raw.ws.send(frame, { binary: false });
      expect(await raw.closed).toBe(1007);
    });

    it('polling: invalid bytes in a POST are decoded as U+FFFD; the command is refused, the session lives', async () => {
      const session = await RawPolling.open(gateway.url);
      await session.post(`40${JSON.stringify({ token: gateway.token({ sub: 'attacker' }) })}`);
      expect((await session.poll()).frames[0]).toMatch(/^40\{"sid"/);
      const response = await fetch(`${gateway.url}/socket.io/?EIO=4&transport=polling&sid=${session.sid}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body: Uint8Array.from(
          Buffer.concat([
            Buffer.from('421["subscribe",{"channel":"public:'),
            Buffer.from([0xff]),
            Buffer.from('"}]'),
          ]),
        ),
      });
      expect(response.status).toBe(200);
      const answer = (await session.poll()).frames.find((frame) => frame.startsWith('431'));
      expect(JSON.parse(answer!.slice(3))).toEqual([
        { ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST' }) },
      ]);
      await session.post('422["subscribe",{"channel":"public:utf-ok"}]');
      const second = (await session.poll()).frames.find((frame) => frame.startsWith('432'));
      expect(second).toMatch(/^432\[\{"ok":true/);
    });
  });
});

/**
 * What these cases assert is the outcome (published whole, refused precisely), never how long
 * it took: a million elements go through the REST body parser, validation and the Socket.IO
 * encoder on both sides, several seconds of CPU under Jest on an idle machine and several
 * times that with the machine busy. So they get a minute and a half each; how fast a large
 * publication travels is measured by `npm run bench`.
 */
const HEAVY_MS = 90_000;

describe('million-element arrays under a raised MAX_PAYLOAD_BYTES (4 MiB)', () => {
  let gateway: RunningGateway;
  let socket: ClientSocket;
  let bystander: ClientSocket;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway({
      MAX_PAYLOAD_BYTES: String(4 * 1024 * 1024),
      MAX_BUFFERED_BYTES: String(16 * 1024 * 1024),
    });
    socket = await pool.connect(gateway.token({ sub: 'big' }));
    bystander = await pool.connect(gateway.token({ sub: 'bystander' }));
  });
  afterAll(async () => {
    pool.closeAll();
    await gateway.close();
  });

  it(
    'REST: data of a million elements is published and delivered whole',
    async () => {
      await commandOk(socket, 'subscribe', { channel: 'public:million' });
      const live = waitForEvent(socket, 'million.event', { timeoutMs: HEAVY_MS });
      const data = `[${new Array<string>(MILLION).fill('7').join(',')}]`;
      const response = await fetch(`${gateway.url}/api/v1/publish`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serviceToken(gateway)}`, 'content-type': 'application/json' },
        body: `{"channel":"public:million","event":"million.event","data":${data}}`,
      });
      expect(response.status).toBe(201);
      const delivered = (await live)['data'] as number[];
      expect(delivered).toHaveLength(MILLION);
      expect(delivered.every((value) => value === 7)).toBe(true);
    },
    HEAVY_MS + 10_000,
  );

  it(
    'socket: a command with a million-element field is BAD_REQUEST; the connection and others carry on',
    async () => {
      const answer = await command(
        socket,
        'subscribe',
        { channel: 'public:x', list: new Array<number>(MILLION).fill(0) },
        HEAVY_MS,
      );
      expect(answer).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST', details: [{ field: 'list' }] },
      });
      expect(await commandOk(socket, 'subscribe', { channel: 'public:after' })).toMatchObject({ offset: 0 });
      expect(await commandOk(bystander, 'subscribe', { channel: 'public:after' })).toMatchObject({
        offset: 0,
      });
    },
    HEAVY_MS + 10_000,
  );
});
