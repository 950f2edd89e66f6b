import type { RequestHandler } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { pinoHttp } from 'pino-http';

/**
 * One access-log line per REST request (debug below 400, info for 4xx, error for 5xx),
 * through the application's root pino logger (its level, instance and redaction).
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
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
  });
}
