import { Logger } from '@nestjs/common';
import type { Socket as SocketIoSocket } from 'socket.io';
import type { GatewayMetrics } from '../../metrics/gateway-metrics.js';

/** One Engine.IO connection (a Socket.IO client's transport, polling or WebSocket). */
export type EngineConnection = SocketIoSocket['conn'];

interface EnginePacket {
  readonly data?: unknown;
}

/** What the `ws` library exposes of a WebSocket's own send buffer. */
interface WsSocket {
  readonly bufferedAmount?: number;
  terminate?(): void;
}

/**
 * The size of a packet's payload. Text frames count their UTF-16 length: exact for the ASCII
 * JSON the gateway sends, an undercount (at most 3×) for other characters, and O(1), which
 * `Buffer.byteLength` is not (it runs for every packet of every broadcast).
 */
function packetSize(packet: EnginePacket): number {
  const { data } = packet;
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/**
 * `MAX_BUFFERED_BYTES` (contract v2 §1): the bytes queued to one connection that it has not
 * taken yet. A client that keeps answering pings but never reads is never dropped by the
 * heartbeat, and every publication to it would wait in this process's memory. Two places hold
 * them: Engine.IO's write buffer (packets the transport is not ready for: a WebSocket still
 * sending earlier ones, or no poll pending) and, for WebSocket, the `ws` send buffer (frames
 * the kernel did not take). Both are read when a packet is queued, in O(1); a connection
 * already over the limit then has its transport closed, which a stock client answers by
 * reconnecting (and recovering from history). A single packet larger than the limit still
 * passes when nothing else is waiting.
 */
export class SlowConsumerLimiter {
  private readonly logger = new Logger(SlowConsumerLimiter.name);
  /**
   * Per connection, the bytes in Engine.IO's write buffer (what `packetCreate` added since the
   * last `flush`) and whether its cut is scheduled. The listeners are shared by every
   * connection (Engine.IO calls them with the connection as `this`): closures per connection
   * would cost heap on each.
   */
  private readonly queues = new WeakMap<EngineConnection, { queued: number; cutting: boolean }>();
  private readonly packetCreated: (this: EngineConnection, packet: EnginePacket) => void;
  private readonly flushed: (this: EngineConnection) => void;

  constructor(
    private readonly maxBufferedBytes: number,
    private readonly metrics: GatewayMetrics,
  ) {
    const { queues } = this;
    const over = (connection: EngineConnection, queued: number): boolean =>
      queued + this.sendBuffered(connection) > this.maxBufferedBytes;
    const cut = this.cut.bind(this);
    this.packetCreated = function (this: EngineConnection, packet: EnginePacket) {
      // A writable transport takes the packet at once (Engine.IO flushes right after this
      // event), and its earlier sends have completed: nothing waits. The usual case, and the
      // only cost this guard adds to a delivery.
      if (this.transport.writable) return;
      const queue = queues.get(this);
      if (!queue) return;
      if (!queue.cutting && over(this, queue.queued)) {
        queue.cutting = true;
        // Not inside the emit that queued the packet (a broadcast iterating over a room):
        // closing runs the disconnect handlers, which leave rooms.
        process.nextTick(() => cut(this, queue.queued));
      }
      queue.queued += packetSize(packet);
    };
    this.flushed = function (this: EngineConnection) {
      // Engine.IO hands its whole write buffer to the transport and empties it.
      const queue = queues.get(this);
      if (queue) queue.queued = 0;
    };
  }

  watch(connection: EngineConnection): void {
    this.queues.set(connection, { queued: 0, cutting: false });
    connection.on('packetCreate', this.packetCreated);
    connection.on('flush', this.flushed);
  }

  /** The WebSocket's own send buffer; polling has none (its response is written at once). */
  private sendBuffered(connection: EngineConnection): number {
    const socket = (connection.transport as { socket?: WsSocket }).socket;
    return socket?.bufferedAmount ?? 0;
  }

  private cut(connection: EngineConnection, queued: number): void {
    if (connection.readyState !== 'open') return;
    const transport = connection.transport;
    const buffered = queued + this.sendBuffered(connection);
    this.metrics.slowConsumerCloses.inc({ transport: transport.name });
    this.logger.warn(
      `closing a slow consumer (${transport.name}): ${buffered} bytes not taken, over MAX_BUFFERED_BYTES`,
    );
    // Discard: a plain close would wait for the write buffer to drain, which it never does.
    connection.close(true);
    // The WebSocket close handshake would queue behind the frames the client does not read
    // and keep them in memory until `ws` gives up (30 s): end the TCP connection now.
    (transport as { socket?: WsSocket }).socket?.terminate?.();
  }
}
