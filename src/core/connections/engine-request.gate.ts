import { type IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';

type Next = (error?: unknown) => void;

/** What the gate asks on every request; both are plain reads, no round trip. */
export interface EngineGateOptions {
  /** `CORS_ORIGINS`; unset: any origin. */
  readonly allowedOrigins?: readonly string[];
  /** Why a new session cannot be served right now (draining, Redis unreachable), or null. */
  readonly passingRefusal: () => string | null;
  /** Whether the client address may open another session (`MAX_PENDING_SESSIONS_PER_ADDRESS`). */
  readonly admitsAddress?: (address: string | undefined) => boolean;
  /** A new session refused because its address has too many pending (a metric). */
  readonly onPendingRefused?: () => void;
}

/** A hint only: the client's own backoff decides when it tries again. */
const RETRY_AFTER_SECONDS = '1';

/**
 * An Engine.IO middleware: it sees every HTTP request of both transports (the handshake,
 * each later polling request and the WebSocket upgrade of a session), unlike `allowRequest`,
 * which Engine.IO asks only at the handshake and whose refusals it answers 403/400.
 *
 * - A foreign `Origin` is refused on every request (403), so a session cannot be carried
 *   over to another origin after its handshake; CORS headers protect nothing on WebSocket.
 * - A new session the gateway cannot serve for a passing reason is refused with 503 (the
 *   upgrade likewise), which a stock client retries with its own backoff: contract v2 §3.
 *   A `connect_error` from the Socket.IO handshake would be final.
 * - So is a new session from an address that already holds `MAX_PENDING_SESSIONS_PER_ADDRESS`
 *   sessions without a completed handshake (see `PendingSessions`).
 */
export class EngineRequestGate {
  private readonly logger = new Logger(EngineRequestGate.name);

  constructor(private readonly options: EngineGateOptions) {}

  readonly handle = (request: IncomingMessage, response: ServerResponse, next: Next): void => {
    const origin = request.headers.origin;
    const allowed = this.options.allowedOrigins;
    const handshake = isHandshake(request);
    if (allowed && origin !== undefined && !allowed.includes(origin)) {
      const reason = `origin ${origin} not allowed`;
      // A foreign origin's later requests can only follow a handshake refused (and logged) here.
      if (handshake) this.refused(request, 403, reason, 'warn');
      else this.logger.debug(`refused a request from origin ${origin}`);
      return refuse(response, 403, reason);
    }
    if (handshake) {
      const address = request.socket.remoteAddress;
      if (this.options.admitsAddress && !this.options.admitsAddress(address)) {
        // A flood's every request would be a line: counted instead (and at debug).
        this.options.onPendingRefused?.();
        const reason = 'too many sessions opening from this address';
        this.refused(request, 503, reason, 'debug');
        return refuse(response, 503, reason, { 'Retry-After': RETRY_AFTER_SECONDS });
      }
      const reason = this.options.passingRefusal();
      if (reason !== null) {
        // Every client retries through a drain or an outage, each retry refused again: the
        // state itself is logged once (the drain, the Redis connection), these at debug.
        this.refused(request, 503, reason, 'debug');
        return refuse(response, 503, reason, { 'Retry-After': RETRY_AFTER_SECONDS });
      }
    }
    next();
  };

  private refused(request: IncomingMessage, status: number, reason: string, level: 'warn' | 'debug'): void {
    const entry = {
      msg: `handshake refused: ${reason}`,
      event: 'handshake.refused',
      status,
      reason,
      address: request.socket.remoteAddress,
    };
    if (level === 'warn') this.logger.warn(entry);
    else this.logger.debug(entry);
  }
}

/**
 * A request without `sid` opens a new Engine.IO session. Engine.IO parses the query into
 * `_query` before it runs its middlewares (both transports, the upgrade too): read there, not
 * parsed again on every poll.
 */
function isHandshake(request: IncomingMessage & { _query?: Record<string, string | undefined> }): boolean {
  const query =
    request._query ?? Object.fromEntries(new URL(request.url ?? '/', 'http://gateway').searchParams);
  return query.sid === undefined;
}

/**
 * Answers and ends the request itself, without calling `next`: Engine.IO would answer any
 * middleware failure with 400. An upgrade has no `ServerResponse` (Engine.IO passes a stand-in
 * holding the raw socket), so the refusal is written to the socket before closing it.
 */
function refuse(
  response: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
) {
  const error = STATUS_CODES[status] ?? 'Error';
  const body = JSON.stringify({ statusCode: status, message, error });
  if (response instanceof ServerResponse) {
    if (response.headersSent) return void response.end();
    response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    return void response.end(body);
  }
  const socket = (response as { socket?: Duplex }).socket;
  if (!socket?.writable) return void socket?.destroy();
  const head = {
    Connection: 'close',
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  };
  const lines = Object.entries(head).map(([name, value]) => `${name}: ${value}\r\n`);
  // Closed once the refusal is flushed, even if the client never closes its end.
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${error}\r\n${lines.join('')}\r\n${body}`);
}
