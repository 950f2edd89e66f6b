import type { WebhookRequestBody } from '@switchboard/protocol';

/** The request was not signed with this secret, is a replay, or is not a gateway request. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

/**
 * A request's headers, as Node's `req.headers` has them (lower-case names, a value or a list),
 * as a plain record, or anything with a `get(name)` such as fetch's `Headers`.
 */
export type WebhookHeaders =
  { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Standard Webhooks' replay window: a timestamp further than this from now is refused. */
const TOLERANCE_SECONDS = 5 * 60;
const encoder = new TextEncoder();

function header(headers: WebhookHeaders, name: string): string {
  let value: string | readonly string[] | null | undefined;
  if (typeof headers.get === 'function') value = (headers as { get(name: string): string | null }).get(name);
  else {
    const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
    const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
    value = key === undefined ? undefined : record[key];
  }
  // Sent twice: Standard Webhooks lists several signatures space-separated, so join alike.
  const joined = typeof value === 'string' ? value : Array.isArray(value) ? value.join(' ') : '';
  if (joined === '') throw new WebhookVerificationError(`missing ${name} header`);
  return joined;
}

function base64Bytes(encoded: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const binary = atob(encoded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

function signedContent(id: string, timestamp: number, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const content = new Uint8Array(prefix.length + body.length);
  content.set(prefix);
  content.set(body, prefix.length);
  return content;
}

/**
 * Verifies a request the gateway sent (a webhook, or a question of a backend-decided
 * namespace) and resolves with its JSON body, parsed. Standard Webhooks: `webhook-signature`
 * holds one or more space-separated `v1,<base64 HMAC-SHA256>` of
 * `{webhook-id}.{webhook-timestamp}.{rawBody}`, keyed with the base64-decoded part of
 * `secret` after `whsec_`; a `webhook-timestamp` more than 5 minutes from now is refused (a
 * replay). Signatures are checked by Web Crypto's HMAC verify, in constant time; it runs in
 * Node 20+ and any runtime with `crypto.subtle`, without dependencies.
 *
 * Pass the body exactly as received, before any JSON parsing. Rejects with
 * {@link WebhookVerificationError} unless the request was signed with `secret`.
 */
export async function verifyWebhook<T = WebhookRequestBody>(
  secret: string,
  headers: WebhookHeaders,
  rawBody: string | Uint8Array,
): Promise<T> {
  const key = base64Bytes(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  if (!key || key.length === 0)
    throw new TypeError('verifyWebhook: the secret must be whsec_ followed by base64');
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!/^\d{1,15}$/.test(timestampText)) throw new WebhookVerificationError('invalid webhook-timestamp');
  const timestamp = Number(timestampText);
  if (Math.abs(Math.floor(Date.now() / 1000) - timestamp) > TOLERANCE_SECONDS)
    throw new WebhookVerificationError('webhook-timestamp is more than 5 minutes away from now');
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : rawBody;
  const hmac = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'verify',
  ]);
  const content = signedContent(id, timestamp, body);
  let verified = false;
  for (const candidate of signatures.split(' ')) {
    const comma = candidate.indexOf(',');
    if (comma < 0 || candidate.slice(0, comma) !== 'v1') continue;
    const mac = base64Bytes(candidate.slice(comma + 1));
    if (mac && (await crypto.subtle.verify('HMAC', hmac, mac, content))) verified = true;
  }
  if (!verified) throw new WebhookVerificationError('no matching signature');
  try {
    return JSON.parse(typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody)) as T;
  } catch {
    throw new WebhookVerificationError('the body is not JSON');
  }
}
