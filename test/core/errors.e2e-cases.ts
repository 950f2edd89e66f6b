import { startGateway, type RunningGateway } from '../support/gateway.js';
import { SocketPool } from '../support/socket-pool.js';
import { type AckResponse, type ClientSocket, command, commandOk, waitForEvent } from '../support/socket.js';

type Case = [command: string, payload: unknown, fields: string[]];

/** Every command with wrong types, missing fields and extra fields; `fields` must be named. */
const INVALID: Case[] = [
  ['subscribe', { channel: 5 }, ['channel']],
  ['subscribe', {}, ['channel']],
  ['subscribe', { channel: 'public:e', extra: 1 }, ['extra']],
  ['subscribe', { channel: 'public:e', since: 'top' }, ['since']],
  ['subscribe', { channel: 'public:e', since: {} }, ['since.offset', 'since.epoch']],
  ['subscribe', { channel: 'public:e', since: { offset: '3', epoch: 7 } }, ['since.offset', 'since.epoch']],
  ['subscribe', { channel: 'public:e', since: { offset: -1, epoch: 'e' } }, ['since.offset']],
  ['subscribe', { channel: 'public:e', since: { offset: 1.5, epoch: '' } }, ['since.offset', 'since.epoch']],
  ['subscribe', { channel: 'public:e', since: { offset: 0, epoch: 'e', x: 1 } }, ['since.x']],
  ['unsubscribe', { channel: ['public:e'] }, ['channel']],
  ['unsubscribe', {}, ['channel']],
  ['unsubscribe', { channel: 'public:e', extra: true }, ['extra']],
  ['presence', { channel: null }, ['channel']],
  ['presence', {}, ['channel']],
  ['presence', { channel: 'chat:e', extra: 'x' }, ['extra']],
  ['auth.refresh', { token: 42 }, ['token']],
  ['auth.refresh', {}, ['token']],
  ['auth.refresh', { token: 'a.b.c', extra: 1 }, ['extra']],
  ['chat.send', { room: 5, text: 'hi' }, ['room']],
  ['chat.send', { room: 'e', text: 5 }, ['text']],
  ['chat.send', { room: 'e', text: 'hi', clientId: 5 }, ['clientId']],
  ['chat.send', { room: 'e', text: 'hi', clientId: '' }, ['clientId']],
  ['chat.send', {}, ['room', 'text']],
  ['chat.send', { room: 'e' }, ['text']],
  ['chat.send', { room: 'e', text: 'hi', extra: 1 }, ['extra']],
  ['chat.typing', { room: {} }, ['room']],
  ['chat.typing', {}, ['room']],
  ['chat.typing', { room: 'e', extra: 1 }, ['extra']],
];
const COMMANDS = ['subscribe', 'unsubscribe', 'presence', 'auth.refresh', 'chat.send', 'chat.typing'];
const NOT_OBJECTS: [string, unknown][] = [
  ['a string', 'public:e'],
  ['a number', 42],
  ['null', null],
  ['an array', [{ channel: 'public:e' }]],
];

function expectError(answer: AckResponse, code: string): void {
  expect(answer).toEqual({
    ok: false,
    error: { code, message: expect.any(String), details: expect.any(Array) },
  });
  if (!answer.ok) expect(answer.error.message.length).toBeGreaterThan(0);
}

describe('the error envelope (single instance)', () => {
  let gateway: RunningGateway;
  let socket: ClientSocket;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    // This file sends many commands from one socket; the rate limit has its own file.
    gateway = await startGateway({ RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000' });
    socket = await pool.connect(gateway.token({ sub: 'err', channels: ['chat:*'] }));
  });
  afterAll(async () => {
    // No error ever disconnects: the same socket answered every case above.
    expect(socket.connected).toBe(true);
    expect(await commandOk(socket, 'subscribe', { channel: 'public:still-here' })).toMatchObject({
      offset: 0,
    });
    pool.closeAll();
    await gateway.close();
  });

  it.each(INVALID)('%s %j → BAD_REQUEST naming %j', async (name, payload, fields) => {
    const answer = await command(socket, name, payload);
    expectError(answer, 'BAD_REQUEST');
    if (answer.ok) return;
    expect(answer.error.details.map((detail) => detail.field).sort()).toEqual([...fields].sort());
    for (const detail of answer.error.details) {
      expect(detail.messages.length).toBeGreaterThan(0);
      detail.messages.forEach((message) => expect(typeof message).toBe('string'));
    }
  });

  it.each(COMMANDS.flatMap((name) => NOT_OBJECTS.map(([what, payload]) => [name, what, payload] as const)))(
    '%s with %s as payload → BAD_REQUEST',
    async (name, _what, payload) => {
      expectError(await command(socket, name, payload), 'BAD_REQUEST');
    },
  );

  it.each(COMMANDS)('%s without any payload → BAD_REQUEST', async (name) => {
    const answer = (await socket.timeout(5000).emitWithAck(name)) as AckResponse;
    expectError(answer, 'BAD_REQUEST');
  });

  it('answers an unknown command with NOT_FOUND', async () => {
    expectError(await command(socket, 'chat.delete', { room: 'e' }), 'NOT_FOUND');
    expectError(await command(socket, 'publish', { channel: 'public:e', event: 'x', data: 1 }), 'NOT_FOUND');
  });

  it.each([
    ['an unknown command', 'no.such.command', { a: 1 }, 'NOT_FOUND'],
    ['a forbidden subscribe', 'subscribe', { channel: 'user:someone-else' }, 'FORBIDDEN'],
    ['an invalid payload', 'chat.send', { room: 'e' }, 'BAD_REQUEST'],
    ['an unknown namespace', 'subscribe', { channel: 'nope:x' }, 'NOT_FOUND'],
  ])('reports %s sent without ack as an exception event', async (_what, name, payload, code) => {
    const reported = waitForEvent(socket, 'exception', { filter: (p) => p['event'] === name });
    socket.emit(name, payload);
    expect(await reported).toEqual({ code, message: expect.any(String), event: name });
  });

  it('is still connected after every error above: no error disconnects', async () => {
    expect(socket.connected).toBe(true);
    expect(await commandOk(socket, 'subscribe', { channel: 'public:still-here' })).toMatchObject({
      offset: 0,
    });
  });
});
