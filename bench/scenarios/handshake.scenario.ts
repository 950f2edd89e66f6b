import type { Deployment } from '../deployment.js';
import { closeAll, connect, pool, sign } from '../load/clients.js';
import type { BenchSocket } from '../load/clients.js';
import { round } from '../stats.js';

export interface HandshakeLoad {
  readonly handshakes: number;
  readonly concurrency: number;
}

export type HandshakeResult = {
  readonly handshakes: number;
  readonly handshakesPerSecond: number;
  readonly cpuUsPerHandshake: number;
};

/**
 * WebSocket handshakes, each with its own (pre-signed) token that the server verifies,
 * `concurrency` in flight; the connections stay open until the end.
 */
export async function runHandshakes(deployment: Deployment, load: HandshakeLoad): Promise<HandshakeResult> {
  const urls = deployment.urls;
  const open = (tokens: string[]): Promise<BenchSocket[]> =>
    pool(tokens.length, load.concurrency, (i) => connect(urls[i % urls.length], tokens[i], 'websocket'));
  closeAll(await open(Array.from({ length: 50 }, (_, i) => sign({ sub: `warm-${i}` }))));

  const tokens = Array.from({ length: load.handshakes }, (_, i) =>
    sign({ sub: `hs-${i}`, name: `User ${i}` }),
  );
  const cpuBefore = deployment.cpuSeconds();
  const started = performance.now();
  const sockets = await deployment.profiled(() => open(tokens));
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = deployment.cpuSeconds() - cpuBefore;
  closeAll(sockets);
  return {
    handshakes: sockets.length,
    handshakesPerSecond: Math.round(sockets.length / seconds),
    cpuUsPerHandshake: round((cpuSeconds * 1e6) / sockets.length, 1),
  };
}
