import { Fetch, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { publish } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import {
  type ClientSocket,
  type ConnectError,
  connect,
  connectRefused,
  waitForEvent,
} from '../support/socket.js';
import { eventually } from '../support/wait.js';

/** Proves the connection belongs to `sub`: a publication to `user:{sub}` reaches it. */
async function expectIdentity(gateway: RunningGateway, socket: ClientSocket, sub: string): Promise<void> {
  const arrived = waitForEvent(socket, 'hello.there', { filter: (p) => p['channel'] === `user:${sub}` });
  await publish(gateway, `user:${sub}`, 'hello.there', { to: sub });
  expect(await arrived).toMatchObject({ channel: `user:${sub}`, data: { to: sub } });
}

describe('MAX_CONNECTIONS_PER_USER', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway({ MAX_CONNECTIONS_PER_USER: '2' });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it('refuses the connection over the limit with LIMIT_EXCEEDED and frees a slot on disconnect', async () => {
    const token = gateway.token({ sub: 'max' });
    const first = await pool.connect(token);
    await pool.connect(token, { transports: ['polling'] });
    const error = await connectRefused(gateway.url, token);
    expect(error.message).toBe('LIMIT_EXCEEDED');
    expect(error.data).toEqual({ code: 'LIMIT_EXCEEDED', reason: expect.any(String) });

    // Another user is not affected by max's limit.
    await pool.connect(gateway.token({ sub: 'min' }));

    first.close();
    // The slot is released when the server sees the close; no event tells the client when.
    const third = await eventually(
      () =>
        connect(gateway.url, token).then(
          (socket) => socket,
          (e: ConnectError) => (e.message === 'LIMIT_EXCEEDED' ? undefined : Promise.reject(e)),
        ),
      { what: 'a free connection slot' },
    );
    expect(third.connected).toBe(true);
    await expectIdentity(gateway, third, 'max');
    third.close();
  });
});

describe('CORS_ORIGINS', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  const allowed = 'http://allowed.test:8080';
  beforeAll(async () => {
    gateway = await startGateway({ CORS_ORIGINS: `http://other.test,${allowed}` });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  // The stock Node polling transport (XMLHttpRequest) cannot set Origin; the Fetch one can.
  const transports: [string, Partial<ManagerOptions & SocketOptions>][] = [
    ['polling', { transports: [Fetch] }],
    ['websocket', { transports: ['websocket'] }],
  ];

  it.each(transports)('refuses a foreign Origin over %s', async (_name, transport) => {
    const error = await connectRefused(gateway.url, gateway.token({ sub: 'cora' }), {
      ...transport,
      extraHeaders: { origin: 'http://evil.test' },
    });
    expect(error.message).not.toBe('UNAUTHORIZED');
  });

  it('refuses a foreign Origin at the raw polling handshake', async () => {
    const path = '/socket.io/?EIO=4&transport=polling';
    const evil = await request(gateway.url, 'GET', path, { headers: { origin: 'http://evil.test' } });
    expect(evil.status).toBeGreaterThanOrEqual(400);
    const good = await request(gateway.url, 'GET', path, { headers: { origin: allowed } });
    expect(good.status).toBe(200);
  });

  it.each(transports)('accepts an allowed Origin over %s', async (name, transport) => {
    const socket = await pool.connect(gateway.token({ sub: 'cora' }), {
      ...transport,
      extraHeaders: { origin: allowed },
    });
    expect(socket.io.engine.transport.name).toBe(name);
    await expectIdentity(gateway, socket, 'cora');
  });

  it('accepts a handshake without Origin (a non-browser client)', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'cora' }));
    await expectIdentity(gateway, socket, 'cora');
  });

  it('keeps a connected client when a foreign one is refused', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'cora' }));
    await connectRefused(gateway.url, gateway.token({ sub: 'eve' }), {
      extraHeaders: { origin: 'http://evil.test' },
    });
    expect(socket.connected).toBe(true);
    await expectIdentity(gateway, socket, 'cora');
  });
});
