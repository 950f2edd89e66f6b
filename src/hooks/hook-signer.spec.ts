import { createHmac, randomBytes } from 'node:crypto';
import { verifyWebhook } from '@switchboard/client/publisher';
import { HookSigner } from './hook-signer.js';

const key = randomBytes(24);
const secret = `whsec_${key.toString('base64')}`;

describe('HookSigner', () => {
  it('signs as Standard Webhooks says: v1, base64 HMAC-SHA256 of id.timestamp.body with the decoded secret', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const headers = new HookSigner(secret).sign('msg_abc', '{"x":1}', at);
    const seconds = Math.floor(at.getTime() / 1000);
    expect(headers).toEqual({
      'webhook-id': 'msg_abc',
      'webhook-timestamp': String(seconds),
      'webhook-signature': `v1,${createHmac('sha256', key).update(`msg_abc.${seconds}.{"x":1}`).digest('base64')}`,
    });
  });

  it('is verified by the SDK’s verifyWebhook', async () => {
    const body = '{"id":"msg_1","events":[]}';
    const headers = new HookSigner(secret).sign('msg_1', body);
    await expect(verifyWebhook(secret, headers, body)).resolves.toEqual({ id: 'msg_1', events: [] });
  });

  it('makes distinct msg_ ids', () => {
    const ids = new Set(Array.from({ length: 100 }, () => HookSigner.newId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
  });
});
