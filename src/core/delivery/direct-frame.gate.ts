import type { EngineConnection } from './slow-consumer.limiter.js';

/** What the `ws` library's sender offers: writing a frame built beforehand (Engine.IO uses it too). */
export interface FrameSender {
  sendFrame(list: readonly Buffer[]): void;
}

/**
 * The parts of Engine.IO 6's connection and WebSocket transport, and of the `ws` socket under
 * it, that decide whether a frame may skip them. Not in their public types; read-only here.
 */
interface EngineInternals {
  readonly readyState: string;
  readonly upgrading: boolean;
  readonly writeBuffer: readonly unknown[];
  readonly transport: {
    readonly name: string;
    readonly perMessageDeflate?: unknown;
    readonly socket?: WsInternals;
  };
  listenerCount(event: string): number;
}

interface WsInternals {
  readonly readyState: number;
  /** Bytes `ws` and the TCP socket still hold for the kernel. */
  readonly bufferedAmount: number;
  readonly _sender?: Partial<FrameSender>;
}

/** `WebSocket.OPEN` of the `ws` library. */
const WS_OPEN = 1;

/**
 * Engine.IO's `packetCreate` listeners that a direct frame may skip: the gateway's own
 * slow-consumer limiter, which counts only what waits in Engine.IO's write buffer (a direct
 * frame never does). Any other listener, such as the admin UI's traffic figures, must see every
 * packet, so a connection with one more takes the normal path.
 */
const SKIPPABLE_PACKET_LISTENERS = 1;

/**
 * Whether a publication's pre-built WebSocket frame may be written straight to `connection`'s
 * socket, skipping Engine.IO's per-packet work (packet object, events, write buffer, drain
 * callback), and the sender to write it with. Only when that changes nothing the client or the
 * gateway can observe:
 * - the connection is open and not upgrading, and its transport is a WebSocket without
 *   compression (polling, WebTransport and a deflating socket frame each packet themselves);
 * - Engine.IO's write buffer is empty: a packet waiting there (its transport still sending an
 *   earlier write) must go out first, so the frame queues behind it on the normal path;
 * - nothing is buffered for the kernel (`bufferedAmount` 0): a consumer that is not keeping up
 *   goes through Engine.IO, where the slow-consumer limiter counts its queue and cuts it at
 *   `MAX_BUFFERED_BYTES` (so a direct frame never grows a backlog the limiter cannot see).
 * Every earlier packet has then been handed to the socket in order, and a later one is
 * written after this frame, so per-channel order holds whichever path each packet takes.
 */
export function directFrameSender(connection: EngineConnection): FrameSender | undefined {
  const engine = connection as unknown as EngineInternals;
  if (engine.readyState !== 'open' || engine.upgrading || engine.writeBuffer.length > 0) return undefined;
  const { transport } = engine;
  if (transport.name !== 'websocket' || transport.perMessageDeflate) return undefined;
  const socket = transport.socket;
  if (socket?.readyState !== WS_OPEN || socket.bufferedAmount > 0) return undefined;
  if (engine.listenerCount('packetCreate') > SKIPPABLE_PACKET_LISTENERS) return undefined;
  const sender = socket._sender;
  return typeof sender?.sendFrame === 'function' ? (sender as FrameSender) : undefined;
}
