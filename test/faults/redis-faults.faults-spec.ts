import { mkdirSync, writeFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import { recordingClient, type RecordingClient } from '../deploy/support/sdk-clients.js';
import {
  CLUSTER_SECRET,
  readiness,
  startGatewayProcess,
  until,
  type GatewayProcess,
} from '../deploy/support/gateway-processes.js';
import { repoPath } from '../deploy/support/repo-files.js';
import type { Transport } from '../deploy/support/balanced-clients.js';
import { PrivateRedis } from '../redis/support/redis-server.js';
import jwt from 'jsonwebtoken';

jest.setTimeout(300_000);

/**
 * Issue 9, faults: Redis frozen for 20 s (SIGSTOP), then killed (SIGKILL) and restarted, under
 * 50 publications a second spread over two gateway processes, with SDK subscribers
 * (`@switchboard/client`) on both, half on long-polling. No process crashes and liveness
 * never fails; readiness turns 503 during each fault and 200 after it; every client is
 * connected at the end without the test touching it, those that arrived during a fault (and
 * were refused with a retryable 503) included; and at every SDK handler every stored
 * publication arrives exactly once, in order, so none answered 201 is lost or duplicated.
 * The private Redis writes an append-only file with `appendfsync always`, so the stream
 * survives the kill (a Redis without persistence loses its streams with it: clients then
 * reload, which test/deploy/chaos and test/core cover).
 */
const CHANNEL = 'public:faults';
const RATE_PER_SECOND = 50;
const FREEZE_MS = 20_000;
/** How long Redis stays dead before it is started again. */
const DOWN_MS = 5_000;
const CLIENTS = 8;
const TRANSPORTS: Transport[][] = [['websocket'], ['polling'], ['polling', 'websocket'], ['polling']];

interface Outcome {
  at: number;
  status: number | 'error';
  offset?: number;
  epoch?: string;
}

/** Publishes at {@link RATE_PER_SECOND} without waiting for answers, alternating gateways. */
function steadyPublisher(gateways: GatewayProcess[], token: string) {
  const outcomes: Outcome[] = [];
  const inFlight = new Set<Promise<void>>();
  let n = 0;
  const send = (): void => {
    const gateway = gateways[n % gateways.length];
    const body = JSON.stringify({ channel: CHANNEL, event: 'faults.tick', data: { n: ++n } });
    const at = Date.now();
    const call = fetch(`${gateway.url}/api/v1/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
      signal: AbortSignal.timeout(30_000),
    })
      .then(async (response) => {
        const answer = (await response.json()) as { offset?: number; epoch?: string };
        outcomes.push({ at, status: response.status, offset: answer.offset, epoch: answer.epoch });
      })
      .catch(() => void outcomes.push({ at, status: 'error' }))
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
  };
  const timer = setInterval(send, 1000 / RATE_PER_SECOND);
  return {
    outcomes,
    sent: () => n,
    async stop(): Promise<void> {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}

/** Samples both gateways' liveness and readiness every 250 ms. */
function healthSampler(gateways: GatewayProcess[]) {
  const samples: { at: number; gateway: string; live: number; ready: number }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const gateway of gateways) {
        const live = await fetch(`${gateway.url}/health/live`, { signal: AbortSignal.timeout(5_000) }).then(
          (response) => response.status,
          () => 0,
        );
        samples.push({
          at: Date.now(),
          gateway: gateway.instanceId,
          live,
          ready: (await readiness(gateway.url)).status,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    samples,
    async stop(): Promise<void> {
      running = false;
      await loop;
    },
  };
}

describe('Redis faults under a steady publication flow (two gateway processes, SDK subscribers)', () => {
  let redis: PrivateRedis;
  const gateways: GatewayProcess[] = [];
  const clients: RecordingClient[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start(['--appendonly', 'yes', '--appendfsync', 'always']);
    const env = {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'faults:',
      POSITION_INTERVAL_SECONDS: '1',
      HISTORY_SIZE: '5000',
    };
    gateways.push(...(await Promise.all([1, 2].map((n) => startGatewayProcess(`faults-${n}`, env)))));
  }, 120_000);

  afterAll(async () => {
    redis?.resume();
    await Promise.all(clients.map((client) => client.close()));
    for (const gateway of gateways) gateway.process.kill('SIGKILL');
    await Promise.all(gateways.map((gateway) => gateway.exited));
    await redis?.destroy();
  }, 60_000);

  it('no crash, readiness follows, clients reconnect by themselves, no 201 lost or duplicated', async () => {
    const started = Date.now();
    const timeline: string[] = [];
    const note = (what: string): void => void timeline.push(`${Date.now() - started} ms: ${what}`);
    const token = (claims: object): string =>
      jwt.sign(claims, CLUSTER_SECRET, { algorithm: 'HS256', expiresIn: 900 });
    for (let i = 0; i < CLIENTS; i++) {
      const gateway = gateways[i % 2];
      clients.push(
        await recordingClient(gateway.url, token({ sub: `faults-reader-${i}` }), TRANSPORTS[i % 4], CHANNEL),
      );
    }
    const health = healthSampler(gateways);
    const publisher = steadyPublisher(gateways, token({ sub: 'faults-backend', roles: ['service'] }));
    const created = (): number => publisher.outcomes.filter((o) => o.status === 201).length;
    const allReady = async (status: number): Promise<boolean> =>
      (await Promise.all(gateways.map((gateway) => readiness(gateway.url)))).every(
        (r) => r.status === status,
      );
    const phases: Record<string, number> = {};
    /** Clients that start while Redis is out: their handshakes are refused until it is back. */
    const lateJoiners: Promise<RecordingClient>[] = [];
    const joinLate = (phase: string): void => {
      for (const [n, gateway] of gateways.entries()) {
        const sub = `faults-late-${phase}-${n}`;
        lateJoiners.push(recordingClient(gateway.url, token({ sub }), TRANSPORTS[n + 1], CHANNEL));
      }
    };

    // Steady flow, then Redis frozen for 20 s.
    await until(() => created() >= 100, 'publications before the freeze', 30_000);
    redis.pause();
    const frozeAt = Date.now();
    note('redis frozen (SIGSTOP)');
    await until(() => allReady(503), 'readiness 503 on both while frozen', FREEZE_MS);
    phases.readiness503AfterFreezeMs = Date.now() - frozeAt;
    note('both gateways not ready');
    joinLate('freeze');
    await new Promise((resolve) => setTimeout(resolve, FREEZE_MS - (Date.now() - frozeAt)));
    redis.resume();
    const resumedAt = Date.now();
    note('redis resumed (SIGCONT)');
    await until(() => allReady(200), 'readiness 200 on both after the freeze', 30_000);
    phases.readiness200AfterResumeMs = Date.now() - resumedAt;
    note('both gateways ready');

    // Steady flow again, then Redis killed and started again on the same port and files.
    const beforeKill = created();
    await until(() => created() >= beforeKill + 100, 'publications before the kill', 60_000);
    await redis.kill();
    const killedAt = Date.now();
    note('redis killed (SIGKILL)');
    await until(() => allReady(503), 'readiness 503 on both while Redis is down', 30_000);
    phases.readiness503AfterKillMs = Date.now() - killedAt;
    note('both gateways not ready');
    joinLate('kill');
    await new Promise((resolve) => setTimeout(resolve, DOWN_MS - (Date.now() - killedAt)));
    await redis.start();
    const restartedAt = Date.now();
    note('redis started again');
    await until(() => allReady(200), 'readiness 200 on both after the restart', 60_000);
    phases.readiness200AfterRestartMs = Date.now() - restartedAt;
    note('both gateways ready');
    const beforeEnd = created();
    await until(() => created() >= beforeEnd + 100, 'publications after the restart', 60_000);
    await publisher.stop();
    note('publisher stopped');

    // The late joiners connected by themselves once Redis was back.
    const joined = await Promise.allSettled(lateJoiners);
    const late = joined.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    clients.push(...late);
    expect(joined.filter((result) => result.status === 'rejected')).toEqual([]);
    note('every late joiner connected');

    // Every client ends at the stream's top without the test reconnecting anything.
    const readTop = (): Promise<{ offset: number; epoch: string }> =>
      fetch(`${gateways[0].url}/api/v1/channels/${CHANNEL}/history?limit=1`, {
        headers: { authorization: `Bearer ${token({ sub: 'faults-backend', roles: ['service'] })}` },
      }).then(async (response) => (await response.json()) as { offset: number; epoch: string });
    const top = await readTop();
    await until(
      () => clients.every((client) => client.client.state.connected && client.offsets.at(-1) === top.offset),
      `offset ${top.offset} on every client`,
      60_000,
    );
    await health.stop();
    // Nothing was still on its way into the stream when its top was read.
    expect(await readTop()).toEqual(top);
    note('settled');

    const outcomes = publisher.outcomes;
    const createdOffsets = outcomes.filter((o) => o.status === 201).map((o) => o.offset!);
    const statuses = outcomes.reduce<Record<string, number>>((counts, o) => {
      counts[String(o.status)] = (counts[String(o.status)] ?? 0) + 1;
      return counts;
    }, {});
    const figures = clients.map((client) => {
      const unique = new Set(client.offsets);
      const first = client.offsets[0] ?? 0;
      return {
        late: late.includes(client),
        transports: client.transports.join('+'),
        refusedHandshakes: client.connectErrors.length,
        handled: client.offsets.length,
        created201Missing: createdOffsets.filter((offset) => offset >= first && !unique.has(offset)).length,
        duplicated: client.offsets.length - unique.size,
        outOfOrder: client.offsets.filter((offset, i) => i > 0 && offset <= client.offsets[i - 1]).length,
        resyncs: client.resyncs.length,
        disconnects: client.disconnects.length,
        reconnects: client.client.state.reconnects,
      };
    });
    const failedLive = health.samples.filter((sample) => sample.live !== 200);
    const report = {
      machine: '2 cores',
      durationMs: Date.now() - started,
      publications: {
        sent: publisher.sent(),
        statuses,
        stored: top.offset,
        epochs: [...new Set(outcomes.map((o) => o.epoch).filter(Boolean))],
      },
      liveness: { samples: health.samples.length, failed: failedLive.length },
      phases,
      timeline,
      clients: figures,
      gatewayExitCodes: gateways.map((gateway) => gateway.process.exitCode),
    };
    mkdirSync(repoPath('test-results'), { recursive: true });
    writeFileSync(repoPath('test-results', 'redis-faults.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.info(JSON.stringify(report, null, 2));

    // No crash: both processes run and answered every liveness probe.
    for (const gateway of gateways) expect(gateway.process.exitCode).toBeNull();
    expect(failedLive).toEqual([]);
    // Every 201 carried the one epoch (the stream survived), and 201s were answered in each phase.
    expect(report.publications.epochs).toEqual([top.epoch]);
    expect(statuses['201']).toBeGreaterThanOrEqual(300);
    // At every handler: everything stored since it subscribed (from 1 for the first eight),
    // once, in order; no resync.
    const from = (first: number): number[] =>
      Array.from({ length: top.offset - first + 1 }, (_, i) => first + i);
    for (const client of clients) {
      expect(client.offsets).toEqual(from(late.includes(client) ? client.offsets[0] : 1));
    }
    for (const figure of figures) {
      expect(figure).toMatchObject({ created201Missing: 0, duplicated: 0, resyncs: 0 });
    }
    // Every late joiner was refused (retryably) at least once and came back by itself.
    for (const client of late) {
      expect(client.connectErrors.length).toBeGreaterThan(0);
      expect(client.connectErrors.every((error) => error === 'CONNECTION_FAILED true')).toBe(true);
    }
  });
});
