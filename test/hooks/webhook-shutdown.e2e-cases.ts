import type { WebhookRequestBody } from '@switchboard/protocol';
import jwt from 'jsonwebtoken';
import { startReadyChildGateway, type ChildGateway } from '../support/child-gateway.js';
import { TEST_SECRET } from '../support/gateway.js';
import { commandOk, connect, waitForEvent } from '../support/socket.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

/**
 * Contract §8: `channel.vacated` is sent whatever ended the last subscription, a drain
 * included. In memory mode the queue lives in the process, so what the SIGTERM drain produced
 * gets one last attempt before the process exits (with Redis the queue outlives it).
 */
describe('webhooks at shutdown (memory mode, node dist/main.js)', () => {
  let receiver: WebhookReceiver;
  let child: ChildGateway | undefined;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(() => {
    if (child?.process.exitCode === null) child.process.kill('SIGKILL');
  });
  afterAll(() => receiver.close());

  /** A gateway with webhooks to the receiver, and one user subscribed to `channel`. */
  async function gatewayWithSubscriber(channel: string): Promise<ChildGateway> {
    const started = await startReadyChildGateway({
      NODE_ENV: 'production',
      JWT_SECRET: TEST_SECRET,
      SHUTDOWN_DRAIN_MS: '2000',
      LOG_LEVEL: 'warn',
      ...receiver.env({ WEBHOOK_TIMEOUT_MS: '3000' }),
    });
    child = started.child;
    const token = jwt.sign({ sub: 'ada', name: 'Ada', channels: [channel] }, TEST_SECRET, { expiresIn: 600 });
    const socket = await connect(started.url, token, { transports: ['websocket'] });
    await commandOk(socket, 'subscribe', { channel });
    void waitForEvent(socket, 'disconnect', { timeoutMs: 20_000 }).catch(() => undefined);
    await receiver.untilEvents(channel, 2);
    return started.child;
  }

  it("delivers the drain's presence.left and channel.vacated before the process exits", async () => {
    const channel = 'chat:shutdown-delivered';
    const gateway = await gatewayWithSubscriber(channel);
    gateway.process.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    const events = receiver.events(channel);
    expect(events.map((event) => event.seq)).toEqual([1, 2, 3, 4]);
    expect(events.slice(0, 2).map((event) => event.type)).toEqual(['channel.occupied', 'presence.joined']);
    expect(
      events
        .slice(2)
        .map((event) => event.type)
        .sort(),
    ).toEqual(['channel.vacated', 'presence.left']);
  });

  it('a receiver that refuses the last attempt: the events are dropped and logged, and the process still exits 0', async () => {
    const channel = 'chat:shutdown-refused';
    const gateway = await gatewayWithSubscriber(channel);
    receiver.respond = () => ({ status: 503 });
    gateway.process.kill('SIGTERM');
    const line = await gateway.stdoutLine(/not acknowledged before shutdown/);
    expect(await gateway.exited).toBe(0);
    expect(receiver.events(channel).map((event) => event.type)).toEqual([
      'channel.occupied',
      'presence.joined',
    ]);
    // The refused request held the drain's events (the personal channel's vacated among them).
    const refused = receiver.server.requests.filter((r) => r.body.includes(channel)).at(-1);
    const { events } = JSON.parse(refused?.body ?? '{}') as WebhookRequestBody;
    expect(
      events
        .filter((event) => event.channel === channel)
        .map((event) => event.type)
        .sort(),
    ).toEqual(['channel.vacated', 'presence.left']);
    expect(JSON.parse(line)).toMatchObject({
      level: 40,
      msg: `webhook ${String(refused?.headers['webhook-id'])} not acknowledged before shutdown: ${events.length} events dropped`,
    });
    receiver.respond = () => ({ status: 204 });
  });
});
