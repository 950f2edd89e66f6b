import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How long the receiver takes to answer each webhook request: a slow backend. */
export const HOOK_ANSWER_MS = 2_000;

/**
 * The backend end of "delivery with hooks": an HTTP server in the load generator that answers
 * every request with 200 after {@link HOOK_ANSWER_MS}, and counts what it was sent. Its
 * `env` is what a gateway needs to use it (`WEBHOOK_URL`, and `HOOKS_SECRET` as the contract
 * asks: `whsec_` + base64 of 32 random bytes). It does not check signatures: it measures the
 * gateway's side, not a receiver's.
 */
export class HookReceiver {
  requests = 0;
  bytes = 0;
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly answering = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly env: Readonly<Record<string, string>>,
  ) {}

  static async start(): Promise<HookReceiver> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const receiver = new HookReceiver(server, {
      WEBHOOK_URL: `http://127.0.0.1:${port}/hooks`,
      HOOKS_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
    });
    server.on('request', (request, response) => {
      receiver.requests++;
      request.on('data', (chunk: Buffer) => (receiver.bytes += chunk.length));
      request.on('end', () => receiver.answerLater(response));
    });
    return receiver;
  }

  private answerLater(response: ServerResponse): void {
    this.answering.add(response);
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      this.answering.delete(response);
      response.writeHead(200).end();
    }, HOOK_ANSWER_MS);
    this.pending.add(timer);
  }

  async stop(): Promise<void> {
    for (const timer of this.pending) clearTimeout(timer);
    for (const response of this.answering) response.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
