import { NodeWebSocket, NodeXHR } from 'socket.io-client';
import { ServerEmitter } from '../../src/core/delivery/server-emitter.js';
import type { GatewaySocket } from '../../src/core/connections/gateway-socket.js';
import { SocketServerRef } from '../../src/core/delivery/socket-server.ref.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { sampleValue, scrapeMetrics } from '../support/metrics.js';
import { barrier, publish } from '../support/publisher.js';
import { RawWebSocket } from '../support/raw-engine.js';
import { SocketPool } from '../support/socket-pool.js';
import { type ClientSocket, commandOk } from '../support/socket.js';

interface Tick {
  readonly channel: string;
  readonly offset: number;
}

/** The offsets of `channel` a client receives, as they arrive. */
function offsetsOf(socket: ClientSocket, channel: string): number[] {
  const offsets: number[] = [];
  socket.on('frame.tick', (p: Tick) => {
    if (p.channel === channel) offsets.push(p.offset);
  });
  return offsets;
}

const oneTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** Publishes `count` ticks to `channel`, `concurrency` REST calls in flight. */
async function publishMany(gateway: RunningGateway, channel: string, count: number, concurrency = 8) {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      await publish(gateway, channel, 'frame.tick', { text: 'x'.repeat(200) });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * Holds what a socket.io-client WebSocket transport would send (the Engine.IO probe, then the
 * `upgrade` packet) until the test releases it: the server then stays mid-upgrade for as long
 * as the test needs, and the client on polling meanwhile.
 */
class UpgradeGate {
  private holdAll = true;
  private holdUpgrade = true;
  private send?: () => void;
  private readonly signal: { opened?: () => void; upgradeHeld?: () => void } = {};
  /** The WebSocket is open (so the server is upgrading); its probe is held. */
  readonly opened = new Promise<void>((resolve) => (this.signal.opened = resolve));
  /** The probe was answered, polling paused, and the `upgrade` packet is held. */
  readonly upgradeHeld = new Promise<void>((resolve) => (this.signal.upgradeHeld = resolve));

  /** Called by the transport once open, with what sends everything it holds. */
  transportOpened(send: () => void): void {
    this.send = send;
    this.signal.opened?.();
  }

  /** Whether the transport holds `packets` (and everything after them). */
  holds(packets: readonly { type: string }[]): boolean {
    const upgrade = packets.some((p) => p.type === 'upgrade');
    if (upgrade && this.holdUpgrade) this.signal.upgradeHeld?.();
    return this.holdAll || (upgrade && this.holdUpgrade);
  }

  /** Lets the held probe through; the `upgrade` packet is held when it comes. */
  probe(): void {
    this.holdAll = false;
    this.send?.();
  }

  /** Lets the `upgrade` packet (and anything behind it) through. */
  upgrade(): void {
    this.holdUpgrade = false;
    this.send?.();
  }
}

/** socket.io-client's Node WebSocket transport, sending only what `gate` lets through. */
function heldWebSocket(gate: UpgradeGate): typeof NodeWebSocket {
  return class HeldWebSocket extends NodeWebSocket {
    private readonly held: unknown[] = [];

    override onOpen(): void {
      super.onOpen();
      gate.transportOpened(() => {
        const held = this.held.splice(0);
        if (held.length > 0) super.write(held);
      });
    }

    override write(packets: { type: string }[]): void {
      if (this.held.length > 0 || gate.holds(packets)) {
        this.held.push(...packets);
        return;
      }
      super.write(packets);
    }
  };
}

describe('publications framed once per instance (WebSocket frame-once delivery)', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  const counts = () => ({ ...gateway.app.get(ServerEmitter).frames.counts });
  const serverSocket = (client: ClientSocket): GatewaySocket => {
    const socket = gateway.app.get(SocketServerRef).server.sockets.sockets.get(client.id ?? '');
    if (!socket) throw new Error(`no server socket ${client.id}`);
    return socket;
  };

  beforeAll(async () => {
    // A small cap, so the slow consumer case reaches it soon after the kernel's buffers fill;
    // no `channel.position` (also framed once), so the counts are the publications' own.
    gateway = await startGateway({ MAX_BUFFERED_BYTES: String(256 * 1024), POSITION_INTERVAL_SECONDS: '0' });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it('WebSocket and polling subscribers of one channel each receive every publication, in order', async () => {
    const channel = 'public:frames-mixed';
    const token = (sub: string) => gateway.token({ sub });
    const websockets = [await pool.connect(token('ws-1')), await pool.connect(token('ws-2'))];
    const polling = [
      await pool.connect(token('poll-1'), { transports: ['polling'] }),
      await pool.connect(token('poll-2'), { transports: ['polling'] }),
    ];
    const clients = [...websockets, ...polling];
    const received = clients.map((c) => offsetsOf(c, channel));
    for (const client of clients) await commandOk(client, 'subscribe', { channel });

    const before = counts();
    await publishMany(gateway, channel, 120);
    for (const client of clients) await barrier(gateway, client, channel);

    // The barriers (another event) take offsets 121-124, after every tick.
    for (const offsets of received) expect(offsets).toEqual(oneTo(120));
    const after = counts();
    // Each publication (and barrier) went directly to both WebSockets, through Engine.IO to
    // both polling clients.
    expect({ direct: after.direct - before.direct, engine: after.engine - before.engine }).toEqual({
      direct: 2 * 124,
      engine: 2 * 124,
    });
  });

  it('a socket mid-upgrade receives everything in order, across both transports', async () => {
    const channel = 'public:frames-upgrade';
    const gate = new UpgradeGate();
    const upgrading = await pool.connect(gateway.token({ sub: 'upgrader' }), {
      transports: [NodeXHR, heldWebSocket(gate)],
    });
    const watcher = await pool.connect(gateway.token({ sub: 'watcher' }));
    const received = offsetsOf(upgrading, channel);
    const watched = offsetsOf(watcher, channel);
    await commandOk(watcher, 'subscribe', { channel });
    await gate.opened;
    // The WebSocket is open (the server is upgrading), its probe held: the client still polls.
    await commandOk(upgrading, 'subscribe', { channel });
    const server = serverSocket(upgrading).conn;
    expect({ upgrading: server.upgrading, transport: server.transport.name }).toEqual({
      upgrading: true,
      transport: 'polling',
    });
    await publishMany(gateway, channel, 20);

    // Probe answered, polling paused, the `upgrade` packet held: the server queues for it.
    gate.probe();
    await gate.upgradeHeld;
    await publishMany(gateway, channel, 20);
    expect(server.upgrading).toBe(true);

    // Upgrade completes while publications keep coming.
    const upgraded = new Promise((resolve) => server.once('upgrade', resolve));
    const during = publishMany(gateway, channel, 40, 2);
    gate.upgrade();
    await upgraded;
    await during;
    expect(server.transport.name).toBe('websocket');

    const before = counts();
    await publishMany(gateway, channel, 20);
    await barrier(gateway, upgrading, channel);
    await barrier(gateway, watcher, channel);
    expect(received).toEqual(oneTo(100));
    expect(watched).toEqual(oneTo(100));
    // Once upgraded and drained, its publications went directly, as the watcher's did.
    expect(counts().direct - before.direct).toBe(2 * 22);
  });

  it('a packet still waiting in Engine.IO goes out before a publication framed once', async () => {
    const channel = 'public:frames-queued';
    const client = await pool.connect(gateway.token({ sub: 'queued' }));
    await commandOk(client, 'subscribe', { channel });
    const arrivals: string[] = [];
    client.on('channel.position', (p: { data: { offset: number } }) =>
      arrivals.push(`position ${p.data.offset}`),
    );
    client.on('frame.tick', (p: Tick) => arrivals.push(`tick ${p.offset}`));
    const emitter = gateway.app.get(ServerEmitter);
    const socket = serverSocket(client);
    const position = (offset: number) => ({
      channel,
      event: 'channel.position' as const,
      data: { offset, epoch: 'e' },
      ts: Date.now(),
    });
    // In one turn of the event loop: the first event is written (the transport is then busy
    // until its write completes), the second waits in Engine.IO's write buffer, and the
    // publication must queue behind it rather than go straight to the socket.
    emitter.toSocket(socket, 'channel.position', position(1));
    emitter.toSocket(socket, 'channel.position', position(2));
    expect(socket.conn.transport.writable).toBe(false);
    const before = counts();
    emitter.publicationLocally({
      channel,
      event: 'frame.tick',
      offset: 3,
      epoch: 'e',
      data: null,
      ts: Date.now(),
    });
    expect(counts().engine - before.engine).toBe(1);
    await barrier(gateway, client, channel);
    expect(arrivals).toEqual(['position 1', 'position 2', 'tick 3']);
  });

  it('a WebSocket client that stops reading is still cut at MAX_BUFFERED_BYTES; a reader gets everything', async () => {
    const channel = 'public:frames-slow';
    const reader = await pool.connect(gateway.token({ sub: 'reader' }));
    const received = offsetsOf(reader, channel);
    await commandOk(reader, 'subscribe', { channel });
    const sloth = await RawWebSocket.handshake(gateway.url, { token: gateway.token({ sub: 'sloth' }) });
    expect(await sloth.command(1, 'subscribe', { channel })).toMatchObject({ ok: true });
    const slothId = (
      JSON.parse(sloth.frames.find((f) => f.startsWith('40{'))?.slice(2) ?? '{}') as { sid: string }
    ).sid;
    const slothConnection = gateway.app.get(SocketServerRef).server.sockets.sockets.get(slothId)?.conn;
    if (!slothConnection) throw new Error('no server socket for the slow consumer');
    sloth.stopReading();
    const pongs = setInterval(() => sloth.send('3'), 500);

    const cap = 256 * 1024;
    const text = 'x'.repeat(16 * 1024);
    /** What the server holds for the sloth: Engine.IO's write buffer and the socket's buffer. */
    const held = (): number => {
      const engine = slothConnection as unknown as {
        writeBuffer: { data?: string }[];
        transport: { socket?: { bufferedAmount: number } };
      };
      const queued = engine.writeBuffer.reduce((sum, p) => sum + (p.data?.length ?? 0), 0);
      return queued + (engine.transport.socket?.bufferedAmount ?? 0);
    };
    const before = counts();
    let most = 0;
    let published = 0;
    try {
      while (slothConnection.readyState === 'open' && published < 2_000) {
        await publish(gateway, channel, 'frame.tick', { text });
        published++;
        most = Math.max(most, held());
      }
    } finally {
      clearInterval(pongs);
    }
    // It was sent frames directly while the kernel took them, then cut through Engine.IO with
    // no more than the cap (and the few packets that reached it) held for it.
    expect(slothConnection.readyState).not.toBe('open');
    expect(counts().direct - before.direct).toBeGreaterThan(published);
    expect(most).toBeLessThanOrEqual(cap + 3 * (text.length + 200));
    expect(
      sampleValue(await scrapeMetrics(gateway.url), 'switchboard_slow_consumer_closes_total', {
        transport: 'websocket',
      }),
    ).toBe(1);
    await barrier(gateway, reader, channel);
    expect(received).toEqual(oneTo(published));
    sloth.resumeReading();
    await sloth.closed;
  });
});
