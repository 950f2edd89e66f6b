import { randomBytes } from 'node:crypto';
import type { ForwardedCommandRequest, SubscribeDecisionRequest } from '@switchboard/protocol';
import { verifyWebhook } from '@switchboard/client/publisher';
import {
  BACKEND_UNAVAILABLE,
  BackendProxyClient,
  type ProxyCallKind,
  type ProxyCallResult,
} from '../../src/hooks/backend-proxy.client.js';
import { HookHttpClient } from '../../src/hooks/hook-http.client.js';
import { HookSigner } from '../../src/hooks/hook-signer.js';
import type { NamespaceSpec } from '../../src/config/namespaces-file.js';
import { type Answer, RecordingServer } from './support/recording-server.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const USER = { userId: 'u1', name: 'Ann', roles: ['member'], channels: ['orders:*'] };

describe('BackendProxyClient against a real HTTP backend', () => {
  let backend: RecordingServer;
  let other: RecordingServer;
  let http: HookHttpClient;
  let proxy: BackendProxyClient;
  let spec: NamespaceSpec;
  const calls: [ProxyCallKind, ProxyCallResult][] = [];
  /** What the backend answers next (every request of a test gets the same). */
  let answer: Answer;

  beforeAll(async () => {
    backend = await RecordingServer.start(() => answer);
    other = await RecordingServer.start();
    http = new HookHttpClient(new HookSigner(SECRET), { maxResponseBytes: 1024 });
    proxy = new BackendProxyClient(http, 1_000, { called: (kind, result) => calls.push([kind, result]) });
    spec = {
      namespace: 'orders',
      subscribe: `${backend.url}/switchboard/subscribe`,
      commands: new Map([['orders.track', `${backend.url}/switchboard/track`]]),
      history: true,
      presence: false,
    };
  });
  beforeEach(() => {
    backend.requests.length = 0;
    calls.length = 0;
  });
  afterAll(async () => {
    http?.close();
    await backend?.close();
    await other?.close();
  });

  const lastRequest = <T>(): Promise<T> => {
    const request = backend.requests.at(-1);
    if (!request) throw new Error('the backend received nothing');
    return verifyWebhook<T>(SECRET, request.headers, request.body);
  };

  it('asks POST <subscribe> with the channel and the user, signed, and allows on { allow: true }', async () => {
    answer = { status: 200, body: '{"allow":true}' };
    const principal = { ...USER, token: 'never sent', exp: 123 };
    await expect(proxy.decideSubscribe(spec, 'orders:o-1', principal)).resolves.toEqual({ kind: 'allow' });
    expect(backend.requests).toHaveLength(1);
    expect(backend.requests[0]).toMatchObject({ method: 'POST', path: '/switchboard/subscribe' });
    expect(backend.requests[0]?.headers['content-type']).toBe('application/json');
    await expect(lastRequest<SubscribeDecisionRequest>()).resolves.toEqual({
      channel: 'orders:o-1',
      user: USER,
    });
    expect(calls).toEqual([['subscribe', 'allow']]);
  });

  it('denies on { allow: false } with the backend’s reason, if any', async () => {
    answer = { status: 200, body: '{"allow":false,"reason":"not your order"}' };
    await expect(proxy.decideSubscribe(spec, 'orders:o-2', USER)).resolves.toEqual({
      kind: 'deny',
      reason: 'not your order',
    });
    answer = { status: 200, body: '{"allow":false}' };
    await expect(proxy.decideSubscribe(spec, 'orders:o-2', USER)).resolves.toEqual({ kind: 'deny' });
    expect(calls).toEqual([
      ['subscribe', 'deny'],
      ['subscribe', 'deny'],
    ]);
  });

  it.each<[string, Answer, RegExp]>([
    ['no answer within PROXY_TIMEOUT_MS', 'hang', /^timeout/],
    ['a 500', { status: 500, body: '{"allow":true}' }, /status 500/],
    ['a 201', { status: 201, body: '{"allow":true}' }, /status 201/],
    ['a body that is not JSON', { status: 200, body: '{"allow":tru' }, /not JSON/],
    ['a JSON array', { status: 200, body: '[true]' }, /not a JSON object/],
    ['allow that is not a boolean', { status: 200, body: '{"allow":"yes"}' }, /no boolean "allow"/],
    [
      'an answer over the size limit',
      { status: 200, body: `{"allow":true,"pad":"${'x'.repeat(2048)}"}` },
      /too_large/,
    ],
  ])('is unavailable, never an allow, on %s', async (_case, given, why) => {
    answer = given;
    const decision = await proxy.decideSubscribe(spec, 'orders:o-3', USER);
    expect(decision).toEqual({ kind: 'unavailable', why: expect.stringMatching(why) });
    expect(calls).toEqual([['subscribe', 'unavailable']]);
  });

  it('follows no redirect: a 307 to elsewhere is unavailable and its target hears nothing', async () => {
    answer = { status: 307, body: '', headers: { location: `${other.url}/elsewhere` } };
    await expect(proxy.decideSubscribe(spec, 'orders:o-4', USER)).resolves.toEqual({
      kind: 'unavailable',
      why: 'status 307',
    });
    expect(backend.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  it('reuses one kept-alive connection for consecutive calls', async () => {
    answer = { status: 200, body: '{"allow":true}' };
    await proxy.decideSubscribe(spec, 'orders:o-5', USER);
    await proxy.decideSubscribe(spec, 'orders:o-5', USER);
    const [first, second] = backend.requests;
    expect(second?.remotePort).toBe(first?.remotePort);
  });

  it('sends once more, on a new connection, a request whose kept-alive connection the backend had closed', async () => {
    await proxy.decideSubscribe(spec, 'orders:o-6', USER);
    backend.respond = (_request, index) => (index === 1 ? 'reset' : { status: 200, body: '{"allow":true}' });
    answer = { status: 200, body: '{"allow":true}' };
    await expect(proxy.decideSubscribe(spec, 'orders:o-6', USER)).resolves.toEqual({ kind: 'allow' });
    const [first, reset, again] = backend.requests;
    expect(reset?.remotePort).toBe(first?.remotePort);
    expect(again?.remotePort).not.toBe(first?.remotePort);
    expect(backend.requests).toHaveLength(3);
    backend.respond = () => answer;
  });

  it('does not resend a request whose fresh connection closed: that backend is unavailable', async () => {
    http.close();
    backend.respond = () => 'reset';
    await expect(proxy.decideSubscribe(spec, 'orders:o-7', USER)).resolves.toMatchObject({
      kind: 'unavailable',
    });
    expect(backend.requests).toHaveLength(1);
    backend.respond = () => answer;
  });

  it('forwards a listed command with its payload and the user, and answers with the backend’s ack as it is', async () => {
    answer = { status: 200, body: '{"ok":true,"data":{"eta":"12:00"}}' };
    const payload = { orderId: 'o-1', nested: { list: [1, 2] } };
    await expect(proxy.forwardCommand(spec, 'orders.track', payload, USER)).resolves.toEqual({
      ok: true,
      data: { eta: '12:00' },
    });
    expect(backend.requests[0]?.path).toBe('/switchboard/track');
    await expect(lastRequest<ForwardedCommandRequest>()).resolves.toEqual({
      command: 'orders.track',
      payload,
      user: USER,
    });
    answer = { status: 200, body: '{"ok":false,"error":{"code":"FORBIDDEN","message":"not yours"}}' };
    await expect(proxy.forwardCommand(spec, 'orders.track', payload, USER)).resolves.toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'not yours', details: [] },
    });
    expect(calls).toEqual([
      ['command', 'ok'],
      ['command', 'error'],
    ]);
  });

  it('turns an error code outside the contract’s list into INTERNAL, keeping the message', async () => {
    answer = { status: 200, body: '{"ok":false,"error":{"code":"TEAPOT","message":"short and stout"}}' };
    await expect(proxy.forwardCommand(spec, 'orders.track', {}, USER)).resolves.toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'short and stout', details: [] },
    });
  });

  it.each<[string, Answer]>([
    ['no answer in time', 'hang'],
    ['a 500', { status: 500, body: '{"ok":true,"data":{}}' }],
    ['a body that is not JSON', { status: 200, body: 'ok' }],
    ['neither shape', { status: 200, body: '{"ok":"true"}' }],
    ['an error without a message', { status: 200, body: '{"ok":false,"error":{"code":"FORBIDDEN"}}' }],
  ])('answers a forwarded command with INTERNAL "backend unavailable" on %s', async (_case, given) => {
    answer = given;
    await expect(proxy.forwardCommand(spec, 'orders.track', {}, USER)).resolves.toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: BACKEND_UNAVAILABLE, details: [] },
    });
    expect(calls).toEqual([['command', 'unavailable']]);
  });

  it('refuses to forward a command the namespace does not list', async () => {
    await expect(proxy.forwardCommand(spec, 'orders.cancel', {}, USER)).rejects.toThrow(/not a command/);
    expect(backend.requests).toHaveLength(0);
  });
});
