import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { HookSigner } from './hook-signer.js';

/** How one signed POST ended. */
export type HookCallResult =
  | { readonly kind: 'answered'; readonly status: number; readonly body: string }
  | { readonly kind: 'failed'; readonly reason: 'timeout' | 'network' | 'too_large'; readonly error: string };

export interface HookPost {
  readonly url: string;
  /** The JSON body, sent byte for byte as given (a retry sends the same string). */
  readonly body: string;
  /** `webhook-id`: the same on every retry of one message. */
  readonly id: string;
  /** The whole exchange (connect, send, answer read) must end within this. */
  readonly timeoutMs: number;
}

export interface HookHttpClientOptions {
  /** A longer answer fails the call (a backend's answer is read whole, into memory). */
  readonly maxResponseBytes: number;
  /** Connections kept open per backend origin. */
  readonly maxSockets?: number;
}

/**
 * The one way the gateway talks HTTP to backends: signed POSTs of JSON, over kept-alive
 * connections, each bounded by a deadline that covers the whole exchange.
 *
 * Built on node:http with a keep-alive Agent rather than undici: no dependency to add
 * (undici 7 also needs a newer Node than the gateway's `engines`), node:http never follows
 * a redirect (a 3xx is an answer like any other non-2xx, so a signed body is never replayed
 * to a host the operator did not name), and an AbortSignal deadline ends a hung backend
 * exactly as a refused connection ends.
 */
export class HookHttpClient {
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;

  constructor(
    private readonly signer: HookSigner,
    private readonly options: HookHttpClientOptions,
  ) {
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets ?? 64,
      // Idle sockets close before a typical server's keep-alive timeout (Node's: 5 s), so a
      // request is rarely written to a socket the server is closing.
      timeout: 4_000,
    };
    this.http = new HttpAgent(agentOptions);
    this.https = new HttpsAgent(agentOptions);
  }

  post(call: HookPost): Promise<HookCallResult> {
    return this.attempt(call, AbortSignal.timeout(call.timeoutMs), true);
  }

  private attempt(call: HookPost, signal: AbortSignal, mayRetry: boolean): Promise<HookCallResult> {
    const url = new URL(call.url);
    const secure = url.protocol === 'https:';
    return new Promise<HookCallResult>((resolve) => {
      const request = (secure ? httpsRequest : httpRequest)(
        url,
        {
          method: 'POST',
          agent: secure ? this.https : this.http,
          signal,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(call.body),
            'user-agent': 'switchboard-hooks',
            ...this.signer.sign(call.id, call.body),
          },
        },
        (response) => this.read(response, resolve, fail),
      );
      function fail(error: unknown): void {
        const reason = signal.aborted ? 'timeout' : 'network';
        resolve({ kind: 'failed', reason, error: error instanceof Error ? error.message : String(error) });
      }
      request.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed just as it was reused: the request never
        // reached the application, so it is sent once more on a fresh connection (the retry
        // Node's documentation describes for `reusedSocket`), within the same deadline.
        if (mayRetry && request.reusedSocket && error.code === 'ECONNRESET' && !signal.aborted)
          resolve(this.attempt(call, signal, false));
        else fail(error);
      });
      request.end(call.body);
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.http.destroy();
    this.https.destroy();
  }

  private read(
    response: IncomingMessage,
    resolve: (result: HookCallResult) => void,
    fail: (error: unknown) => void,
  ): void {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.options.maxResponseBytes) {
        resolve({
          kind: 'failed',
          reason: 'too_large',
          error: `answer over ${this.options.maxResponseBytes} bytes`,
        });
        response.destroy();
        return;
      }
      chunks.push(chunk);
    });
    response.on('error', fail);
    response.on('end', () =>
      resolve({
        kind: 'answered',
        status: response.statusCode ?? 0,
        body: Buffer.concat(chunks).toString('utf8'),
      }),
    );
  }
}
