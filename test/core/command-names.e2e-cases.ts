import { startGateway, type RunningGateway } from '../support/gateway.js';
import { publish } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { type ClientSocket, command, commandOk, waitForEvent } from '../support/socket.js';

/**
 * Sends a raw Socket.IO EVENT packet with an ack id, as a hostile client would (the stock
 * client refuses reserved names), and resolves with the server's ACK payload.
 */
function rawCommand(socket: ClientSocket, packet: string, ackId: number): Promise<unknown> {
  const engine = socket.io.engine;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${packet}`)), 5000);
    const onPacket = ({ type, data }: { type: string; data?: unknown }): void => {
      if (type !== 'message' || typeof data !== 'string' || !data.startsWith(`3${ackId}[`)) return;
      clearTimeout(timer);
      engine.off('packet', onPacket);
      resolve((JSON.parse(data.slice(String(ackId).length + 1)) as unknown[])[0]);
    };
    engine.on('packet', onPacket);
    engine.write(packet);
  });
}

/** JSON nested `levels` deep: sent raw, since the stock client's binary check recurses. */
const nestedJson = (levels: number): string => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const nested = (levels: number): unknown => JSON.parse(nestedJson(levels));
const DEEP = `["subscribe",${nestedJson(10_000)}]`;

describe('what is not a command, and payloads too deep to validate', () => {
  let gateway: RunningGateway;
  let socket: ClientSocket;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway({ RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000' });
    socket = await pool.connect(gateway.token({ sub: 'names', channels: ['chat:*'] }));
  });
  afterAll(async () => {
    pool.closeAll();
    await gateway.close();
  });

  it('answers a command named "error" with NOT_FOUND (Socket.IO listens to that name itself)', async () => {
    expect(await command(socket, 'error', { channel: 'public:x' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'unknown command "error"', details: [] },
    });
  });

  it('reports "error" sent without an ack as an exception event', async () => {
    const reported = waitForEvent(socket, 'exception', { filter: (p) => p['event'] === 'error' });
    socket.emit('error', {});
    expect(await reported).toEqual({ code: 'NOT_FOUND', message: expect.any(String), event: 'error' });
  });

  // Socket.IO's reserved names (disconnect, connect, …) never get this far: its parser refuses
  // the packet and closes the connection, which the contract allows.
  it.each(['__proto__', 'toString', 'hasOwnProperty', 'constructor'])(
    'answers a raw "%s" packet with NOT_FOUND and keeps the connection and its subscriptions',
    async (name) => {
      const channel = `public:names-${name.replace(/[^a-z]/gi, '')}`;
      await commandOk(socket, 'subscribe', { channel });
      const answer = await rawCommand(socket, `27${JSON.stringify([name, {}])}`, 7);
      expect(answer).toEqual({
        ok: false,
        error: { code: 'NOT_FOUND', message: expect.any(String), details: [] },
      });
      // Nothing was looked up on a prototype: the connection and its subscription are intact.
      const delivered = waitForEvent(socket, 'names.check', { filter: (p) => p['channel'] === channel });
      await publish(gateway, channel, 'names.check', name);
      await delivered;
      expect(socket.connected).toBe(true);
    },
  );

  it('answers a payload nested 10,000 levels deep with BAD_REQUEST, before validation', async () => {
    const answer = await rawCommand(socket, `28${DEEP}`, 8);
    expect(answer).toEqual({
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: 'payload nested deeper than 32 levels',
        details: [{ field: '', messages: ['payload nested deeper than 32 levels'] }],
      },
    });
  });

  it('validates a payload of exactly 32 levels as usual', async () => {
    const answer = await command(socket, 'chat.send', { room: 'deep', text: 'hi', clientId: nested(31) });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', details: [{ field: 'clientId' }] },
    });
  });

  it('keeps serving another client while one sends deep payloads', async () => {
    const other = await pool.connect(gateway.token({ sub: 'bystander' }));
    const flood = Array.from({ length: 40 }, (_, i) => rawCommand(socket, `2${100 + i}${DEEP}`, 100 + i));
    expect(await commandOk(other, 'subscribe', { channel: 'public:bystander' })).toMatchObject({ offset: 0 });
    for (const answer of await Promise.all(flood))
      expect(answer).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(socket.connected).toBe(true);
  });
});
