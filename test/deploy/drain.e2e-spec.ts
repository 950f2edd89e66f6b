import { connectionsOn, uniqueChannel, type Transport } from './support/balanced-clients.js';
import { readiness, startCluster, until, type GatewayCluster } from './support/gateway-processes.js';
import { HAPROXY_CFG, startHaproxy, type Haproxy } from './support/haproxy.js';
import {
  publishUntilStopped,
  recordingClient,
  topOffset,
  type RecordingClient,
} from './support/sdk-clients.js';

/**
 * One of three gateways behind HAProxy goes away while publications flow: on SIGTERM it
 * drains as the contract says (readiness 503 at once, new handshakes refused, transports
 * closed so clients see `transport close`, exit 0); on SIGKILL it just vanishes. Either way
 * every SDK client reconnects through the balancer to another gateway and its handler ends
 * with every offset exactly once, in order.
 */
/** Long enough that the SIGTERM checks below (readiness, a handshake) fall inside the drain on a busy machine. */
const DRAIN_MS = 4000;
const TRANSPORTS: Transport[][] = [['polling'], ['websocket'], ['polling', 'websocket']];
/** Round-robin hands consecutive handshakes to consecutive gateways: three of each transport
 * kind in a row put one of each kind on every gateway (checked on the victim below). */
const CLIENTS = 9;

describe.each(['SIGTERM', 'SIGKILL'] as const)('%s of one of three gateways behind HAProxy', (signal) => {
  let cluster: GatewayCluster;
  let haproxy: Haproxy;
  const clients: RecordingClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster(`drain-${signal.toLowerCase()}`, 3, { SHUTDOWN_DRAIN_MS: String(DRAIN_MS) });
    haproxy = await startHaproxy(
      HAPROXY_CFG,
      cluster.gateways.map((gateway) => gateway.port),
    );
  }, 90_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await haproxy?.stop();
    await cluster?.stop();
  }, 30_000);

  it('every client ends with every offset, none twice, after reconnecting elsewhere', async () => {
    const channel = uniqueChannel(`drain-${signal}`);
    const service = cluster.token({ sub: 'deploy-publisher', roles: ['service'] });
    for (let i = 0; i < CLIENTS; i++) {
      const token = cluster.token({ sub: `drain-reader-${i}` });
      clients.push(await recordingClient(haproxy.url, token, TRANSPORTS[Math.floor(i / 3)], channel));
    }
    const victim = cluster.gateways[1];
    const pollingOnVictim = await connectionsOn(victim.url, 'polling');
    const onVictim = pollingOnVictim + (await connectionsOn(victim.url, 'websocket'));
    expect(pollingOnVictim).toBeGreaterThanOrEqual(1);
    expect(onVictim).toBeGreaterThan(pollingOnVictim);

    const publisher = publishUntilStopped(haproxy.url, service, channel);
    await until(() => publisher.published() >= 20, 'publications before the signal');
    victim.process.kill(signal);

    if (signal === 'SIGTERM') {
      // Readiness turns 503 while the process still runs (it drains for DRAIN_MS): seen within
      // the first half of the drain, which leaves the other half for the handshake below…
      await until(async () => (await readiness(victim.url)).status === 503, 'readiness 503', DRAIN_MS / 2);
      expect(victim.process.exitCode).toBeNull();
      // …and it refuses new Engine.IO handshakes, on either transport, as a passing refusal
      // (503: a stock client retries by itself).
      const handshake = await fetch(`${victim.url}/socket.io/?EIO=4&transport=polling`);
      expect(handshake.status).toBe(503);
    }
    expect(await victim.exited).toBe(signal === 'SIGTERM' ? 0 : 'SIGKILL');
    await until(
      async () => (await haproxy.servers())['gateway-2']?.startsWith('DOWN'),
      'HAProxy marks it DOWN',
    );

    // Everyone who lost the victim is back, through the balancer, on another gateway.
    await until(() => clients.every((client) => client.client.state.connected), 'every client reconnected');
    const resumedAt = publisher.published();
    await until(() => publisher.published() >= resumedAt + 20, 'publications after the reconnects');
    await publisher.stop();

    const top = await topOffset(haproxy.url, service, channel);
    expect(top).toBeGreaterThanOrEqual(publisher.published());
    await until(
      () => clients.every((client) => client.offsets[client.offsets.length - 1] === top),
      `offset ${top} on every client`,
      30_000,
    );
    const everyOffset = Array.from({ length: top }, (_, index) => index + 1);
    for (const client of clients) expect(client.offsets).toEqual(everyOffset);

    const moved = clients.filter((client) => client.disconnects.length > 0);
    expect(moved).toHaveLength(onVictim);
    const reasons = new Set(moved.flatMap((client) => client.disconnects));
    if (signal === 'SIGTERM') expect([...reasons]).toEqual(['transport close']);
    else
      for (const reason of reasons)
        expect(['transport close', 'transport error', 'ping timeout']).toContain(reason);
    for (const client of moved) expect(client.client.state.reconnects).toBeGreaterThanOrEqual(1);
    expect(moved.filter((client) => client.transports.join() === 'polling')).toHaveLength(pollingOnVictim);
  }, 90_000);
});
