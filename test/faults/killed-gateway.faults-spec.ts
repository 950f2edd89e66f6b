import { jest } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { ControlApi, occupancyOf } from '../support/control.js';
import { TEST_SECRET, type RunningGateway } from '../support/gateway.js';
import { type ClientSocket, commandOk, connect, waitForEvent } from '../support/socket.js';
import { eventually } from '../support/wait.js';
import { GatewayPair } from '../redis/support/gateway-pair.js';
import { startKillableGateway } from './support/killable-gateway.js';

jest.setTimeout(90_000);

/**
 * A gateway process killed outright (no drain, no cleanup): with the production heartbeat (5 s
 * beat, 15 s TTL) the live instances sweep its subscribers from occupancy, well within the 60 s
 * the contract allows. Long by nature (it waits out the TTL), so it runs in `npm run test:faults`.
 */
describe('redis: a killed gateway process leaves the occupancy counts', () => {
  const pair = new GatewayPair('control-killed');
  let a: RunningGateway;
  let apiA: ControlApi;
  let apiB: ControlApi;

  beforeAll(async () => {
    let b: RunningGateway;
    [a, b] = await pair.start();
    apiA = new ControlApi(a);
    apiB = new ControlApi(b);
  });
  afterAll(() => pair.stop());

  async function member(gateway: RunningGateway, sub: string): Promise<ClientSocket> {
    const socket = await connect(gateway.url, gateway.token({ sub, channels: ['chat:*'] }), {
      transports: ['websocket'],
    });
    pair.track(socket);
    return socket;
  }

  it('drops the subscribers of a gateway process killed with SIGKILL (contract: within 60 s)', async () => {
    const { child, url, killIfRunning } = await startKillableGateway(pair.prefix, 'control-killed');
    try {
      const channel = 'chat:rc-killed';
      const doomed: ClientSocket[] = [];
      for (const sub of ['rc-kim', 'rc-kim', 'rc-lou']) {
        const socket = await connect(
          url,
          jwt.sign({ sub, channels: ['chat:*'] }, TEST_SECRET, { expiresIn: 600 }),
        );
        pair.track(socket);
        await commandOk(socket, 'subscribe', { channel });
        doomed.push(socket);
      }
      const survivor = await member(a, 'rc-max');
      await commandOk(survivor, 'subscribe', { channel });
      expect(await occupancyOf(apiB, channel)).toEqual({ subscribers: 4, users: 3 });

      const lost = doomed.map((socket) => waitForEvent(socket, 'disconnect', { timeoutMs: 10_000 }));
      child.process.kill('SIGKILL');
      expect(await child.exited).toBe('SIGKILL');
      await Promise.all(lost);
      // Nothing announces the sweep: poll, for at most the contract's 60 s (15 s TTL + 5 s beat here).
      await eventually(async () => (await occupancyOf(apiA, channel)).subscribers === 1, {
        timeoutMs: 60_000,
        intervalMs: 500,
        what: "the killed gateway's subscribers swept",
      });
      expect(await occupancyOf(apiB, channel)).toEqual({ subscribers: 1, users: 1 });
      expect((await apiB.channels('?prefix=user:rc-')).body.channels.map((c) => c.channel)).not.toContain(
        'user:rc-kim',
      );
    } finally {
      killIfRunning();
    }
  });
});
