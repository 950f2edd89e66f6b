import type { Deployment } from '../deployment.js';
import { closeAll, command, connect, pool, restPublish, serviceToken, sign } from '../load/clients.js';
import type { BenchSocket } from '../load/clients.js';
import { round } from '../stats.js';

export interface BatchLoad {
  readonly requests: number;
  readonly itemsPerRequest: number;
  readonly channels: number;
  readonly subscribersPerChannel: number;
  readonly concurrency: number;
}

export type BatchResult =
  | { readonly available: false; readonly status: number }
  | {
      readonly available: true;
      readonly publications: number;
      readonly publicationsPerSecond: number;
      readonly cpuUsPerPublication: number;
      readonly expected: number;
      readonly delivered: number;
    };

const DRAIN_MS = 15_000;

/**
 * `POST /api/v1/publish/batch` throughput: `requests` batches of `itemsPerRequest` items over
 * `channels` channels, each with a few subscribers. A server without the endpoint (404 on
 * the first batch) is reported as not available, so the scenario counts as soon as it exists.
 */
export async function runBatch(deployment: Deployment, load: BatchLoad): Promise<BatchResult> {
  const url = deployment.urls[0];
  const token = serviceToken();
  const channel = (i: number): string => `public:batch-${i % load.channels}`;
  const batch = (n: number) => ({
    publications: Array.from({ length: load.itemsPerRequest }, (_, i) => ({
      channel: channel(i),
      event: 'bench.batch',
      data: { n, i },
    })),
  });
  const probe = await restPublish(url, '/api/v1/publish/batch', batch(-1), token);
  if (probe.status !== 200) return { available: false, status: probe.status };

  let delivered = 0;
  let expected = 0;
  let settle: (() => void) | undefined;
  const sockets: BenchSocket[] = [];
  try {
    const subscribers = load.channels * load.subscribersPerChannel;
    sockets.push(
      ...(await pool(subscribers, 25, async (i) => {
        const socket = await connect(url, sign({ sub: `batch-${i}` }), 'websocket');
        socket.on('bench.batch', () => {
          if (++delivered >= expected) settle?.();
        });
        await command(socket, 'subscribe', { channel: channel(i) });
        return socket;
      })),
    );
    const publications = load.requests * load.itemsPerRequest;
    expected = publications * load.subscribersPerChannel;
    const cpuBefore = deployment.cpuSeconds();
    const started = performance.now();
    await pool(load.requests, load.concurrency, async (n) => {
      const { status } = await restPublish(url, '/api/v1/publish/batch', batch(n), token);
      if (status !== 200) throw new Error(`batch publish answered ${status}`);
    });
    const seconds = (performance.now() - started) / 1000;
    if (delivered < expected) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, DRAIN_MS);
        settle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const cpuSeconds = deployment.cpuSeconds() - cpuBefore;
    return {
      available: true,
      publications,
      publicationsPerSecond: Math.round(publications / seconds),
      cpuUsPerPublication: round((cpuSeconds * 1e6) / publications, 1),
      expected,
      delivered,
    };
  } finally {
    closeAll(sockets);
  }
}
