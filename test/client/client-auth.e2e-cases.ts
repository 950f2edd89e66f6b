import { jest } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { SwitchboardClient, SwitchboardError } from '@switchboard/client';
import { startGateway, TEST_SECRET, type RunningGateway } from '../support/gateway.js';
import { freePort } from '../support/global-setup.js';
import { nextEvent, startGatewayOn } from './support/client-harness.js';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

describe('client SDK: tokens', () => {
  let gateway: RunningGateway;
  const clients: SwitchboardClient[] = [];
  const track = (client: SwitchboardClient): SwitchboardClient => {
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => gateway.close());

  it('refreshes the token with auth.refresh before exp, so the session outlives the first token', async () => {
    const issued: number[] = [];
    const alice = track(
      new SwitchboardClient(gateway.url, {
        token: () => {
          const exp = nowSeconds() + (issued.length === 0 ? 3 : 3600);
          issued.push(exp);
          return signWithExp(exp);
        },
        transports: ['websocket'],
        refreshMarginMs: 1500,
      }),
    );
    const expired = jest.fn();
    alice.on('session.expired', expired);
    await alice.connect();
    const refreshed = await nextEvent(alice, 'token.refreshed');
    expect(refreshed).toEqual({ exp: issued[1] });
    // Nothing announces "the old token's expiry passed without effect": wait it out, bounded.
    while (Date.now() <= issued[0] * 1000 + 500) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await alice.presence('public:none').catch((error: SwitchboardError) => error.code)).toBe(
      'BAD_REQUEST',
    );
    expect(alice.state.connected).toBe(true);
    expect(expired).not.toHaveBeenCalled();
  });

  it('without a fresher token: token.error, then session.expired and a disconnect that does not retry', async () => {
    const token = signWithExp(nowSeconds() + 2);
    const alice = track(new SwitchboardClient(gateway.url, { token, transports: ['websocket'] }));
    const tokenError = nextEvent(alice, 'token.error');
    const expired = nextEvent(alice, 'session.expired');
    const down = nextEvent(alice, 'disconnect');
    await alice.connect();
    expect(await tokenError).toMatchObject({ code: 'UNAUTHORIZED', command: 'auth.refresh' });
    expect((await expired).data.exp).toBe(expOf(token));
    expect(await down).toEqual({ reason: 'io server disconnect', willReconnect: false });
  });

  it('a refused handshake rejects connect() with UNAUTHORIZED and raises unauthorized', async () => {
    const mallory = track(
      new SwitchboardClient(gateway.url, {
        token: 'not.a.token',
        transports: ['websocket'],
        autoConnect: false,
      }),
    );
    const unauthorized = nextEvent(mallory, 'unauthorized');
    const failure = await mallory.connect().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SwitchboardError);
    expect(failure).toMatchObject({ code: 'UNAUTHORIZED', command: 'connect', willRetry: false });
    expect((await unauthorized).reason).toMatch(/malformed|invalid/);
  });

  it('after a restart with a new secret, a cached token is refused once and a fresh one is fetched', async () => {
    const port = await freePort();
    let current = await startGatewayOn(port, { JWT_SECRET: 'first-secret-0123456789abcdef' });
    const provider = jest.fn(() => current.token({ sub: 'alice' }));
    const alice = track(
      new SwitchboardClient(current.url, {
        token: provider,
        transports: ['websocket'],
        reconnectionDelay: 100,
        reconnectionDelayMax: 400,
      }),
    );
    await alice.connect();
    expect(provider).toHaveBeenCalledTimes(1);
    const down = nextEvent(alice, 'disconnect');
    await current.close();
    await down;
    const unauthorized = jest.fn();
    alice.on('unauthorized', unauthorized);
    const back = nextEvent(alice, 'connect', { timeoutMs: 20_000 });
    current = await startGatewayOn(port, { JWT_SECRET: 'second-secret-0123456789abcdef' });
    try {
      expect(await back).toMatchObject({ connected: true, reconnects: 1 });
      expect(provider).toHaveBeenCalledTimes(2);
      expect(unauthorized).not.toHaveBeenCalled();
    } finally {
      await alice.close();
      await current.close();
    }
  });

  function signWithExp(exp: number): string {
    return jwt.sign({ sub: 'alice', exp }, TEST_SECRET, { algorithm: 'HS256' });
  }
  function expOf(token: string): number {
    return (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number }).exp;
  }
});
