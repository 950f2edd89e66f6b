import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Counter } from 'prom-client';
import type { EngineConnection } from '../delivery/slow-consumer.limiter.js';

type Next = (error?: unknown) => void;

/** What `ws` says when a frame is over its `maxPayload` (Engine.IO keeps only the message). */
const WS_TOO_BIG = 'Max payload size exceeded';

/**
 * Counts the Socket.IO payloads over `MAX_PAYLOAD_BYTES`. Engine.IO enforces the limit itself
 * (`maxHttpBufferSize`) and tells the application nothing, so the refusals are read where they
 * show:
 * - WebSocket: `ws` fails the frame (close code 1009) and Engine.IO closes the connection with
 *   reason `transport error`, the `ws` error as its description;
 * - polling: Engine.IO answers the POST with 413 (the client's transport then fails).
 */
export class PayloadSizeWatch {
  constructor(private readonly refused: Counter.Internal) {}

  /** An Engine.IO middleware: sees every polling POST and how it was answered. */
  readonly handle = (request: IncomingMessage, response: ServerResponse, next: Next): void => {
    if (request.method === 'POST' && response instanceof ServerResponse) {
      response.once('finish', () => {
        if (response.statusCode === 413) this.refused.inc();
      });
    }
    next();
  };

  watch(connection: EngineConnection): void {
    connection.on('close', this.closed);
  }

  /** One listener for every connection: nothing allocated per connection. */
  private readonly closed = (reason: string, description?: unknown): void => {
    if (
      reason === 'transport error' &&
      description instanceof Error &&
      description.message.includes(WS_TOO_BIG)
    ) {
      this.refused.inc();
    }
  };
}
