import {
  CLUSTER_SECRET,
  type GatewayProcess,
  readiness,
  startGatewayProcess,
} from '../deploy/support/gateway-processes.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { sampleSum, sampleValue, scrapeMetrics } from '../support/metrics.js';
import { publish } from '../support/publisher.js';
import { type ClientSocket, commandOk, connect, waitForEvent } from '../support/socket.js';
import { eventually } from '../support/wait.js';
import { PrivateRedis } from './support/redis-server.js';

type Labels = Record<string, string>;
type LogLine = Record<string, unknown> & { level: number; event?: string };
const CONNECTIONS = ['command', 'feed', 'adapter'] as const;

/**
 * Issue 12 in Redis mode, on two instances over a private Redis (stopped and started again):
 * the broker hop is measured on every instance a publication reaches; Redis errors and
 * reconnects are counted by role; `switchboard_ready` follows readiness; every connection
 * state change is one log line, an outage's repeats once.
 */
describe('operations metrics and logs in Redis mode', () => {
  let redis: PrivateRedis;
  let a: RunningGateway;
  let b: GatewayProcess;
  const clients: ClientSocket[] = [];
  const prefix = `t-opsm-${process.pid}:`;
  /** Both instances share the secret: A's tokens (and the service token) work on B. */
  const token = (sub: string): string => a.token({ sub });

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, POSITION_INTERVAL_SECONDS: '0' };
    a = await startGateway({ ...env, INSTANCE_ID: 'ops-a', JWT_SECRET: CLUSTER_SECRET });
    b = await startGatewayProcess('ops-b', { ...env, LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await a?.close();
    if (b?.process.exitCode === null) b.process.kill('SIGKILL');
    await redis?.destroy();
  });

  const scrape = (url: string): Promise<string> => scrapeMetrics(url);
  const diff = (before: string, after: string, name: string, labels: Labels = {}): number =>
    sampleSum(after, name, labels) - sampleSum(before, name, labels);
  /** B's log lines from character `from` of its output on. */
  const logLines = (from = 0): LogLine[] =>
    b
      .output()
      .slice(from)
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  const stateLines = (from: number, state: string, connection: string): LogLine[] =>
    logLines(from).filter(
      (l) => l.event === 'redis.state' && l['state'] === state && l['connection'] === connection,
    );

  it('observes the broker hop on each instance a publication reaches, and deliveries there', async () => {
    const channel = 'public:hop';
    for (const url of [a.url, b.url]) {
      const client = await connect(url, token(`hop-${clients.length}`));
      clients.push(client);
      await commandOk(client, 'subscribe', { channel });
    }
    const before = await Promise.all([scrape(a.url), scrape(b.url)]);
    for (let n = 1; n <= 3; n++) {
      const arrived = clients.map((client) =>
        waitForEvent(client, 'hop.note', { filter: (p) => p['data'] === n }),
      );
      await publish(a, channel, 'hop.note', n);
      await Promise.all(arrived);
    }
    const after = await Promise.all([scrape(a.url), scrape(b.url)]);
    const moved = [0, 1].map((i) => ({
      hops: diff(before[i], after[i], 'switchboard_broker_hop_seconds_count'),
      deliveries: diff(before[i], after[i], 'switchboard_deliveries_total', { namespace: 'public' }),
      fanOut: diff(before[i], after[i], 'switchboard_fanout_size_sum'),
      published: diff(before[i], after[i], 'switchboard_namespace_publications_total', {
        namespace: 'public',
      }),
    }));
    // Published on A; fed to both, one local subscriber each.
    expect(moved).toEqual([
      { hops: 3, deliveries: 3, fanOut: 3, published: 3 },
      { hops: 3, deliveries: 3, fanOut: 3, published: 0 },
    ]);
    expect(sampleValue(after[1], 'switchboard_broker_hop_seconds_sum')).toBeGreaterThanOrEqual(0);
  });

  it('counts Redis errors and reconnects by role, reports not ready, and logs each state change once per outage', async () => {
    const before = await Promise.all([scrape(a.url), scrape(b.url)]);
    for (const text of before) expect(sampleValue(text, 'switchboard_ready')).toBe(1);
    const from = b.output().length;

    await redis.stop();
    // Several attempts of every connection, so that repeats had their chance to be logged.
    const during = await eventually(
      async () => {
        const texts = await Promise.all([scrape(a.url), scrape(b.url)]);
        const retried = texts.every((text, i) =>
          (['commands', 'subscriber'] as const).every(
            (role) => diff(before[i], text, 'switchboard_redis_reconnects_total', { role }) >= 3,
          ),
        );
        return retried ? texts : undefined;
      },
      { timeoutMs: 20_000, what: 'three reconnect attempts per role on both instances' },
    );
    for (const [i, text] of during.entries()) {
      expect(sampleValue(text, 'switchboard_ready')).toBe(0);
      expect(sampleValue(text, 'switchboard_draining')).toBe(0);
      for (const role of ['commands', 'subscriber']) {
        expect(diff(before[i], text, 'switchboard_redis_errors_total', { role })).toBeGreaterThanOrEqual(1);
      }
    }
    expect((await readiness(b.url)).status).toBe(503);
    for (const connection of CONNECTIONS) {
      expect(stateLines(from, 'close', connection)).toHaveLength(1);
      expect(stateLines(from, 'reconnecting', connection)).toEqual([
        expect.objectContaining({
          level: 30,
          instance: 'ops-b',
          role: expect.any(String),
          delayMs: expect.any(Number),
        }),
      ]);
      expect(stateLines(from, 'error', connection)).toEqual([
        expect.objectContaining({ level: 40, error: expect.stringContaining('ECONNREFUSED') }),
      ]);
    }
    expect(stateLines(from, 'error', 'command')[0]).toMatchObject({ role: 'commands' });
    expect(stateLines(from, 'error', 'feed')[0]).toMatchObject({ role: 'subscriber' });
    expect(stateLines(from, 'error', 'adapter')[0]).toMatchObject({ role: 'subscriber' });

    await redis.start();
    await eventually(async () => (await readiness(b.url)).status === 200, {
      timeoutMs: 20_000,
      what: 'B ready again',
    });
    for (const url of [a.url, b.url]) {
      await eventually(async () => sampleValue(await scrape(url), 'switchboard_ready') === 1, {
        timeoutMs: 20_000,
        what: `${url} ready gauge back to 1`,
      });
    }
    for (const connection of CONNECTIONS) {
      expect(stateLines(from, 'connect', connection).length).toBeGreaterThanOrEqual(1);
      expect(stateLines(from, 'ready', connection).length).toBeGreaterThanOrEqual(1);
    }

    // At exit, each connection ends.
    const exitFrom = b.output().length;
    b.process.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    for (const connection of CONNECTIONS) expect(stateLines(exitFrom, 'end', connection)).toHaveLength(1);
  });
});
