import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** When the request was received (ms). */
  readonly at: number;
  /** The client's port: the same for requests over one kept-alive connection. */
  readonly remotePort: number;
}

/** How the server answers one request: a status and body, or never (a hung backend). */
export type Answer =
  | { readonly status: number; readonly body?: string; readonly headers?: Readonly<Record<string, string>> }
  | 'hang'
  /** The connection closed without an answer (a server closing a kept-alive connection). */
  | 'reset';

/** An answer now, or later (a slow backend: the promise settles when it answers). */
export type Responder = (request: RecordedRequest, index: number) => Answer | Promise<Answer>;

/**
 * A real HTTP server standing in for a webhook receiver or a namespace's backend: it records
 * every request (raw body and headers) and answers as `respond` says.
 */
export class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  /** How each request was answered, by its index, once it was. */
  readonly answered = new Map<number, Answer>();
  private readonly events = new EventEmitter();
  private readonly hung: ServerResponse[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    public respond: Responder,
  ) {}

  static async start(respond: Responder = () => ({ status: 200, body: '{}' })): Promise<RecordingServer> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const recording = new RecordingServer(server, `http://127.0.0.1:${port}`, respond);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: RecordedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
          remotePort: req.socket.remotePort ?? 0,
        };
        const index = recording.requests.push(request) - 1;
        const reply = (answer: Answer): void => {
          if (answer === 'hang') recording.hung.push(res);
          else if (answer === 'reset') res.socket?.destroy();
          else
            res
              .writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
              .end(answer.body ?? '');
          recording.answered.set(index, answer);
          recording.events.emit('answered', index);
        };
        const answer = recording.respond(request, index);
        if (answer instanceof Promise) void answer.then(reply);
        else reply(answer);
        recording.events.emit('request', request);
      });
    });
    return recording;
  }

  /** Resolves once `count` requests in all have been received. */
  async received(count: number, timeoutMs = 10_000): Promise<RecordedRequest[]> {
    const deadline = AbortSignal.timeout(timeoutMs);
    while (this.requests.length < count) {
      try {
        await once(this.events, 'request', { signal: deadline });
      } catch {
        throw new Error(`timed out after ${timeoutMs} ms with ${this.requests.length} of ${count} requests`);
      }
    }
    return this.requests.slice(0, count);
  }

  /** Resolves once `predicate` holds, checked now and after every request and answer. */
  async until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = AbortSignal.timeout(timeoutMs);
    const changed = new EventEmitter();
    const onChange = (): boolean => changed.emit('change');
    this.events.on('request', onChange).on('answered', onChange);
    try {
      while (!predicate()) {
        try {
          await once(changed, 'change', { signal: deadline });
        } catch {
          throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        }
      }
    } finally {
      this.events.off('request', onChange).off('answered', onChange);
    }
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}
