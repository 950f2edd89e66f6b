import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { verifyWebhook, WebhookVerificationError } from './verify-webhook.js';

const key = randomBytes(32);
const secret = `whsec_${key.toString('base64')}`;
const body = JSON.stringify({
  id: 'msg_1',
  events: [{ type: 'channel.occupied', channel: 'chat:a', seq: 1, ts: 1 }],
});

/** Signs as the specification says, independently of the code under test. */
function sign(id: string, seconds: number, payload: string, signingKey: Buffer = key): string {
  return `v1,${createHmac('sha256', signingKey).update(`${id}.${seconds}.${payload}`).digest('base64')}`;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function headersAt(seconds: number, signature = sign('msg_1', seconds, body)): Record<string, string> {
  return { 'webhook-id': 'msg_1', 'webhook-timestamp': String(seconds), 'webhook-signature': signature };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WebhookVerificationError);
  return (error as Error).message;
}

describe('verifyWebhook', () => {
  it('accepts a signed request and returns its parsed body (string or bytes)', async () => {
    const headers = headersAt(nowSeconds());
    await expect(verifyWebhook(secret, headers, body)).resolves.toEqual(JSON.parse(body));
    await expect(verifyWebhook(secret, headers, new TextEncoder().encode(body))).resolves.toEqual(
      JSON.parse(body),
    );
  });

  it('accepts what the Standard Webhooks reference library signs', async () => {
    const date = new Date();
    const signature = new Webhook(secret).sign('msg_ref', date, body);
    const headers = {
      'webhook-id': 'msg_ref',
      'webhook-timestamp': String(Math.floor(date.getTime() / 1000)),
      'webhook-signature': signature,
    };
    await expect(verifyWebhook(secret, headers, body)).resolves.toMatchObject({ id: 'msg_1' });
  });

  it('reads fetch Headers, mixed-case records and repeated headers', async () => {
    const seconds = nowSeconds();
    const plain = headersAt(seconds);
    await expect(verifyWebhook(secret, new Headers(plain), body)).resolves.toBeDefined();
    await expect(
      verifyWebhook(
        secret,
        {
          'Webhook-Id': 'msg_1',
          'Webhook-Timestamp': String(seconds),
          'Webhook-Signature': plain['webhook-signature'],
        },
        body,
      ),
    ).resolves.toBeDefined();
    const repeated = { ...plain, 'webhook-signature': ['v1,AAAA', plain['webhook-signature'] ?? ''] };
    await expect(verifyWebhook(secret, repeated, body)).resolves.toBeDefined();
  });

  it('accepts any one of several space-separated signatures (secret rotation), ignoring other versions', async () => {
    const seconds = nowSeconds();
    const other = sign('msg_1', seconds, body, randomBytes(32));
    const good = sign('msg_1', seconds, body);
    const headers = headersAt(seconds, `v1a,${good.slice(3)} ${other} ${good}`);
    await expect(verifyWebhook(secret, headers, body)).resolves.toBeDefined();
    expect(
      await refusal(verifyWebhook(secret, headersAt(seconds, `v2,${good.slice(3)} ${other}`), body)),
    ).toBe('no matching signature');
  });

  it('refuses a changed body, id or timestamp, and another secret', async () => {
    const seconds = nowSeconds();
    const headers = headersAt(seconds);
    await refusal(verifyWebhook(secret, headers, body.replace('chat:a', 'chat:b')));
    await refusal(verifyWebhook(secret, { ...headers, 'webhook-id': 'msg_2' }, body));
    await refusal(verifyWebhook(secret, { ...headers, 'webhook-timestamp': String(seconds - 1) }, body));
    await refusal(verifyWebhook(`whsec_${randomBytes(32).toString('base64')}`, headers, body));
  });

  it('refuses timestamps more than 5 minutes away, either way, and accepts them just within', async () => {
    const seconds = nowSeconds();
    expect(await refusal(verifyWebhook(secret, headersAt(seconds - 301), body))).toMatch(/5 minutes/);
    expect(await refusal(verifyWebhook(secret, headersAt(seconds + 301), body))).toMatch(/5 minutes/);
    await expect(verifyWebhook(secret, headersAt(seconds - 290), body)).resolves.toBeDefined();
    await expect(verifyWebhook(secret, headersAt(seconds + 290), body)).resolves.toBeDefined();
  });

  it('refuses missing headers, a timestamp that is not a number and a body that is not JSON', async () => {
    const headers = headersAt(nowSeconds());
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const without = { ...headers };
      delete without[name];
      expect(await refusal(verifyWebhook(secret, without, body))).toBe(`missing ${name} header`);
    }
    expect(await refusal(verifyWebhook(secret, { ...headers, 'webhook-timestamp': '1e9' }, body))).toBe(
      'invalid webhook-timestamp',
    );
    const seconds = nowSeconds();
    expect(
      await refusal(
        verifyWebhook(secret, headersAt(seconds, sign('msg_1', seconds, 'not json')), 'not json'),
      ),
    ).toBe('the body is not JSON');
  });

  it('throws a TypeError for a secret that is not base64', async () => {
    await expect(verifyWebhook('whsec_***', headersAt(nowSeconds()), body)).rejects.toThrow(TypeError);
  });
});
