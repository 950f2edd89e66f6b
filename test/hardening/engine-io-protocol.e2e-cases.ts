import { startGateway, type RunningGateway } from '../support/gateway.js';
import { ENGINE_PATH, type OpenPacket, RawPolling, RawWebSocket } from '../support/raw-engine.js';

/**
 * Engine.IO v4, from its specification (github.com/socketio/engine.io-protocol), against the
 * real gateway: the handshake's fields, the heartbeat (the server pings every `pingInterval`
 * and closes a session whose pong does not come within `pingTimeout`), the upgrade from
 * polling to WebSocket with its probe, and close. The conformance app (`CONFORMANCE=1`) runs
 * the short timings of the official suite; the gateway itself is checked for its own fields.
 */
const CONFORMANCE = { pingInterval: 300, pingTimeout: 200, maxPayload: 1_000_000 };
const HANDSHAKE_KEYS = ['maxPayload', 'pingInterval', 'pingTimeout', 'sid', 'upgrades'];

function parseOpen(frame: string): OpenPacket {
  expect(frame[0]).toBe('0');
  return JSON.parse(frame.slice(1)) as OpenPacket;
}

async function get(url: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000), ...init });
  return { status: response.status, body: await response.text() };
}

describe('Engine.IO v4 (conformance app)', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({ CONFORMANCE: '1' });
  });
  afterAll(() => gateway.close());

  describe('handshake', () => {
    it('polling: 200, an open packet with exactly sid, upgrades [websocket], the timings and maxPayload', async () => {
      const response = await fetch(`${gateway.url}${ENGINE_PATH}polling`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const open = parseOpen(await response.text());
      expect(Object.keys(open).sort()).toEqual(HANDSHAKE_KEYS);
      expect(open).toEqual({ sid: expect.any(String), upgrades: ['websocket'], ...CONFORMANCE });
    });

    it('WebSocket: the open packet as the first frame, with no further upgrade offered', async () => {
      const raw = await RawWebSocket.connect(gateway.url);
      const open = parseOpen(await raw.next(() => true));
      expect(Object.keys(open).sort()).toEqual(HANDSHAKE_KEYS);
      expect(open).toEqual({ sid: expect.any(String), upgrades: [], ...CONFORMANCE });
      raw.close();
    });

    it('gives every session its own sid', async () => {
      const sids = await Promise.all([1, 2, 3].map(async () => (await RawPolling.open(gateway.url)).sid));
      expect(new Set(sids).size).toBe(3);
    });

    it.each([
      ['no EIO', '/socket.io/?transport=polling', 5],
      ['EIO=3 (not allowed)', '/socket.io/?EIO=3&transport=polling', 5],
      ['EIO=abc', '/socket.io/?EIO=abc&transport=polling', 5],
      ['no transport', '/socket.io/?EIO=4', 0],
      ['an unknown transport', '/socket.io/?EIO=4&transport=abc', 0],
      ['an unknown sid', '/socket.io/?EIO=4&transport=polling&sid=nope', 1],
    ])('refuses %s with 400 and the error code of the specification', async (_, path, code) => {
      const { status, body } = await get(gateway.url + path);
      expect(status).toBe(400);
      expect(JSON.parse(body)).toMatchObject({ code });
    });

    it.each(['POST', 'PUT'])('refuses a %s handshake with 400 (bad handshake method)', async (method) => {
      const { status, body } = await get(`${gateway.url}${ENGINE_PATH}polling`, { method, body: '40' });
      expect(status).toBe(400);
      expect(JSON.parse(body)).toMatchObject({ code: 2 });
    });
  });

  describe('heartbeat', () => {
    it('WebSocket: a ping after pingInterval; answered pongs keep the session past several intervals', async () => {
      const raw = await RawWebSocket.connect(gateway.url);
      await raw.next((frame) => frame.startsWith('0{'));
      const opened = Date.now();
      for (let ping = 1; ping <= 3; ping++) {
        await raw.next((frame) => frame === '2');
        // Timers never fire early; the server starts its own before the open packet leaves.
        expect(Date.now() - opened).toBeGreaterThanOrEqual(ping * CONFORMANCE.pingInterval - 50);
        raw.send('3');
      }
      // Three intervals are well past pingInterval + pingTimeout: only the pongs kept it open.
      expect(raw.frames.filter((frame) => frame === '2')).toHaveLength(3);
      raw.send('40');
      expect(await raw.next((frame) => frame.startsWith('40'))).toMatch(/^40\{"sid":/);
      raw.close();
    });

    it('WebSocket: a session that does not answer the ping is closed', async () => {
      const raw = await RawWebSocket.connect(gateway.url);
      await raw.next((frame) => frame === '2');
      await raw.closed;
      expect(raw.frames.at(-1)).toBe('2');
    });

    it('polling: the ping is the answer to a poll; a pong by POST keeps the session', async () => {
      const session = await RawPolling.open(gateway.url);
      for (let ping = 0; ping < 3; ping++) {
        expect(await session.poll()).toEqual({ status: 200, frames: ['2'] });
        expect(await session.post('3')).toEqual({ status: 200, body: 'ok' });
      }
      await session.post('1');
    });

    it('polling: without a pong the session is gone (400, unknown sid)', async () => {
      const session = await RawPolling.open(gateway.url);
      expect(await session.poll()).toEqual({ status: 200, frames: ['2'] });
      // No pong: the poll held by the server is answered with a close packet when it gives the
      // session up (or, on a machine slow enough that the poll comes later, is refused).
      const next = await session.poll();
      expect(next.status === 400 || (next.status === 200 && next.frames.join() === '1')).toBe(true);
      const after = await session.poll();
      expect(after.status).toBe(400);
      expect(JSON.parse(after.frames[0])).toMatchObject({ code: 1 });
    });
  });

  describe('upgrade', () => {
    it('polling → WebSocket: probe answered, the pending poll released with a noop, then polling refused', async () => {
      const session = await RawPolling.open(gateway.url);
      expect(await session.post('40')).toEqual({ status: 200, body: 'ok' });
      const connected: string[] = [];
      while (!connected.some((frame) => frame.startsWith('42["auth"')))
        connected.push(...(await session.poll()).frames);
      expect(connected[0]).toMatch(/^40\{"sid":/);
      const pending = session.poll();
      const ws = await RawWebSocket.connect(gateway.url, {}, session.sid);
      ws.send('2probe');
      expect(await ws.next(() => true)).toBe('3probe');
      // The server releases the poll it holds so the client can pause polling.
      expect((await pending).frames).toContain('6');
      ws.send('5');
      ws.send('42["message","after upgrade"]');
      expect(await ws.next((frame) => frame.startsWith('42'))).toBe('42["message-back","after upgrade"]');
      const late = await session.poll();
      expect(late.status).toBe(400);
      ws.close();
    });

    it('refuses a second WebSocket for an upgraded session', async () => {
      const session = await RawPolling.open(gateway.url);
      const ws = await RawWebSocket.connect(gateway.url, {}, session.sid);
      ws.send('2probe');
      await ws.next((frame) => frame === '3probe');
      ws.send('5');
      const second = await RawWebSocket.connect(gateway.url, {}, session.sid).then(
        (socket) => socket.closed,
        () => 'refused',
      );
      expect(second === 'refused' || typeof second === 'number').toBe(true);
      // The first one still carries the session.
      ws.send('40');
      expect(await ws.next((frame) => frame.startsWith('40'))).toMatch(/^40\{"sid":/);
      ws.close();
    });

    it('refuses a WebSocket upgrade for an unknown sid', async () => {
      const outcome = await RawWebSocket.connect(gateway.url, {}, 'nosuchsession').then(
        (socket) => socket.closed,
        (error: Error) => error.message,
      );
      expect(String(outcome)).toMatch(/400|\d{4}/);
    });
  });

  describe('close', () => {
    it('WebSocket: a close packet from the client ends the connection', async () => {
      const raw = await RawWebSocket.connect(gateway.url);
      await raw.next((frame) => frame.startsWith('0{'));
      raw.send('1');
      expect(typeof (await raw.closed)).toBe('number');
    });

    it('polling: after a close packet the session is unknown', async () => {
      const session = await RawPolling.open(gateway.url);
      expect(await session.post('1')).toEqual({ status: 200, body: 'ok' });
      const after = await session.poll();
      expect(after.status).toBe(400);
    });

    it('polling: several packets in one payload, separated by the record separator, all arrive', async () => {
      const session = await RawPolling.open(gateway.url);
      await session.post('40');
      expect((await session.poll()).frames[0]).toMatch(/^40/);
      await session.post('42["message",1]', '42["message",2]');
      const echoes: string[] = [];
      while (echoes.length < 2) {
        const { frames } = await session.poll();
        echoes.push(...frames.filter((frame) => frame.startsWith('42["message-back"')));
      }
      expect(echoes).toEqual(['42["message-back",1]', '42["message-back",2]']);
      await session.post('1');
    });
  });
});

describe('Engine.IO v4 (the gateway)', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({ MAX_PAYLOAD_BYTES: '4096' });
  });
  afterAll(() => gateway.close());

  it('announces its own heartbeat and MAX_PAYLOAD_BYTES as maxPayload', async () => {
    const session = await RawPolling.open(gateway.url);
    expect(session.open).toEqual({
      sid: expect.any(String),
      upgrades: ['websocket'],
      pingInterval: 25_000,
      pingTimeout: 20_000,
      maxPayload: 4096,
    });
  });

  it('closes a WebSocket whose frame exceeds maxPayload, and refuses such a POST with 413', async () => {
    const raw = await RawWebSocket.connect(gateway.url);
    await raw.next((frame) => frame.startsWith('0{'));
    raw.send(`42["subscribe","${'x'.repeat(5000)}"]`);
    // 1009: message too big (RFC 6455).
    expect(await raw.closed).toBe(1009);

    const session = await RawPolling.open(gateway.url);
    const { status } = await session.post(`42["subscribe","${'x'.repeat(5000)}"]`);
    expect(status).toBe(413);
  });
});
