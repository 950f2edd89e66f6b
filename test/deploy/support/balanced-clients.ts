import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { until } from './gateway-processes.js';

/**
 * Stock socket.io-client sockets through the balancer, and the publications that flow to them.
 * `withCredentials: true` is what makes the Node.js client keep (and send back) the balancer's
 * stickiness cookie, as a browser does on its own origin.
 */
export type Transport = 'polling' | 'websocket';

export interface Tick {
  channel: string;
  event: string;
  offset: number;
  epoch: string;
  data: { n: number };
}

export interface BalancedClient {
  readonly socket: Socket;
  readonly ticks: Tick[];
  /** Why the client lost its connection, if it did (it does not reconnect). */
  lost(): string | undefined;
}

/** Connects without reconnection; rejects with the reason when the handshake or the session fails. */
export function openClient(url: string, token: string, transports: Transport[]): Promise<BalancedClient> {
  const socket = io(url, {
    auth: { token },
    transports,
    withCredentials: true,
    reconnection: false,
    forceNew: true,
  });
  const ticks: Tick[] = [];
  let lost: string | undefined;
  socket.on('deploy.tick', (tick: Tick) => ticks.push(tick));
  return new Promise((resolve, reject) => {
    // Before `connect`, a transport that fails after the Engine.IO handshake ends here.
    const early = (reason: string): void => {
      socket.close();
      reject(new Error(`disconnected before connect: ${reason}`));
    };
    socket.once('disconnect', early);
    socket.once('connect', () => {
      socket.off('disconnect', early);
      socket.on('disconnect', (reason, details) => (lost = `${reason} ${JSON.stringify(details ?? {})}`));
      resolve({ socket, ticks, lost: () => lost });
    });
    socket.once('connect_error', (error) => {
      socket.close();
      reject(new Error(`connect_error: ${error.message}`));
    });
  });
}

export function uniqueChannel(name: string): string {
  return `public:${name}-${randomBytes(3).toString('hex')}`;
}

/** Publishes `count` ticks one after the other through `url` (the REST API). */
export async function publishTicks(
  url: string,
  token: string,
  channel: string,
  count: number,
): Promise<void> {
  for (let n = 1; n <= count; n++) {
    const response = await fetch(`${url}/api/v1/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ channel, event: 'deploy.tick', data: { n } }),
    });
    if (response.status !== 201) throw new Error(`publish ${n}: ${response.status} ${await response.text()}`);
  }
}

/**
 * Subscribes every client, publishes `count` ticks through the balancer and waits until each
 * client holds them all; rejects as soon as a client loses its connection. The ticks must
 * then be exactly offsets 1..count, in order, on every client.
 */
export async function everyClientReceivesEverything(
  balancer: string,
  clients: BalancedClient[],
  publisherToken: string,
  count: number,
): Promise<void> {
  const channel = uniqueChannel('balanced');
  for (const client of clients) {
    const ack = (await client.socket.timeout(10_000).emitWithAck('subscribe', { channel })) as {
      ok: boolean;
    };
    if (!ack.ok) throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
  }
  await publishTicks(balancer, publisherToken, channel, count);
  await until(() => {
    const broken = clients.find((client) => client.lost() !== undefined);
    if (broken) throw new Error(`a client lost its connection: ${broken.lost()}`);
    return clients.every((client) => client.ticks.length >= count);
  }, `${count} publications on every client`);
  const expected = Array.from({ length: count }, (_, index) => index + 1);
  for (const client of clients) {
    expect(client.ticks.map((tick) => tick.offset)).toEqual(expected);
    expect(client.ticks.map((tick) => tick.data.n)).toEqual(expected);
    expect(new Set(client.ticks.map((tick) => tick.epoch)).size).toBe(1);
  }
}

/** `switchboard_connections{transport=…}` of one gateway, read from its own /metrics. */
export async function connectionsOn(gatewayUrl: string, transport: Transport): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const line = new RegExp(
    `^switchboard_connections\\{[^}]*transport="${transport}"[^}]*\\} (\\d+)`,
    'm',
  ).exec(text);
  return line ? Number(line[1]) : 0;
}
