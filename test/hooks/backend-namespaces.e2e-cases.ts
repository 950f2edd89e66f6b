import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForwardedCommandRequest, SubscribeDecisionRequest } from '@switchboard/protocol';
import { verifyWebhook } from '@switchboard/client/publisher';
import { parse } from 'yaml';
import { ControlApi } from '../support/control.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { publish, serviceToken } from '../support/publisher.js';
import { type ClientSocket, collect, command, commandOk, connect, waitForEvent } from '../support/socket.js';
import type { Answer, RecordedRequest } from './support/recording-server.js';
import { RecordingServer } from './support/recording-server.js';
import { summary, WebhookReceiver } from './support/webhook-receiver.js';

const ALLOW: Answer = { status: 200, body: '{"allow":true}' };
const json = (body: unknown): Answer => ({ status: 200, body: JSON.stringify(body) });

/** A namespaces file in a directory of its own. */
function namespacesFile(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sb-namespaces-')), 'namespaces.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
}

/**
 * A namespace whose decisions live in a backend (`NAMESPACES_FILE`), against a real HTTP
 * backend: subscribe and REST reads decided by it, commands forwarded to it, and everything
 * else (publishing, history, presence, recovery, occupancy, webhooks, AsyncAPI) as for a
 * module's namespace.
 */
describe('backend-decided namespaces (NAMESPACES_FILE)', () => {
  const sockets: ClientSocket[] = [];
  let backend: RecordingServer;
  let receiver: WebhookReceiver;
  let gateway: RunningGateway;
  /** How the backend answers subscribe decisions and commands, per test. */
  let decide: (request: SubscribeDecisionRequest) => Answer | Promise<Answer>;
  let answer: (request: ForwardedCommandRequest) => Answer | Promise<Answer>;

  beforeAll(async () => {
    backend = await RecordingServer.start((recorded) => {
      const body = JSON.parse(recorded.body) as SubscribeDecisionRequest & ForwardedCommandRequest;
      return recorded.path === '/subscribe' ? decide(body) : answer(body);
    });
    receiver = await WebhookReceiver.start();
    const file = namespacesFile({
      namespaces: {
        orders: {
          subscribe: `${backend.url}/subscribe`,
          commands: { 'orders.track': `${backend.url}/track` },
          history: true,
          presence: true,
        },
      },
    });
    // One secret signs the webhooks and the backend's questions alike.
    gateway = await startGateway(receiver.env({ NAMESPACES_FILE: file, PROXY_TIMEOUT_MS: '1500' }));
  });
  beforeEach(() => {
    decide = () => ALLOW;
    answer = () => json({ ok: true, data: {} });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await gateway?.close();
    await receiver?.close();
    await backend?.close();
  });

  async function user(sub: string, claims: Record<string, unknown> = {}): Promise<ClientSocket> {
    const socket = await connect(gateway.url, gateway.token({ sub, name: `N-${sub}`, ...claims }));
    sockets.push(socket);
    return socket;
  }

  /** The backend's requests from now on, as `run` makes them. */
  async function asked(run: () => Promise<unknown>): Promise<RecordedRequest[]> {
    const before = backend.requests.length;
    await run();
    return backend.requests.slice(before);
  }

  describe('subscribe', () => {
    it('asks the backend with the channel and the user, signed, and allows on { allow: true }', async () => {
      const socket = await user('ann', { roles: ['buyer'], channels: ['orders:*'] });
      const calls = await asked(() => commandOk(socket, 'subscribe', { channel: 'orders:o-1' }));
      expect(calls).toHaveLength(1);
      const body = await verifyWebhook<SubscribeDecisionRequest>(
        receiver.secret,
        calls[0].headers,
        calls[0].body,
      );
      expect(body).toEqual({
        channel: 'orders:o-1',
        user: { userId: 'ann', name: 'N-ann', roles: ['buyer'], channels: ['orders:*'] },
      });
    });

    it('refuses with FORBIDDEN and the backend’s reason on { allow: false, reason }', async () => {
      decide = () => json({ allow: false, reason: 'not your order' });
      const socket = await user('bob');
      const reply = await command(socket, 'subscribe', { channel: 'orders:o-2' });
      expect(reply).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: 'not your order', details: [] },
      });
    });

    it.each([
      ['a timeout', (): Promise<Answer> => new Promise((resolve) => setTimeout(() => resolve(ALLOW), 4_000))],
      ['a 500', (): Answer => ({ status: 500, body: '{"allow":true}' })],
      ['a malformed answer', (): Answer => json({ allowed: 'yes' })],
      ['a closed connection', (): Answer => 'reset'],
    ])('answers INTERNAL "backend unavailable" on %s, never an allow', async (_, backendAnswer) => {
      decide = backendAnswer;
      const socket = await user('cid');
      const reply = await command(socket, 'subscribe', { channel: 'orders:o-3' });
      expect(reply).toEqual({
        ok: false,
        error: { code: 'INTERNAL', message: 'backend unavailable', details: [] },
      });
      // Not subscribed: a publication does not reach it.
      const received = collect(socket, 'orders.update');
      await publish(gateway, 'orders:o-3', 'orders.update', { n: 1 });
      await commandOk(socket, 'subscribe', { channel: 'public:barrier-o-3' });
      expect(received).toEqual([]);
    });

    it('never asks about admin', async () => {
      decide = () => json({ allow: false });
      const socket = await user('root', { roles: ['admin'] });
      expect(await asked(() => commandOk(socket, 'subscribe', { channel: 'orders:o-4' }))).toEqual([]);
    });
  });

  describe('REST reads by a user', () => {
    const history = (token: string) =>
      request(gateway.url, 'GET', '/api/v1/channels/orders:o-5/history', { token });

    it('are decided by the backend: allow 200, deny 403 with the reason, unavailable 503', async () => {
      const token = gateway.token({ sub: 'reader' });
      expect((await history(token)).status).toBe(200);
      decide = () => json({ allow: false, reason: 'closed order' });
      expect(await history(token)).toMatchObject({ status: 403, body: { message: 'closed order' } });
      decide = () => ({ status: 502 });
      expect(await history(token)).toMatchObject({ status: 503, body: { message: 'backend unavailable' } });
    });

    it('are not asked about for role service', async () => {
      decide = () => json({ allow: false });
      const calls = await asked(async () => expect((await history(serviceToken(gateway))).status).toBe(200));
      expect(calls).toEqual([]);
    });
  });

  describe('forwarded commands', () => {
    it('forwards { command, payload, user }, signed, and answers the backend’s ack as it is', async () => {
      answer = () => json({ ok: true, data: { status: 'shipped', eta: 3 } });
      const socket = await user('dan', { channels: ['orders:*'] });
      let reply: unknown;
      const calls = await asked(async () => {
        reply = await command(socket, 'orders.track', { orderId: 'o-7', deep: { a: [1, 2] } });
      });
      expect(reply).toEqual({ ok: true, data: { status: 'shipped', eta: 3 } });
      expect(calls).toHaveLength(1);
      expect(calls[0].path).toBe('/track');
      expect(await verifyWebhook(receiver.secret, calls[0].headers, calls[0].body)).toEqual({
        command: 'orders.track',
        payload: { orderId: 'o-7', deep: { a: [1, 2] } },
        user: { userId: 'dan', name: 'N-dan', roles: [], channels: ['orders:*'] },
      });
    });

    it.each([
      [
        'an error with a contract code, as it is',
        { ok: false, error: { code: 'FORBIDDEN', message: 'not yours' } },
        { code: 'FORBIDDEN', message: 'not yours', details: [] },
      ],
      [
        'an error with details, as it is',
        {
          ok: false,
          error: { code: 'BAD_REQUEST', message: 'bad id', details: [{ field: 'orderId', messages: ['?'] }] },
        },
        { code: 'BAD_REQUEST', message: 'bad id', details: [{ field: 'orderId', messages: ['?'] }] },
      ],
      [
        'a code outside the contract, as INTERNAL',
        { ok: false, error: { code: 'TEAPOT', message: 'short and stout' } },
        { code: 'INTERNAL', message: 'short and stout', details: [] },
      ],
    ])('answers %s', async (_, backendAck, error) => {
      answer = () => json(backendAck);
      const socket = await user('eve');
      expect(await command(socket, 'orders.track', { orderId: 'o-8' })).toEqual({ ok: false, error });
    });

    it.each([
      [
        'a timeout',
        (): Promise<Answer> => new Promise((resolve) => setTimeout(() => resolve(json({ ok: true })), 4_000)),
      ],
      ['a 503', (): Answer => ({ status: 503 })],
      ['a malformed ack', (): Answer => json({ fine: true })],
    ])('answers INTERNAL "backend unavailable" on %s', async (_, backendAnswer) => {
      answer = backendAnswer;
      const socket = await user('fay');
      expect(await command(socket, 'orders.track', { orderId: 'o-9' })).toEqual({
        ok: false,
        error: { code: 'INTERNAL', message: 'backend unavailable', details: [] },
      });
    });

    it('refuses a payload nested too deep with BAD_REQUEST before the backend hears of it', async () => {
      const socket = await user('gil');
      let deep: unknown = 'bottom';
      for (let i = 0; i < 40; i++) deep = { deeper: deep };
      let reply: unknown;
      const calls = await asked(async () => {
        reply = await command(socket, 'orders.track', deep);
      });
      expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      expect(calls).toEqual([]);
    });

    it('applies the connection’s rate limit before forwarding: refused commands never reach the backend', async () => {
      const socket = await user('hal');
      let replies: { ok: boolean; error?: { code: string } }[] = [];
      const calls = await asked(async () => {
        replies = await Promise.all(
          Array.from({ length: 60 }, (_, i) => command(socket, 'orders.track', { orderId: `r-${i}` })),
        );
      });
      const limited = replies.filter((reply) => !reply.ok && reply.error?.code === 'RATE_LIMITED');
      expect(limited.length).toBeGreaterThanOrEqual(15);
      expect(calls).toHaveLength(replies.length - limited.length);
      expect(replies.filter((reply) => reply.ok)).toHaveLength(calls.length);
    });
  });

  it('works as a built-in namespace: REST publishing, history, recovery, presence, occupancy and webhooks', async () => {
    const channel = 'orders:o-life';
    const ivy = await user('ivy');
    const subscribed = await commandOk<{ offset: number; epoch: string }>(ivy, 'subscribe', { channel });
    expect(subscribed.offset).toBe(0);
    const update = waitForEvent<{ offset: number; data: unknown }>(ivy, 'orders.update');
    const first = await publish(gateway, channel, 'orders.update', { status: 'paid' });
    expect(await update).toMatchObject({ offset: 1, data: { status: 'paid' } });
    await publish(gateway, channel, 'orders.update', { status: 'packed' });
    const recovered = await commandOk<{ recovered: boolean; publications: { offset: number }[] }>(
      await user('ivy-2'),
      'subscribe',
      { channel, since: { offset: 1, epoch: first.epoch } },
    );
    expect(recovered.recovered).toBe(true);
    expect(recovered.publications.map((publication) => publication.offset)).toEqual([2]);
    const presence = await commandOk<{ users: { userId: string }[] }>(ivy, 'presence', { channel });
    expect(presence.users.map((entry) => entry.userId).sort()).toEqual(['ivy', 'ivy-2']);
    expect((await new ControlApi(gateway).channel(channel)).body).toMatchObject({
      subscribers: 2,
      users: 2,
      offset: 2,
    });
    expect(summary(await receiver.untilEvents(channel, 3))).toEqual([
      '1 channel.occupied',
      '2 presence.joined ivy',
      '3 presence.joined ivy-2',
    ]);
  });

  it('is listed in the AsyncAPI document with its commands', async () => {
    const document = parse((await request<string>(gateway.url, 'GET', '/docs/asyncapi.yaml')).body) as {
      channels: Record<string, { address?: string; description?: string }>;
      operations: Record<string, { action: string; reply?: unknown }>;
    };
    expect(document.channels.orders).toMatchObject({ address: 'orders:{name}' });
    expect(document.channels.orders.description).toContain('History: yes. Presence: yes.');
    expect(document.operations['orders.track']).toMatchObject({ action: 'receive' });
    expect(document.operations['orders.track'].reply).toBeDefined();
  });

  it('drops a subscription the backend no longer allows when the token is refreshed', async () => {
    const channel = 'orders:o-refresh';
    const jay = await user('jay');
    await commandOk(jay, 'subscribe', { channel });
    decide = () => json({ allow: false, reason: 'order handed over' });
    const revoked = waitForEvent<{ channel: string }>(jay, 'subscription.revoked');
    await commandOk(jay, 'auth.refresh', { token: gateway.token({ sub: 'jay', name: 'N-jay' }) });
    expect((await revoked).channel).toBe(channel);
  });
});
