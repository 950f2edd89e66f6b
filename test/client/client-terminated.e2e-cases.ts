import jwt from 'jsonwebtoken';
import { SwitchboardClient, type SwitchboardError } from '@switchboard/client';
import { ControlApi } from '../support/control.js';
import { startGateway, TEST_SECRET, type RunningGateway } from '../support/gateway.js';
import { sampleValue, scrapeMetrics } from '../support/metrics.js';
import { nextEvent, publish, Received } from './support/client-harness.js';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

describe('client SDK: sessions ended by the control API', () => {
  let gateway: RunningGateway;
  let api: ControlApi;
  const clients: SwitchboardClient[] = [];
  const track = (client: SwitchboardClient): SwitchboardClient => {
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    gateway = await startGateway();
    api = new ControlApi(gateway);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => gateway.close());

  it('reconnect: false raises session.terminated and stays disconnected until connect() is called', async () => {
    const alice = track(new SwitchboardClient(gateway.url, { token: gateway.token({ sub: 'sdk-ann' }) }));
    await alice.connect();
    const events: string[] = [];
    alice.on('session.terminated', () => events.push('session.terminated'));
    alice.on('reconnect_attempt', () => events.push('reconnect_attempt'));
    const terminated = nextEvent(alice, 'session.terminated');
    const down = nextEvent(alice, 'disconnect');

    expect((await api.disconnect('sdk-ann', { reconnect: false })).body.disconnected).toBe(1);
    expect(await terminated).toEqual({
      event: 'session.terminated',
      data: { reason: 'disconnected', reconnect: false },
      ts: expect.any(Number),
    });
    expect(await down).toEqual({ reason: 'io server disconnect', willReconnect: false });
    // No reconnection is scheduled, by Socket.IO (not active) or by the SDK (no attempt).
    expect(alice.socket.active).toBe(false);
    expect(alice.state.connected).toBe(false);
    expect(events).toEqual(['session.terminated']);

    await alice.connect();
    expect(alice.state).toMatchObject({ connected: true, reconnects: 1 });
  });

  it('reconnect: true raises session.terminated, reconnects by itself and resumes subscriptions', async () => {
    const bob = track(new SwitchboardClient(gateway.url, { token: gateway.token({ sub: 'sdk-bob' }) }));
    const received = new Received();
    bob.subscribe('public:sdk-news', received.handler);
    await bob.connect();
    await publish(gateway, 'public:sdk-news', 'news', 1);
    await received.until(1);

    const terminated = nextEvent(bob, 'session.terminated');
    const down = nextEvent(bob, 'disconnect');
    const back = nextEvent(bob, 'connect');
    await api.disconnect('sdk-bob', { reconnect: true });
    expect((await terminated).data).toEqual({ reason: 'disconnected', reconnect: true });
    expect(await down).toEqual({ reason: 'transport close', willReconnect: true });
    expect((await back).reconnects).toBe(1);
    await publish(gateway, 'public:sdk-news', 'news', 2);
    await received.until(2);
    expect(received.offsets).toEqual([1, 2]);
  });

  it('after a revocation, connect() asks the provider for a new token instead of offering the revoked one', async () => {
    const issued: number[] = [];
    const cid = track(
      new SwitchboardClient(gateway.url, {
        token: () => {
          // The first token predates the revocation; later ones are issued after it.
          const iat = issued.length === 0 ? nowSeconds() - 60 : nowSeconds() + 2;
          issued.push(iat);
          return jwt.sign({ sub: 'sdk-cid', iat }, TEST_SECRET, { expiresIn: 3600 });
        },
        autoConnect: false,
      }),
    );
    const refusals: SwitchboardError[] = [];
    cid.on('connect_error', (error) => refusals.push(error));
    await cid.connect();
    const terminated = nextEvent(cid, 'session.terminated');
    const down = nextEvent(cid, 'disconnect');
    expect((await api.revoke('sdk-cid')).body.disconnected).toBe(1);
    expect((await terminated).data).toEqual({ reason: 'revoked', reconnect: false });
    expect((await down).willReconnect).toBe(false);

    // The revoked token would be refused (and the SDK would then fetch another): the server
    // sees no refused handshake at all.
    const handshakeRefusals = async () =>
      sampleValue(await scrapeMetrics(gateway.url), 'switchboard_auth_failures_total', {
        stage: 'handshake',
      }) ?? 0;
    const refusedBefore = await handshakeRefusals();
    await cid.connect();
    expect(issued).toHaveLength(2);
    expect(refusals).toEqual([]);
    expect(await handshakeRefusals()).toBe(refusedBefore);
  });
});
