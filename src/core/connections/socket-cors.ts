import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Server } from 'socket.io';

type Engine = Server['engine'];

/** What a preflight may ask for: the methods and headers of the polling transport. */
const PREFLIGHT_METHODS = 'GET, POST, OPTIONS';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * CORS for Socket.IO's HTTP transport, without Socket.IO's `cors` option: that option puts
 * the `cors` middleware in engine.io, which then runs, behind a promise chain, on every
 * long-poll request, with or without an `Origin`. Here the headers are set on the response
 * before engine.io handles the request, only when it carries an allowed `Origin`, so every
 * answer (refusals included) is readable by that origin; a preflight (`OPTIONS`, sent by
 * browsers only for custom headers) is answered before engine.io sees it, since engine.io
 * refuses any handshake that is not a GET.
 * `allowRequest` still refuses a foreign origin's handshake on both transports; this only
 * decides what a browser may read.
 *
 * @param allowed the `CORS_ORIGINS` list, or undefined for any origin
 */
export function applySocketCors(engine: Engine, allowed: readonly string[] | undefined): void {
  const allows = (origin: string | undefined): origin is string =>
    origin !== undefined && (allowed === undefined || allowed.includes(origin));

  const handleRequest = engine.handleRequest.bind(engine);
  engine.handleRequest = (request: IncomingMessage, response: ServerResponse): void => {
    if (request.method !== 'OPTIONS') {
      const origin = request.headers.origin;
      if (allows(origin)) {
        // Set on the response before engine.io sees it, so they are merged into whatever it
        // writes: its handshake and polls, and its own refusals too (a 400 for an unknown
        // session, the gate's 503), which a browser could not read otherwise.
        response.setHeader('Access-Control-Allow-Origin', origin);
        response.setHeader('Access-Control-Allow-Credentials', 'true');
        response.setHeader('Vary', 'Origin');
      }
      return handleRequest(request, response);
    }
    const origin = request.headers.origin;
    const headers: OutgoingHttpHeaders = { Vary: 'Origin', 'Content-Length': '0' };
    if (allows(origin)) {
      headers['Access-Control-Allow-Origin'] = origin;
      headers['Access-Control-Allow-Credentials'] = 'true';
      headers['Access-Control-Allow-Methods'] = PREFLIGHT_METHODS;
      headers['Access-Control-Max-Age'] = PREFLIGHT_MAX_AGE_SECONDS;
      const requested = request.headers['access-control-request-headers'];
      if (requested !== undefined) headers['Access-Control-Allow-Headers'] = requested;
    }
    response.writeHead(204, headers).end();
  };
}
