import {
  connectionsOn,
  everyClientReceivesEverything,
  openClient,
  type BalancedClient,
  type Transport,
} from './support/balanced-clients.js';
import { startCluster, type GatewayCluster } from './support/gateway-processes.js';
import {
  checkConfig,
  HAPROXY_CFG,
  startHaproxy,
  withoutStickiness,
  type Haproxy,
} from './support/haproxy.js';

/**
 * Redis, three `node dist/main.js` gateways and a real HAProxy running
 * deploy/haproxy/haproxy.cfg: clients of either transport receive every publication in order
 * through the balancer, and without the config's stickiness long-polling breaks.
 */
const CLIENTS = 4;
const PUBLICATIONS = 20;

describe('behind HAProxy (deploy/haproxy/haproxy.cfg)', () => {
  let cluster: GatewayCluster;
  let sticky: Haproxy;
  let unsticky: Haproxy;
  const opened: BalancedClient[] = [];

  const service = (): string => cluster.token({ sub: 'deploy-publisher', roles: ['service'] });
  const clients = async (url: string, transports: Transport[]): Promise<BalancedClient[]> => {
    const list: BalancedClient[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const client = await openClient(url, cluster.token({ sub: `reader-${i}` }), transports);
      opened.push(client);
      list.push(client);
    }
    return list;
  };
  /** The polling test: polling-only clients through `url` receive every publication. */
  const pollingTest = async (url: string): Promise<void> =>
    everyClientReceivesEverything(url, await clients(url, ['polling']), service(), PUBLICATIONS);

  beforeAll(async () => {
    cluster = await startCluster('haproxy', 3, { SHUTDOWN_DRAIN_MS: '500' });
    const ports = cluster.gateways.map((gateway) => gateway.port);
    sticky = await startHaproxy(HAPROXY_CFG, ports);
    unsticky = await startHaproxy(withoutStickiness(HAPROXY_CFG), ports);
  }, 90_000);

  afterEach(() => {
    for (const client of opened.splice(0)) client.socket.close();
  });

  afterAll(async () => {
    await sticky?.stop();
    await unsticky?.stop();
    await cluster?.stop();
  }, 30_000);

  it('balances round-robin over three ready gateways and pins a client with the SRV cookie', async () => {
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await fetch(`${sticky.url}/health/ready`));
    const instances = await Promise.all(
      answers.map(async (r) => ((await r.json()) as { instance: string }).instance),
    );
    expect(new Set(instances)).toEqual(new Set(cluster.gateways.map((gateway) => gateway.instanceId)));
    const cookies = answers.map((answer) => answer.headers.get('set-cookie'));
    expect(cookies).toEqual([
      expect.stringMatching(/^SRV=s\d; path=\/; HttpOnly$/),
      expect.anything(),
      expect.anything(),
    ]);
    // The cookie wins over round-robin: every later request goes to the same instance.
    const pinned = [];
    for (let i = 0; i < 4; i++) {
      const answer = await fetch(`${sticky.url}/health/ready`, {
        headers: { cookie: cookies[1]!.split(';')[0] },
      });
      pinned.push(((await answer.json()) as { instance: string }).instance);
    }
    expect(pinned).toEqual(Array(4).fill(instances[1]));
  });

  it('polling-only clients receive every publication in order, spread over the gateways', async () => {
    await pollingTest(sticky.url);
    const perGateway = await Promise.all(
      cluster.gateways.map((gateway) => connectionsOn(gateway.url, 'polling')),
    );
    expect(perGateway.reduce((sum, n) => sum + n, 0)).toBe(CLIENTS);
    expect(perGateway.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    for (const client of opened) expect(client.socket.io.engine.transport.name).toBe('polling');
  }, 60_000);

  it('WebSocket-only clients receive every publication in order', async () => {
    const list = await clients(sticky.url, ['websocket']);
    await everyClientReceivesEverything(sticky.url, list, service(), PUBLICATIONS);
    const perGateway = await Promise.all(
      cluster.gateways.map((gateway) => connectionsOn(gateway.url, 'websocket')),
    );
    expect(perGateway.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('clients that start polling upgrade to WebSocket through the balancer and receive everything', async () => {
    const list = await clients(sticky.url, ['polling', 'websocket']);
    await everyClientReceivesEverything(sticky.url, list, service(), PUBLICATIONS);
    for (const client of list) expect(client.socket.io.engine.transport.name).toBe('websocket');
  }, 60_000);

  describe('with stickiness removed from the same config', () => {
    it('is still a valid config that differs only in the cookie lines', () => {
      const stripped = withoutStickiness(HAPROXY_CFG);
      expect(checkConfig(HAPROXY_CFG, [1, 2, 3])).toMatchObject({ ok: true });
      expect(checkConfig(stripped, [1, 2, 3])).toMatchObject({ ok: true });
      expect(HAPROXY_CFG.split('\n').length - stripped.split('\n').length).toBe(1);
      expect(HAPROXY_CFG.match(/cookie/g)?.length).toBeGreaterThan(stripped.match(/cookie/g)?.length ?? 0);
    });

    it('the polling test fails: a long-polling session lives in one gateway only', async () => {
      await expect(pollingTest(unsticky.url)).rejects.toThrow(
        /xhr (post|poll) error|transport error|lost its connection/,
      );
    }, 60_000);

    it('the request after the Engine.IO handshake lands on another gateway: 400 "Session ID unknown"', async () => {
      const handshake = async (url: string): Promise<{ sid: string; cookie: string | null }> => {
        const response = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
        const open = JSON.parse((await response.text()).slice(1)) as { sid: string };
        return { sid: open.sid, cookie: response.headers.get('set-cookie') };
      };
      // A no-op packet (Engine.IO type 6) answers at once on the session's own gateway.
      const noop = (url: string, sid: string, cookie?: string): Promise<Response> =>
        fetch(`${url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
          method: 'POST',
          body: '6',
          headers: { 'content-type': 'text/plain;charset=UTF-8', ...(cookie && { cookie }) },
        });

      const unpinned = await handshake(unsticky.url);
      expect(unpinned.cookie).toBeNull();
      const refused = await noop(unsticky.url, unpinned.sid);
      expect([refused.status, await refused.json()]).toEqual([
        400,
        { code: 1, message: 'Session ID unknown' },
      ]);

      const pinned = await handshake(sticky.url);
      const accepted = await noop(sticky.url, pinned.sid, pinned.cookie?.split(';')[0]);
      expect([accepted.status, await accepted.text()]).toEqual([200, 'ok']);
    });

    it('WebSocket-only clients do not need stickiness', async () => {
      const list = await clients(unsticky.url, ['websocket']);
      await everyClientReceivesEverything(unsticky.url, list, service(), PUBLICATIONS);
    }, 60_000);
  });
});
