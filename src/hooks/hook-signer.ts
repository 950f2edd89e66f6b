import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** The three Standard Webhooks headers of one attempt (a type, so it is also a header record). */
export type SignatureHeaders = Readonly<
  Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>
>;

/**
 * Signs what the gateway sends to backends as the Standard Webhooks specification says, with
 * the reference library (the one receivers are pointed to), so both ends agree by construction.
 * The timestamp is the attempt's: a retry carries the same id and body and a fresh signature.
 */
export class HookSigner {
  private readonly webhook: Webhook;

  /** `secret`: `HOOKS_SECRET`, `whsec_` + base64 (validated at start-up). */
  constructor(secret: string) {
    this.webhook = new Webhook(secret);
  }

  /** A new message id, in the `msg_` form Standard Webhooks uses. */
  static newId(): string {
    return `msg_${randomBytes(16).toString('base64url')}`;
  }

  sign(id: string, body: string, now: Date = new Date()): SignatureHeaders {
    return {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': this.webhook.sign(id, now, body),
    };
  }
}
