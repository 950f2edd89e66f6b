import { ControlApi, occupancyOf } from '../support/control.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { RawPolling, RawWebSocket } from '../support/raw-engine.js';
import { eventually } from '../support/wait.js';

/**
 * Socket.IO v5, from its specification (github.com/socketio/socket.io-protocol), spoken by
 * hand over a real connection: CONNECT to a namespace (and the CONNECT_ERROR for one that does
 * not exist), EVENT and ACK, BINARY_EVENT and BINARY_ACK with their attachments (WebSocket
 * binary frames, or `b`+base64 records over polling), DISCONNECT both ways, and the packets
 * a server must refuse by closing the connection. First the conformance app (`CONFORMANCE=1`,
 * which echoes), then the gateway itself with its authentication and commands.
 */
const PLACEHOLDER = (num: number): string => `{"_placeholder":true,"num":${num}}`;

/** An Engine.IO WebSocket session with no namespace joined yet. */
async function engineSession(gateway: RunningGateway): Promise<RawWebSocket> {
  const raw = await RawWebSocket.connect(gateway.url);
  await raw.next((frame) => frame.startsWith('0{'));
  return raw;
}

describe('Socket.IO v5 (conformance app)', () => {
  let gateway: RunningGateway;
  const open: RawWebSocket[] = [];
  beforeAll(async () => {
    gateway = await startGateway({ CONFORMANCE: '1' });
  });
  afterEach(() => open.splice(0).forEach((raw) => raw.close()));
  afterAll(() => gateway.close());

  /** Joined to `/` (pongs answered, so a test may take longer than the short ping timeout). */
  async function connected(auth = ''): Promise<RawWebSocket> {
    const raw = await engineSession(gateway);
    open.push(raw);
    raw.ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary && data.toString() === '2') raw.send('3');
    });
    raw.send(`40${auth}`);
    await raw.next((frame) => frame.startsWith('40{'));
    await raw.next((frame) => frame.startsWith('42["auth"'));
    return raw;
  }

  describe('CONNECT', () => {
    it('to /: the CONNECT answer carries only the socket sid, then the handshake auth comes back', async () => {
      const raw = await engineSession(gateway);
      open.push(raw);
      raw.send('40');
      const answer = await raw.next((frame) => frame.startsWith('40'));
      const payload = JSON.parse(answer.slice(2)) as Record<string, unknown>;
      expect(Object.keys(payload)).toEqual(['sid']);
      // The socket id is not the Engine.IO session id (the specification keeps them apart).
      expect(payload.sid).not.toBe(raw.open.sid);
      expect(await raw.next((frame) => frame.startsWith('42'))).toBe('42["auth",{}]');
    });

    it('to / and /custom with a payload, on one Engine.IO connection: each answers in its namespace', async () => {
      const raw = await engineSession(gateway);
      open.push(raw);
      raw.send('40{"token":"123"}');
      raw.send('40/custom,{"token":"abc"}');
      const main = await raw.next((frame) => frame.startsWith('40{'));
      const custom = await raw.next((frame) => frame.startsWith('40/custom,'));
      expect(JSON.parse(custom.slice('40/custom,'.length))).toEqual({ sid: expect.any(String) });
      expect(custom).not.toContain((JSON.parse(main.slice(2)) as { sid: string }).sid);
      expect(await raw.next((frame) => frame.startsWith('42["auth"'))).toBe('42["auth",{"token":"123"}]');
      expect(await raw.next((frame) => frame.startsWith('42/custom,'))).toBe(
        '42/custom,["auth",{"token":"abc"}]',
      );
    });

    it('to an unknown namespace: CONNECT_ERROR "Invalid namespace", and the connection stays usable', async () => {
      const raw = await engineSession(gateway);
      open.push(raw);
      raw.send('40/random,');
      expect(await raw.next(() => true)).toBe('44/random,{"message":"Invalid namespace"}');
      raw.send('40');
      expect(await raw.next((frame) => frame.startsWith('40'))).toMatch(/^40\{"sid":/);
    });

    it('closes a connection that joins no namespace within connectTimeout', async () => {
      const raw = await engineSession(gateway);
      const pong = (data: Buffer): void => void (data.toString() === '2' && raw.send('3'));
      raw.ws.on('message', pong);
      // Pongs answered: only the missing CONNECT can end it (1000 ms in this configuration).
      expect(typeof (await raw.closed)).toBe('number');
      expect(raw.frames.some((frame) => frame.startsWith('40'))).toBe(false);
    });
  });

  describe('EVENT and ACK', () => {
    it('delivers an event with its arguments exactly', async () => {
      const raw = await connected();
      raw.send('42["message",1,"2",{"3":[true]},null]');
      expect(await raw.next((frame) => frame.startsWith('42'))).toBe(
        '42["message-back",1,"2",{"3":[true]},null]',
      );
    });

    it('answers an event with an ack id by an ACK carrying that id', async () => {
      const raw = await connected();
      raw.send('42456["message-with-ack",1,"2",{"3":[false]}]');
      raw.send('427["message-with-ack"]');
      expect(await raw.next((frame) => frame.startsWith('43456'))).toBe('43456[1,"2",{"3":[false]}]');
      expect(await raw.next((frame) => frame.startsWith('437'))).toBe('437[]');
    });

    it('answers in the namespace the event came from', async () => {
      const raw = await connected();
      raw.send('40/custom,');
      await raw.next((frame) => frame.startsWith('42/custom,["auth"'));
      raw.send('42/custom,9["message-with-ack","x"]');
      expect(await raw.next((frame) => frame.startsWith('43/custom,'))).toBe('43/custom,9["x"]');
    });
  });

  describe('BINARY_EVENT and BINARY_ACK', () => {
    it('WebSocket: attachments follow as binary frames, placeholders in order', async () => {
      const raw = await connected();
      raw.send(`452-["message",${PLACEHOLDER(0)},{"nested":${PLACEHOLDER(1)}}]`);
      raw.send(Buffer.from([1, 2, 3]));
      raw.send(Buffer.from([4, 5, 6]));
      expect(await raw.next((frame) => frame.startsWith('45'))).toBe(
        `452-["message-back",${PLACEHOLDER(0)},{"nested":${PLACEHOLDER(1)}}]`,
      );
      await raw.next((frame) => frame === '<binary 3>');
      await raw.next((frame) => frame === '<binary 3>');
      expect(raw.binaries).toEqual([Buffer.from([1, 2, 3]), Buffer.from([4, 5, 6])]);
    });

    it('WebSocket: a BINARY_ACK carries the ack id and its attachments', async () => {
      const raw = await connected();
      raw.send(`451-789["message-with-ack",${PLACEHOLDER(0)}]`);
      raw.send(Buffer.from([0, 255]));
      expect(await raw.next((frame) => frame.startsWith('46'))).toBe(`461-789[${PLACEHOLDER(0)}]`);
      await raw.next((frame) => frame === '<binary 2>');
      expect(raw.binaries).toEqual([Buffer.from([0, 255])]);
    });

    it('polling: attachments as base64 records (b prefix) in the same payload', async () => {
      const session = await RawPolling.open(gateway.url);
      await session.post('40');
      const frames: string[] = [];
      const until = async (done: () => boolean): Promise<void> => {
        while (!done()) frames.push(...(await session.poll()).frames.filter((frame) => frame !== '2'));
      };
      await until(() => frames.some((frame) => frame.startsWith('42["auth"')));
      await session.post(
        `451-["message",${PLACEHOLDER(0)}]`,
        `b${Buffer.from([7, 8, 9]).toString('base64')}`,
      );
      await until(() => frames.some((frame) => frame.startsWith('bBwgJ')));
      expect(frames.slice(-2)).toEqual([`451-["message-back",${PLACEHOLDER(0)}]`, 'bBwgJ']);
      await session.post('1');
    });
  });

  describe('DISCONNECT', () => {
    it('leaving / keeps the Engine.IO connection (the heartbeat goes on)', async () => {
      const raw = await engineSession(gateway);
      open.push(raw);
      raw.send('40');
      await raw.next((frame) => frame.startsWith('42["auth"'));
      raw.send('41');
      // The Engine.IO session outlives the namespace: its ping still comes, and / can be joined again.
      expect(await raw.next((frame) => frame === '2')).toBe('2');
      raw.send('3');
      raw.send('40');
      expect(await raw.next((frame) => frame.startsWith('40'))).toMatch(/^40\{"sid":/);
    });

    it('leaving /custom leaves / served', async () => {
      const raw = await connected();
      raw.send('40/custom,');
      await raw.next((frame) => frame.startsWith('42/custom,["auth"'));
      raw.send('41/custom,');
      raw.send('42["message","to main"]');
      expect(await raw.next((frame) => frame.startsWith('42["message-back"'))).toBe(
        '42["message-back","to main"]',
      );
    });
  });

  describe('packets that close the connection', () => {
    it.each([
      ['an unknown packet type', '4abc'],
      ['an EVENT whose payload is not an array', '42{}'],
      ['an invalid ack id', '42abc["message-with-ack",1]'],
      ['an EVENT for a namespace not joined', '42/custom,["message",1]'],
      ['a second CONNECT to a joined namespace', '40'],
    ])('%s', async (_, frame) => {
      const raw = await connected();
      raw.send(frame);
      expect(typeof (await raw.closed)).toBe('number');
      expect(raw.frames.some((received) => received.startsWith('42["message-back"'))).toBe(false);
    });
  });
});

describe('Socket.IO v5 (the gateway)', () => {
  let gateway: RunningGateway;
  const open: RawWebSocket[] = [];
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterEach(() => open.splice(0).forEach((raw) => raw.close()));
  afterAll(() => gateway.close());

  async function joined(sub: string): Promise<RawWebSocket> {
    const raw = await RawWebSocket.handshake(gateway.url, { token: gateway.token({ sub }) });
    open.push(raw);
    return raw;
  }

  it('refuses a CONNECT without a token by CONNECT_ERROR, then accepts one with a token on the same connection', async () => {
    const raw = await engineSession(gateway);
    open.push(raw);
    raw.send('40');
    const refusal = await raw.next((frame) => frame.startsWith('44'));
    expect(JSON.parse(refusal.slice(2))).toEqual({
      message: 'UNAUTHORIZED',
      data: { code: 'UNAUTHORIZED', reason: expect.any(String) },
    });
    raw.send(`40${JSON.stringify({ token: gateway.token({ sub: 'proto-late' }) })}`);
    const answer = await raw.next((frame) => frame.startsWith('40'));
    expect(Object.keys(JSON.parse(answer.slice(2)) as object)).toEqual(['sid']);
  });

  it('has no namespace but /: CONNECT_ERROR "Invalid namespace", / still served', async () => {
    const raw = await joined('proto-nsp');
    raw.send('40/custom,');
    expect(await raw.next((frame) => frame.startsWith('44'))).toBe(
      '44/custom,{"message":"Invalid namespace"}',
    );
    expect(await raw.command(1, 'subscribe', { channel: 'public:proto' })).toMatchObject({ ok: true });
  });

  it('answers a command through the ACK of its id, and a failure without one as an exception event', async () => {
    const raw = await joined('proto-ack');
    raw.send('4277["subscribe",{"channel":"public:proto"}]');
    const ack = await raw.next((frame) => frame.startsWith('4377'));
    expect(JSON.parse(ack.slice(4))).toEqual([
      { ok: true, data: { channel: 'public:proto', offset: 0, epoch: expect.any(String) } },
    ]);
    raw.send('42["subscribe",{"channel":"nope:proto"}]');
    const exception = await raw.next((frame) => frame.startsWith('42["exception"'));
    expect(JSON.parse(exception.slice(2))).toEqual([
      'exception',
      { code: 'NOT_FOUND', message: expect.any(String), event: 'subscribe' },
    ]);
  });

  it('refuses binary attachments in a command as BAD_REQUEST, keeping the connection', async () => {
    const raw = await joined('proto-binary');
    raw.send(`451-5["subscribe",{"channel":${PLACEHOLDER(0)}}]`);
    raw.send(Buffer.from('public:proto'));
    raw.send(`451-6["subscribe",${PLACEHOLDER(0)}]`);
    raw.send(Buffer.from([1, 2, 3]));
    for (const id of [5, 6]) {
      const ack = await raw.next((frame) => frame.startsWith(`43${id}`));
      const [answer] = JSON.parse(ack.slice(3)) as [{ ok: boolean; error: { code: string } }];
      expect(answer).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect(await raw.command(7, 'subscribe', { channel: 'public:proto' })).toMatchObject({ ok: true });
  });

  it('a server disconnect reaches the client as DISCONNECT', async () => {
    const raw = await joined('proto-bye');
    await new ControlApi(gateway).disconnect('proto-bye', { reconnect: false });
    expect(await raw.next((frame) => frame.startsWith('42["session.terminated"'))).toBeTruthy();
    expect(await raw.next((frame) => frame.startsWith('41'))).toBe('41');
  });

  it('a client DISCONNECT ends the socket: a command right behind it is not run, nor answered', async () => {
    const control = new ControlApi(gateway);
    const leaving = await joined('proto-leave');
    expect(await occupancyOf(control, 'user:proto-leave')).toEqual({ subscribers: 1, users: 1 });
    // Both frames usually arrive in one read; Socket.IO then hands the command to the socket a
    // tick after it left.
    leaving.send('41');
    leaving.send('421["subscribe",{"channel":"public:proto-left"}]');
    // The disconnect's cleanup has run once the personal channel is empty; the command, queued
    // behind the DISCONNECT, has been handed over by then.
    await eventually(async () => (await occupancyOf(control, 'user:proto-leave')).subscribers === 0, {
      what: 'the socket to leave',
    });
    expect(await occupancyOf(control, 'public:proto-left')).toEqual({ subscribers: 0, users: 0 });
    expect(leaving.frames.slice(2)).toEqual([]);
  });
});
