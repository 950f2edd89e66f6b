import { mkdirSync, writeFileSync } from 'node:fs';
import { SwitchboardPublisher, type RetryInfo } from '@switchboard/client/publisher';
import { PrivateRedis } from '../redis/support/redis-server.js';
import { uniqueChannel, type Transport } from '../deploy/support/balanced-clients.js';
import { startCluster, until, type GatewayCluster } from '../deploy/support/gateway-processes.js';
import { HAPROXY_CFG, startHaproxy, type Haproxy } from '../deploy/support/haproxy.js';
import { recordingClient, type RecordingClient } from '../deploy/support/sdk-clients.js';
import { repoPath } from '../deploy/support/repo-files.js';

/**
 * Issue 10's proof, end to end: three gateway processes behind HAProxy on one (private)
 * Redis, SDK clients half on long-polling, and a backend publishing through
 * `@switchboard/client/publisher` with retries, while
 *   1. one gateway is SIGKILLed mid-flow,
 *   2. a quiet spell outlasts HISTORY_TTL_SECONDS, then every client's transport drops (each
 *      must recover at the top from a stream whose history is gone),
 *   3. Redis is frozen for 5 s mid-flow (SIGSTOP), so publishes time out and are retried.
 * At every SDK handler: every offset, none twice, in order, no resync; and the channel holds
 * exactly as many publications as the backend made calls (no retry published twice).
 */
const HISTORY_TTL_SECONDS = 8;
const CLIENTS = 8;
const TRANSPORTS: Transport[][] = [['polling'], ['polling', 'websocket']];

interface Flow {
  calls(): number;
  failures(): string[];
  stop(): Promise<void>;
}

/**
 * Publishes one logical call after the other until stopped; every call must end in a 201.
 * `calls()` counts from `before` (the calls of an earlier flow on the same channel).
 */
function publishFlow(
  publisher: SwitchboardPublisher,
  channel: string,
  before = 0,
  note: (what: string) => void = () => undefined,
): Flow {
  let running = true;
  let calls = before;
  const failures: string[] = [];
  const loop = (async () => {
    while (running) {
      const began = Date.now();
      try {
        const { offset } = await publisher.publish(channel, 'chaos.tick', { n: calls + 1 });
        calls++;
        // Calls held up by the faults, for the report.
        if (Date.now() - began > 1000) note(`offset ${offset} published after ${Date.now() - began} ms`);
      } catch (error) {
        failures.push(String(error));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    calls: () => calls,
    failures: () => failures,
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe('chaos: SIGKILL, a quiet spell past the history TTL, Redis frozen 5 s', () => {
  let redis: PrivateRedis;
  let cluster: GatewayCluster;
  let haproxy: Haproxy;
  const clients: RecordingClient[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    cluster = await startCluster('chaos', 3, {
      REDIS_URL: redis.url,
      HISTORY_TTL_SECONDS: String(HISTORY_TTL_SECONDS),
      POSITION_INTERVAL_SECONDS: '1',
    });
    haproxy = await startHaproxy(
      HAPROXY_CFG,
      cluster.gateways.map((gateway) => gateway.port),
    );
  }, 90_000);

  afterAll(async () => {
    redis?.resume();
    await Promise.all(clients.map((client) => client.close()));
    await haproxy?.stop();
    await cluster?.stop();
    await redis?.destroy();
  }, 30_000);

  it('every handler ends with every offset once, in order, with no resync and no duplicate publication', async () => {
    const started = Date.now();
    const channel = uniqueChannel('chaos');
    const service = cluster.token({ sub: 'chaos-backend', roles: ['service'] });
    for (let i = 0; i < CLIENTS; i++) {
      const token = cluster.token({ sub: `chaos-reader-${i}` });
      clients.push(await recordingClient(haproxy.url, token, TRANSPORTS[i % 2], channel));
    }
    const retries: RetryInfo[] = [];
    const timeline: string[] = [];
    const publisher = new SwitchboardPublisher({
      url: haproxy.url,
      token: service,
      maxAttempts: 60,
      retryDelayMs: 100,
      maxDelayMs: 1000,
      timeoutMs: 5000,
      onRetry: (retry) => {
        retries.push(retry);
        timeline.push(
          `${Date.now() - started} ms: attempt ${retry.attempt} ${retry.error.message.slice(0, 80)}`,
        );
      },
    });
    const phases: Record<string, number> = {};
    const mark = (phase: string): void => void (phases[phase] = Date.now() - started);
    const note = (what: string): void => void timeline.push(`${Date.now() - started} ms: ${what}`);

    // 1. One gateway SIGKILLed while publications flow.
    let flow = publishFlow(publisher, channel, 0, note);
    await until(() => flow.calls() >= 20, 'publications before the kill');
    const victim = cluster.gateways[1];
    victim.process.kill('SIGKILL');
    note('gateway-2 killed');
    expect(await victim.exited).toBe('SIGKILL');
    await until(
      async () => (await haproxy.servers())['gateway-2']?.startsWith('DOWN'),
      'HAProxy marks it DOWN',
    );
    await until(
      () => clients.every((client) => client.client.state.connected),
      'every client reconnected',
      30_000,
    );
    const afterKill = flow.calls();
    await until(() => flow.calls() >= afterKill + 20, 'publications after the kill');
    await flow.stop();
    const failures = flow.failures();
    mark('killed');

    // 2. Quiet until the history is gone, then every client loses its transport.
    const quietFrom = flow.calls();
    await until(
      async () => (await publisher.history(channel, { limit: 1 })).publications.length === 0,
      'the history to expire',
      (HISTORY_TTL_SECONDS + 10) * 1000,
    );
    const reconnectsBefore = clients.map((client) => client.client.state.reconnects);
    for (const client of clients) client.client.socket.io.engine.close();
    await until(
      () =>
        clients.every((c, i) => c.client.state.connected && c.client.state.reconnects > reconnectsBefore[i]),
      'every client back after the quiet spell',
      30_000,
    );
    mark('quiet');

    // 3. Redis frozen for 5 s while publications flow.
    flow = publishFlow(publisher, channel, quietFrom, note);
    await until(() => flow.calls() >= quietFrom + 20, 'publications before the freeze');
    redis.pause();
    note('redis frozen');
    await new Promise((resolve) => setTimeout(resolve, 5000));
    redis.resume();
    note('redis resumed');
    const afterFreeze = flow.calls();
    await until(() => flow.calls() >= afterFreeze + 20, 'publications after the freeze', 60_000);
    await flow.stop();
    mark('frozen');

    const calls = flow.calls();
    expect([...failures, ...flow.failures()]).toEqual([]);
    const top = (await publisher.history(channel, { limit: 1 })).offset;
    // Every retried call published once: the stream holds exactly one offset per call.
    expect(top).toBe(calls);
    await until(
      () => clients.every((client) => client.offsets[client.offsets.length - 1] === top),
      `offset ${top} on every client`,
      30_000,
    );
    mark('settled');

    const everyOffset = Array.from({ length: top }, (_, index) => index + 1);
    const figures = clients.map((client) => {
      const unique = new Set(client.offsets);
      return {
        transports: client.transports.join('+'),
        handled: client.offsets.length,
        lost: top - unique.size,
        duplicated: client.offsets.length - unique.size,
        outOfOrder: client.offsets.filter((offset, i) => i > 0 && offset <= client.offsets[i - 1]).length,
        resyncs: client.resyncs.length,
        reconnects: client.client.state.reconnects,
      };
    });
    const report = {
      publications: top,
      publisherCalls: calls,
      publisherRetries: retries.length,
      retriesByStatus: retries.reduce<Record<string, number>>((counts, retry) => {
        const key = String(retry.error.statusCode ?? 'network');
        counts[key] = (counts[key] ?? 0) + 1;
        return counts;
      }, {}),
      phasesMs: phases,
      timeline,
      clients: figures,
    };
    mkdirSync(repoPath('test-results'), { recursive: true });
    writeFileSync(repoPath('test-results', 'chaos-haproxy.log'), haproxy.output());
    writeFileSync(repoPath('test-results', 'chaos.json'), `${JSON.stringify(report, null, 2)}\n`);

    for (const client of clients) expect(client.offsets).toEqual(everyOffset);
    for (const client of clients) expect(client.resyncs).toEqual([]);
    expect(retries.length).toBeGreaterThan(0);
  }, 240_000);
});
