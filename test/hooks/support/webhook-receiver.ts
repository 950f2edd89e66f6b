import { randomBytes } from 'node:crypto';
import type { WebhookEvent, WebhookRequestBody } from '@switchboard/protocol';
import { verifyWebhook } from '@switchboard/client/publisher';
import { type RecordedRequest, RecordingServer, type Responder } from './recording-server.js';

export const newHooksSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

const acknowledges = (answer: unknown): boolean =>
  typeof answer === 'object' && answer !== null && 'status' in answer && Number(answer.status) < 300;

/**
 * A webhook receiver for tests: a real HTTP server (answering as `respond` says, 204 by default)
 * and what it acknowledged, request by request, each `webhook-id` counted once.
 */
export class WebhookReceiver {
  private constructor(
    readonly server: RecordingServer,
    readonly secret: string,
  ) {}

  static async start(respond: Responder = () => ({ status: 204 })): Promise<WebhookReceiver> {
    return new WebhookReceiver(await RecordingServer.start(respond), newHooksSecret());
  }

  /** The gateway's environment for webhooks to this receiver. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { HOOKS_SECRET: this.secret, WEBHOOK_URL: `${this.server.url}/webhooks`, ...extra };
  }

  set respond(respond: Responder) {
    this.server.respond = respond;
  }

  /** The requests acknowledged with a 2xx, each `webhook-id` once, in the order they arrived. */
  acknowledgedRequests(): RecordedRequest[] {
    const seen = new Set<string>();
    return this.server.requests.filter((request, index) => {
      const id = String(request.headers['webhook-id']);
      if (!acknowledges(this.server.answered.get(index)) || seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  }

  /** The events acknowledged so far (of `channel`, when given), in arrival order. */
  events(channel?: string): WebhookEvent[] {
    return this.acknowledgedRequests()
      .flatMap((request) => (JSON.parse(request.body) as WebhookRequestBody).events)
      .filter((event) => channel === undefined || event.channel === channel);
  }

  /** Resolves with the channel's acknowledged events once there are at least `count`. */
  async untilEvents(channel: string, count: number, timeoutMs = 15_000): Promise<WebhookEvent[]> {
    await this.server.until(
      () => this.events(channel).length >= count,
      `${count} webhook events of ${channel} (have ${JSON.stringify(this.events(channel))})`,
      timeoutMs,
    );
    return this.events(channel);
  }

  /** Checks the signature of every request received; resolves with their bodies. */
  verifyAll(): Promise<WebhookRequestBody[]> {
    return Promise.all(
      this.server.requests.map((request) => verifyWebhook(this.secret, request.headers, request.body)),
    );
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

/** The parts of events a test compares: type, seq and user (not the time). */
export function summary(events: readonly WebhookEvent[]): string[] {
  return events.map(
    (event) => `${event.seq} ${event.type}${event.userId === undefined ? '' : ` ${event.userId}`}`,
  );
}
