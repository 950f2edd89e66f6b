import type { Deployment } from '../deployment.js';
import { closeAll, command, connect, pool, sign } from '../load/clients.js';
import type { BenchSocket } from '../load/clients.js';
import { latencies, round } from '../stats.js';

export interface ConnectSubscribeLoad {
  readonly clients: number;
  readonly concurrency: number;
}

export type ConnectSubscribeResult = {
  readonly clients: number;
  readonly expected: number;
  /** Clients whose `subscribe` was acknowledged `ok`. */
  readonly delivered: number;
  readonly connectsPerSecond: number;
  /** Connect (JWT handshake) → `subscribe` ack, per client. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuUsPerConnectSubscribe: number;
};

/** Each client its own room, granted by name in its token (an exact `channels` entry). */
const room = (tag: string, i: number): string => `chat:${tag}-${i}`;
const token = (tag: string, i: number): string =>
  sign({ sub: `${tag}-${i}`, name: `User ${i}`, channels: [room(tag, i)] });

/**
 * A reconnect storm: per client, a WebSocket connect with its own JWT, then one `subscribe`
 * with its ack, `concurrency` clients in flight. Server CPU (user + system) from the first
 * connect to the last ack, divided by the clients; the connections stay open until the end.
 * The channel is a chat room the token grants by name, so the permission check reads the
 * token on both servers (Switchboard also keeps the room's presence and occupancy).
 */
export async function runConnectSubscribe(
  deployment: Deployment,
  load: ConnectSubscribeLoad,
): Promise<ConnectSubscribeResult> {
  const urls = deployment.urls;
  const storm = (tag: string, tokens: readonly string[], times: number[]): Promise<BenchSocket[]> =>
    pool(tokens.length, load.concurrency, async (i) => {
      const started = performance.now();
      const socket = await connect(urls[i % urls.length], tokens[i], 'websocket');
      await command(socket, 'subscribe', { channel: room(tag, i) });
      times.push(performance.now() - started);
      return socket;
    });
  // Tokens signed beforehand, so the load generator only connects.
  const tokens = (tag: string, count: number): string[] =>
    Array.from({ length: count }, (_, i) => token(tag, i));
  // Warm-up (JIT, lazily loaded modules) outside the measurement.
  closeAll(await storm('warm', tokens('warm', 50), []));

  const signed = tokens('storm', load.clients);
  const times: number[] = [];
  let sockets: BenchSocket[] = [];
  try {
    await deployment.heapSnapshot('before');
    const cpuBefore = deployment.cpuSeconds();
    const started = performance.now();
    sockets = await deployment.profiled(() => storm('storm', signed, times));
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = deployment.cpuSeconds() - cpuBefore;
    await deployment.heapSnapshot('after');
    return {
      clients: load.clients,
      expected: load.clients,
      delivered: times.length,
      connectsPerSecond: Math.round(times.length / seconds),
      ...latencies(times),
      cpuUsPerConnectSubscribe: round((cpuSeconds * 1e6) / load.clients, 1),
    };
  } finally {
    closeAll(sockets);
  }
}
