import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import { GatewayProcess } from './gateway-process.js';
import { percentile, round } from './stats.js';

export interface ScenarioSpec {
  readonly name: string;
  readonly instances: number;
  /** Extra environment for every instance (REDIS_URL, REDIS_KEY_PREFIX, …). */
  readonly env: Record<string, string>;
  readonly subscribers: number;
  readonly publications: number;
  /** REST publish requests in flight at once, spread over the instances. */
  readonly concurrency: number;
}

export interface ScenarioResult {
  readonly name: string;
  readonly instances: number;
  readonly subscribers: number;
  readonly publications: number;
  readonly expected: number;
  readonly delivered: number;
  readonly deliveredRatio: number;
  readonly inOrder: boolean;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly deliveriesPerSecond: number;
  /** Server CPU (all instances, user + system) per 1000 deliveries, in milliseconds. */
  readonly cpuMsPer1000Deliveries: number;
}

const SECRET = 'bench-secret-0123456789-abcdefghij';
const CHANNEL = 'public:bench';
const sign = (claims: object) => jwt.sign(claims, SECRET, { algorithm: 'HS256', expiresIn: 3600 });

function connect(url: string, token: string): Promise<Socket> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/**
 * One measured run: instances in their own processes, subscribers spread round-robin over
 * them, REST publishes spread round-robin too. Latency is publish call → receipt, on one clock.
 */
export async function runScenario(spec: ScenarioSpec): Promise<ScenarioResult> {
  const gateways: GatewayProcess[] = [];
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < spec.instances; i++) {
      gateways.push(
        await GatewayProcess.start({
          ...spec.env,
          JWT_SECRET: SECRET,
          NODE_ENV: 'production',
          INSTANCE_ID: `bench-${i}`,
        }),
      );
    }
    const latencies: number[] = [];
    let delivered = 0;
    let inOrder = true;
    const expected = spec.publications * spec.subscribers;
    let allArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (allArrived = resolve));

    for (let i = 0; i < spec.subscribers; i++) {
      const socket = await connect(gateways[i % gateways.length].url, sign({ sub: `bench-sub-${i}` }));
      // Offsets continue from the channel's top at subscribe time.
      let last = Number.NaN;
      socket.on('bench.tick', (publication: { offset: number; data: { sentAt: number } }) => {
        latencies.push(Date.now() - publication.data.sentAt);
        if (publication.offset !== last + 1) inOrder = false;
        last = publication.offset;
        if (++delivered === expected) allArrived();
      });
      const ack = (await socket.timeout(10_000).emitWithAck('subscribe', { channel: CHANNEL })) as {
        ok: boolean;
        data: { offset: number };
      };
      if (!ack.ok) throw new Error('subscribe failed');
      last = ack.data.offset;
      sockets.push(socket);
    }

    const service = sign({ sub: 'bench-backend', roles: ['service'] });
    const cpuBefore = gateways.reduce((sum, g) => sum + g.cpuSeconds(), 0);
    const started = Date.now();
    let next = 0;
    const publisher = async (): Promise<void> => {
      while (next < spec.publications) {
        const n = next++;
        const response = await fetch(`${gateways[n % gateways.length].url}/api/v1/publish`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${service}` },
          body: JSON.stringify({ channel: CHANNEL, event: 'bench.tick', data: { n, sentAt: Date.now() } }),
        });
        if (response.status !== 201) throw new Error(`publish answered ${response.status}`);
      }
    };
    await Promise.all(Array.from({ length: spec.concurrency }, publisher));
    await Promise.race([arrived, new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
    const seconds = (Date.now() - started) / 1000;
    const cpuSeconds = gateways.reduce((sum, g) => sum + g.cpuSeconds(), 0) - cpuBefore;

    return {
      name: spec.name,
      instances: spec.instances,
      subscribers: spec.subscribers,
      publications: spec.publications,
      expected,
      delivered,
      deliveredRatio: round(delivered / expected, 4),
      inOrder,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      deliveriesPerSecond: Math.round(delivered / seconds),
      cpuMsPer1000Deliveries: round((cpuSeconds * 1000 * 1000) / Math.max(1, delivered)),
    };
  } finally {
    for (const socket of sockets) socket.close();
    for (const gateway of gateways) await gateway.stop();
  }
}
