import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { pinoHttp } from 'pino-http';
import { redactQuery, redactUrl } from './log-redaction.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** An incoming id is kept only when it is short and plain: it is written into every log line. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * The request's id: the caller's `X-Request-Id` (a balancer's or a backend's, so one id follows
 * a request across services) when it is well-formed, else a new UUID; echoed in the response.
 */
export function requestId(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/**
 * One access-log line per REST request (debug below 400, info for 4xx, error for 5xx),
 * through the application's root pino logger (its level, instance and redaction of credential
 * headers), with the request id as `req.id`, and the values of credential query parameters
 * (`?access_token=`, `?token=`…) redacted in its URL and query.
 *
 * Mounted as plain middleware instead of nestjs-pino's, which also binds each request to an
 * AsyncLocalStorage: on Node 20 the first `run()` turns on an async hook for the whole
 * process and for good, so every promise, socket and write request of every Socket.IO
 * client paid for it (about 10% more CPU per delivery in `npm run bench`), from the first
 * health probe on. Log lines written while handling a request therefore carry no request
 * id; the access line does.
 */
export function httpAccessLog(): RequestHandler {
  return pinoHttp({
    logger: PinoLogger.root,
    genReqId: requestId,
    serializers: { req: withoutCredentialParameters },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
  });
}

interface SerializedRequest {
  url?: unknown;
  query?: unknown;
}

/** pino-http's request serializer output, its URL and query with credential values redacted (a copy). */
function withoutCredentialParameters<T extends SerializedRequest>(request: T): T {
  const copy = Object.create(Object.getPrototypeOf(request) as object) as T;
  Object.assign(copy, request);
  if (typeof request.url === 'string') copy.url = redactUrl(request.url);
  if (typeof request.query === 'object' && request.query !== null) {
    copy.query = redactQuery(request.query as Record<string, unknown>);
  }
  return copy;
}
