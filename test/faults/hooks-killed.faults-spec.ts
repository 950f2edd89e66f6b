import { jest } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { TEST_SECRET } from '../support/gateway.js';
import { type ClientSocket, commandOk, connect, waitForEvent } from '../support/socket.js';
import { eventually } from '../support/wait.js';
import { GatewayPair } from '../redis/support/gateway-pair.js';
import { startKillableGateway } from './support/killable-gateway.js';
import type { Answer } from '../hooks/support/recording-server.js';
import { summary, WebhookReceiver } from '../hooks/support/webhook-receiver.js';

jest.setTimeout(120_000);

/**
 * Webhooks when the gateway process that saw the changes, and that was delivering them, is
 * killed outright (SIGKILL: no drain, no cleanup). With the production heartbeat (5 s beat,
 * 15 s TTL) a live instance sweeps its connections: the `presence.left` and `channel.vacated`
 * events come from that sweep (journaled by its scripts), the request the dead instance had in
 * flight is resumed by a survivor with the same id and body, and every seq stays contiguous.
 * Long by nature (it waits out the TTL), so it runs in `npm run test:faults`.
 */
describe('webhooks: a killed gateway process (Redis)', () => {
  const pair = new GatewayPair('hooks-killed');
  const sockets: ClientSocket[] = [];
  let receiver: WebhookReceiver;
  const lease = (): Promise<string | null> => pair.redis.get(`${pair.prefix}{hooks}:webhook:lease`);

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    pair.track(...sockets);
    await pair.stop();
    await receiver?.close();
  });

  it('reports the dead instance’s users leaving from the sweep, resumes its request, and keeps seq contiguous', async () => {
    // Started first, so it takes the delivery lease.
    const { child, url, killIfRunning } = await startKillableGateway(
      pair.prefix,
      'hooks-killed-child',
      receiver.env(),
    );
    try {
      await eventually(async () => (await lease())?.startsWith('hooks-killed-child:') === true, {
        what: 'the child holding the delivery lease',
      });
      const [a] = await pair.start(receiver.env());
      const channel = 'chat:killed';
      const onChild = async (sub: string): Promise<ClientSocket> => {
        const token = jwt.sign({ sub, name: sub.toUpperCase(), channels: ['chat:*'] }, TEST_SECRET, {
          expiresIn: 600,
        });
        const socket = await connect(url, token);
        sockets.push(socket);
        await commandOk(socket, 'subscribe', { channel });
        return socket;
      };
      await onChild('kim');
      await receiver.untilEvents(channel, 2);
      const doomed = [await onChild('kim'), await onChild('lou')];
      await receiver.untilEvents(channel, 3);
      const max = await connect(a.url, a.token({ sub: 'max', channels: ['chat:*'] }));
      sockets.push(max);
      await commandOk(max, 'subscribe', { channel });
      await receiver.untilEvents(channel, 4);

      // Max leaves: the child (the deliverer) sends that event, and the request hangs.
      const before = receiver.server.requests.length;
      receiver.respond = (_, index): Answer => (index === before ? 'hang' : { status: 204 });
      await commandOk(max, 'unsubscribe', { channel });
      await receiver.server.until(() => receiver.server.requests.length > before, 'the hung request');
      const hung = receiver.server.requests[before];
      expect(hung.body).toContain('"presence.left"');

      const lost = doomed.map((socket) => waitForEvent(socket, 'disconnect', { timeoutMs: 10_000 }));
      child.process.kill('SIGKILL');
      expect(await child.exited).toBe('SIGKILL');
      await Promise.all(lost);

      // Within the contract's 60 s: the sweep's events, after the resumed request.
      const events = await receiver.untilEvents(channel, 8, 60_000);
      expect(summary(events.slice(0, 5))).toEqual([
        '1 channel.occupied',
        '2 presence.joined kim',
        '3 presence.joined lou',
        '4 presence.joined max',
        '5 presence.left max',
      ]);
      // The sweep removes presence (both users, in the store's order), then occupancy.
      expect(
        events
          .slice(5, 7)
          .map((event) => `${event.type} ${event.userId}`)
          .sort(),
      ).toEqual(['presence.left kim', 'presence.left lou']);
      expect(summary(events.slice(7))).toEqual(['8 channel.vacated']);
      expect(events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(events.filter((event) => event.type === 'channel.occupied')).toHaveLength(1);
      // The hung request, resumed by a survivor: same id, same body, acknowledged.
      const resumed = receiver
        .acknowledgedRequests()
        .find((r) => r.headers['webhook-id'] === hung.headers['webhook-id']);
      expect(resumed?.body).toBe(hung.body);
      expect(await lease()).toMatch(/^hooks-killed-[ab]:/);
      // The dead instance's users' personal channels are vacated too.
      for (const user of ['kim', 'lou'])
        expect(summary(await receiver.untilEvents(`user:${user}`, 2))).toEqual([
          '1 channel.occupied',
          '2 channel.vacated',
        ]);
    } finally {
      killIfRunning();
    }
  });
});
