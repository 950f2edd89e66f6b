import type { Deployment } from '../deployment.js';
import {
  closeAll,
  command,
  connect,
  pool,
  restPublish,
  serviceToken,
  sign,
  sleep,
  type Transport,
} from '../load/clients.js';
import type { BenchSocket } from '../load/clients.js';
import { latencies, round } from '../stats.js';

export interface FanoutLoad {
  readonly clients: number;
  readonly publications: number;
  readonly perSecond: number;
  readonly transport: Transport;
}

export type FanoutResult = {
  readonly clients: number;
  readonly expected: number;
  readonly delivered: number;
  readonly inOrder: boolean;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly deliveriesPerSecond: number;
  readonly cpuUsPerDelivery: number;
  readonly heapKbPerConnection: number;
  readonly rssKbPerConnection: number;
};

interface Tick {
  readonly offset: number;
  readonly data: { readonly sentAt: number };
}

const CHANNEL = 'public:bench';
const CONNECT_CONCURRENCY = 25;
/** How long deliveries may trail the last publication before the missing ones count as lost. */
const DRAIN_MS = 15_000;

/** Subscribers of one channel, counting each delivery and its latency (REST call → receipt). */
class Audience {
  readonly sockets: BenchSocket[] = [];
  readonly latencies: number[] = [];
  delivered = 0;
  inOrder = true;
  lastAt = 0;
  private waiting?: { count: number; resolve: () => void };

  constructor(
    private readonly deployment: Deployment,
    private readonly transport: Transport,
    private readonly tag: string,
  ) {}

  async join(count: number): Promise<void> {
    const urls = this.deployment.urls;
    const joined = await pool(count, CONNECT_CONCURRENCY, async (i) => {
      const socket = await connect(urls[i % urls.length], sign({ sub: `${this.tag}-${i}` }), this.transport);
      let last = Number.NaN;
      socket.on('bench.tick', (payload) => {
        const { offset, data } = payload as Tick;
        this.lastAt = performance.now();
        this.latencies.push(this.lastAt - data.sentAt);
        if (offset !== last + 1) this.inOrder = false;
        last = offset;
        this.delivered++;
        if (this.waiting && this.delivered >= this.waiting.count) this.waiting.resolve();
      });
      last = (await command<{ offset: number }>(socket, 'subscribe', { channel: CHANNEL })).offset;
      return socket;
    });
    this.sockets.push(...joined);
  }

  /** Resolves once `count` deliveries arrived in total, or after `timeoutMs`. */
  until(count: number, timeoutMs: number): Promise<void> {
    if (this.delivered >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiting = {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }
}

/** `count` REST publications at `perSecond`, round-robin over the instances. */
async function publishPaced(deployment: Deployment, count: number, perSecond: number): Promise<void> {
  const token = serviceToken();
  const urls = deployment.urls;
  const started = performance.now();
  const calls: Promise<void>[] = [];
  for (let n = 0; n < count; n++) {
    const due = started + (n * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const body = { channel: CHANNEL, event: 'bench.tick', data: { n, sentAt: performance.now() } };
    calls.push(
      restPublish(urls[n % urls.length], '/api/v1/publish', body, token).then(({ status }) => {
        if (status !== 201) throw new Error(`publish answered ${status}`);
      }),
    );
  }
  await Promise.all(calls);
}

/**
 * One channel, `clients` subscribers, REST publications at a steady rate. Heap and RSS per
 * connection are the growth, after GC, from before the clients connected to after they all
 * subscribed; CPU is the servers' from the first publication to the last delivery.
 */
export async function runFanout(deployment: Deployment, load: FanoutLoad): Promise<FanoutResult> {
  // Warm-up (JIT, lazily loaded modules, first REST call) outside every measurement.
  const warm = new Audience(deployment, load.transport, 'warm');
  await warm.join(Math.min(10, load.clients));
  await publishPaced(deployment, 20, 200);
  await warm.until(20 * warm.sockets.length, DRAIN_MS);
  closeAll(warm.sockets);
  await sleep(200);

  const audience = new Audience(deployment, load.transport, 'fan');
  try {
    // The first collection after the warm-up can still hand pages back to the OS: read twice.
    await deployment.memory();
    const empty = await deployment.memory();
    await audience.join(load.clients);
    const full = await deployment.memory();

    const expected = load.clients * load.publications;
    const cpuBefore = deployment.cpuSeconds();
    const started = performance.now();
    await deployment.profiled(async () => {
      await publishPaced(deployment, load.publications, load.perSecond);
      await audience.until(expected, DRAIN_MS);
    });
    const cpuSeconds = deployment.cpuSeconds() - cpuBefore;
    const seconds = (Math.max(audience.lastAt, started + 1) - started) / 1000;

    return {
      clients: load.clients,
      expected,
      delivered: audience.delivered,
      inOrder: audience.inOrder,
      ...latencies(audience.latencies),
      deliveriesPerSecond: Math.round(audience.delivered / seconds),
      cpuUsPerDelivery: round((cpuSeconds * 1e6) / Math.max(1, audience.delivered)),
      heapKbPerConnection: round((full.heapUsed - empty.heapUsed) / 1024 / load.clients, 1),
      rssKbPerConnection: round((full.rss - empty.rss) / 1024 / load.clients, 1),
    };
  } finally {
    closeAll(audience.sockets);
  }
}
