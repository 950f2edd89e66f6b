import WebSocket from 'ws';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { type ClientSocket, commandOk, connect } from '../support/socket.js';

const ALLOWED = 'http://allowed.test';
const FOREIGN = 'http://evil.test';
const ENGINE = '/socket.io/?EIO=4&transport=';

/**
 * Issue 9, defect 7: with `CORS_ORIGINS` set, the `Origin` was checked only at the Engine.IO
 * handshake (Engine.IO asks `allowRequest` for nothing else), so a session opened from an
 * allowed origin could be carried on from any other: its polls, its posts, its WebSocket
 * upgrade. Every request of a session is checked now.
 */
describe('CORS_ORIGINS on every request of an Engine.IO session', () => {
  let gateway: RunningGateway;
  let bystander: ClientSocket;

  beforeAll(async () => {
    gateway = await startGateway({ CORS_ORIGINS: ALLOWED });
    bystander = await connect(gateway.url, gateway.token({ sub: 'bystander' }), {
      extraHeaders: { origin: ALLOWED },
    });
  });
  afterAll(async () => {
    bystander?.close();
    await gateway?.close();
  });

  /** A polling request; bounded, since a poll of a session waits for data otherwise. */
  async function poll(
    method: 'GET' | 'POST',
    query: string,
    origin: string,
    body?: string,
  ): Promise<{ status: number; text: string }> {
    const response = await fetch(`${gateway.url}${ENGINE}polling${query}`, {
      method,
      headers: { origin, 'content-type': 'text/plain;charset=UTF-8' },
      body,
      signal: AbortSignal.timeout(5_000),
    });
    return { status: response.status, text: await response.text() };
  }

  /** Opens a polling session from the allowed origin; returns its `sid`. */
  async function openSession(): Promise<string> {
    const open = await poll('GET', '', ALLOWED);
    expect(open.status).toBe(200);
    return (JSON.parse(open.text.slice(1)) as { sid: string }).sid;
  }

  function upgradeStatus(sid: string, origin: string): Promise<number> {
    const url = `${gateway.url.replace('http', 'ws')}${ENGINE}websocket&sid=${sid}`;
    const ws = new WebSocket(url, { origin });
    return new Promise((resolve, reject) => {
      ws.once('upgrade', (response) => resolve(response.statusCode ?? 0));
      ws.once('open', () => ws.terminate());
      ws.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        response.resume();
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  it('refuses a later poll or post of the session from a foreign Origin, serves the allowed one', async () => {
    const sid = await openSession();
    const connectPacket = `40${JSON.stringify({ token: gateway.token({ sub: 'session-owner' }) })}`;
    expect(await poll('POST', `&sid=${sid}`, FOREIGN, connectPacket)).toMatchObject({ status: 403 });
    expect(await poll('GET', `&sid=${sid}`, FOREIGN)).toMatchObject({ status: 403 });

    expect(await poll('POST', `&sid=${sid}`, ALLOWED, connectPacket)).toEqual({ status: 200, text: 'ok' });
    const connected = await poll('GET', `&sid=${sid}`, ALLOWED);
    expect(connected.status).toBe(200);
    expect(connected.text).toMatch(/^40\{"sid":/);
  });

  it('refuses the WebSocket upgrade of the session from a foreign Origin, accepts the allowed one', async () => {
    const sid = await openSession();
    expect(await upgradeStatus(sid, FOREIGN)).toBe(403);
    expect(await upgradeStatus(sid, ALLOWED)).toBe(101);
  });

  it('keeps serving the other clients', async () => {
    expect(await commandOk(bystander, 'subscribe', { channel: 'public:origin' })).toMatchObject({
      channel: 'public:origin',
    });
  });
});
