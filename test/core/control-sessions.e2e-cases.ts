import jwt from 'jsonwebtoken';
import { ControlApi, ending, terminated } from '../support/control.js';
import { startGateway, TEST_SECRET, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { barrier, publish } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import {
  type ClientSocket,
  collect,
  command,
  commandOk,
  connect,
  connectRefused,
  waitForEvent,
} from '../support/socket.js';

const NEST_ERROR = { statusCode: expect.any(Number), message: expect.anything(), error: expect.any(String) };
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
/** A token with an explicit `iat` (seconds), or none at all. */
const issuedAt = (sub: string, iat: number | undefined): string =>
  iat === undefined
    ? jwt.sign({ sub, channels: ['chat:ctl-*'] }, TEST_SECRET, { noTimestamp: true })
    : jwt.sign({ sub, channels: ['chat:ctl-*'], iat }, TEST_SECRET);

describe('control API: disconnect, revoke, kick (single instance)', () => {
  let gateway: RunningGateway;
  let api: ControlApi;
  let observer: ClientSocket;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway();
    api = new ControlApi(gateway);
    observer = await connect(gateway.url, gateway.token({ sub: 'ctl-observer', channels: ['chat:ctl-*'] }));
  });
  afterEach(async () => {
    pool.closeAll();
    // Whatever the control API did, the server and an unrelated client carry on.
    await barrier(gateway, observer, 'user:ctl-observer');
  });
  afterAll(async () => {
    observer.close();
    await gateway.close();
  });

  const member = (sub: string) => gateway.token({ sub, channels: ['chat:ctl-*'] });

  describe('POST /api/v1/users/:userId/disconnect', () => {
    it('sends session.terminated, then a server disconnect after which the client stays away', async () => {
      // One WebSocket and one long-polling connection: the event must arrive before the close on both.
      const ws = await pool.connect(member('ctl-alice'), { reconnection: true });
      const polling = await pool.connect(member('ctl-alice'), {
        reconnection: true,
        transports: ['polling'],
      });
      const other = await pool.connect(member('ctl-bob'));
      const endings = [ending(ws), ending(polling)];

      const response = await api.disconnect('ctl-alice', { reconnect: false });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ userId: 'ctl-alice', disconnected: 2 });
      for (const seen of await Promise.all(endings)) {
        expect(seen).toEqual([terminated('disconnected', false), 'io server disconnect']);
      }
      // socket.io-client does not reconnect after a server disconnect.
      expect([ws.active, polling.active]).toEqual([false, false]);
      expect(other.connected).toBe(true);
      await barrier(gateway, other, 'user:ctl-bob');
    });

    it('defaults to reconnect: false (an empty body, or none)', async () => {
      const first = await pool.connect(member('ctl-alice'));
      const firstEnding = ending(first);
      expect((await api.disconnect('ctl-alice', {})).body).toEqual({ userId: 'ctl-alice', disconnected: 1 });
      expect(await firstEnding).toEqual([terminated('disconnected', false), 'io server disconnect']);
      const second = await pool.connect(member('ctl-alice'));
      const secondEnding = ending(second);
      expect((await api.disconnect('ctl-alice')).body).toEqual({ userId: 'ctl-alice', disconnected: 1 });
      expect(await secondEnding).toEqual([terminated('disconnected', false), 'io server disconnect']);
    });

    // The transport ends as a lost one: over WebSocket the socket closes (`transport close`);
    // over polling the session is dropped without a close packet, so the client's next poll is
    // refused (`transport error`), which python-socketio too reconnects after, unlike a close
    // packet (test/client/python-socketio.e2e-spec.ts).
    it.each([
      ['websocket', 'transport close'],
      ['polling', 'transport error'],
    ])(
      'with reconnect: true ends the transport only, and the client comes back (%s)',
      async (transport, reason) => {
        const socket = await pool.connect(member('ctl-carol'), {
          reconnection: true,
          transports: [transport],
        });
        const seen = ending(socket);
        const back = waitForEvent(socket, 'connect', { timeoutMs: 10_000 });
        expect((await api.disconnect('ctl-carol', { reconnect: true })).body).toEqual({
          userId: 'ctl-carol',
          disconnected: 1,
        });
        expect(await seen).toEqual([terminated('disconnected', true), reason]);
        await back;
        await barrier(gateway, socket, 'user:ctl-carol');
      },
    );

    it('answers 0 for a user without connections', async () => {
      expect((await api.disconnect('ctl-nobody', { reconnect: true })).body).toEqual({
        userId: 'ctl-nobody',
        disconnected: 0,
      });
    });

    it('leaves an admin subscribed to the user channel connected', async () => {
      const admin = await pool.connect(gateway.token({ sub: 'ctl-admin', roles: ['admin'] }));
      await commandOk(admin, 'subscribe', { channel: 'user:ctl-dora' });
      const dora = await pool.connect(member('ctl-dora'));
      const doraEnding = ending(dora);
      expect((await api.disconnect('ctl-dora')).body.disconnected).toBe(1);
      await doraEnding;
      expect(admin.connected).toBe(true);
    });
  });

  describe('POST /api/v1/users/:userId/revoke', () => {
    it('ends open connections holding an older token and refuses it from then on, handshake and refresh', async () => {
      const old = issuedAt('ctl-erin', nowSeconds() - 60);
      const sockets = [await pool.connect(old), await pool.connect(old, { transports: ['polling'] })];
      const endings = sockets.map(ending);
      const asked = nowSeconds();
      const response = await api.revoke('ctl-erin');
      const answered = nowSeconds();
      expect(response.status).toBe(200);
      // Without `before`: the second the server decided in, itself covered (iat has one-second
      // precision, and a token whose iat equals before is refused); it decided between the
      // request and its answer, however long a busy machine took.
      expect(response.body).toEqual({ userId: 'ctl-erin', before: expect.any(Number), disconnected: 2 });
      expect(response.body.before).toBeGreaterThanOrEqual(asked);
      expect(response.body.before).toBeLessThanOrEqual(answered);
      for (const seen of await Promise.all(endings)) {
        expect(seen).toEqual([terminated('revoked', false), 'io server disconnect']);
      }

      const refused = await connectRefused(gateway.url, old);
      expect(refused.message).toBe('UNAUTHORIZED');
      expect(refused.data).toEqual({ code: 'UNAUTHORIZED', reason: 'token revoked' });
      expect((await connectRefused(gateway.url, issuedAt('ctl-erin', undefined))).data).toEqual({
        code: 'UNAUTHORIZED',
        reason: 'token revoked',
      });

      // A token issued at `before` is refused too; a later one is accepted, an older one refused
      // by auth.refresh.
      expect((await connectRefused(gateway.url, issuedAt('ctl-erin', response.body.before))).data).toEqual({
        code: 'UNAUTHORIZED',
        reason: 'token revoked',
      });
      const fresh = await pool.connect(issuedAt('ctl-erin', response.body.before + 1));
      const answer = await command(fresh, 'auth.refresh', { token: old });
      expect(answer).toEqual({
        ok: false,
        error: { code: 'UNAUTHORIZED', message: 'token revoked', details: [] },
      });
      expect(fresh.connected).toBe(true);
      await commandOk(fresh, 'auth.refresh', { token: issuedAt('ctl-erin', response.body.before + 5) });
    });

    it('with an explicit before: iat at or below it is refused, a later iat accepted', async () => {
      const before = nowSeconds() - 100;
      const response = await api.revoke('ctl-fay', { before });
      expect(response.body).toEqual({ userId: 'ctl-fay', before, disconnected: 0 });
      expect((await connectRefused(gateway.url, issuedAt('ctl-fay', before - 1))).data?.reason).toBe(
        'token revoked',
      );
      expect((await connectRefused(gateway.url, issuedAt('ctl-fay', before))).data?.reason).toBe(
        'token revoked',
      );
      const accepted = await pool.connect(issuedAt('ctl-fay', before + 1));
      expect(accepted.connected).toBe(true);
      // Only this user's tokens are affected.
      await pool.connect(issuedAt('ctl-gus', before - 1));
    });

    it('never weakens a revocation in force: an earlier before keeps the later one', async () => {
      const strong = nowSeconds() - 10;
      await api.revoke('ctl-hal', { before: strong });
      const response = await api.revoke('ctl-hal', { before: strong - 1000 });
      expect(response.body.before).toBe(strong);
      expect((await connectRefused(gateway.url, issuedAt('ctl-hal', strong - 1))).data?.reason).toBe(
        'token revoked',
      );
    });

    it('answers 0 for an unknown user, and still refuses its older tokens later', async () => {
      const before = nowSeconds() - 5;
      expect((await api.revoke('ctl-ivy', { before })).body).toEqual({
        userId: 'ctl-ivy',
        before,
        disconnected: 0,
      });
      expect((await connectRefused(gateway.url, issuedAt('ctl-ivy', before - 1))).data?.reason).toBe(
        'token revoked',
      );
    });
  });

  describe('DELETE /api/v1/channels/:channel/subscribers/:userId', () => {
    it('unsubscribes every connection of the user with subscription.revoked; they may subscribe again', async () => {
      const channel = 'chat:ctl-room';
      const jack = [await pool.connect(member('ctl-jack')), await pool.connect(member('ctl-jack'))];
      const kim = await pool.connect(member('ctl-kim'));
      for (const socket of [...jack, kim]) await commandOk(socket, 'subscribe', { channel });
      const revoked = jack.map((socket) => waitForEvent(socket, 'subscription.revoked'));
      const left = waitForEvent(kim, 'presence.leave', { filter: (p) => p['channel'] === channel });
      const deliveries = jack.map((socket) => collect(socket, 'ctl.event'));

      const response = await api.kick(channel, 'ctl-jack');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ channel, userId: 'ctl-jack', unsubscribed: 2 });
      for (const event of await Promise.all(revoked)) {
        expect(event).toEqual({ channel, event: 'subscription.revoked', ts: expect.any(Number) });
      }
      expect(await left).toMatchObject({ channel, data: { userId: 'ctl-jack' } });
      expect(await api.channel(channel)).toMatchObject({ body: { subscribers: 1, users: 1 } });

      // The kicked connections stay connected and receive nothing more from the channel...
      const arrived = waitForEvent(kim, 'ctl.event');
      await publish(gateway, channel, 'ctl.event', 1);
      await arrived;
      for (const socket of jack) await barrier(gateway, socket, 'user:ctl-jack');
      expect(deliveries).toEqual([[], []]);
      // ...and may come back: a kick, not a ban.
      await commandOk(jack[0], 'subscribe', { channel });
      const again = waitForEvent(jack[0], 'ctl.event');
      await publish(gateway, channel, 'ctl.event', 2);
      expect(await again).toMatchObject({ data: 2 });
      expect((await api.kick(channel, 'ctl-kim')).body.unsubscribed).toBe(1);
    });

    it('answers 0 for a user not subscribed, or unknown', async () => {
      await pool.connect(member('ctl-lea'));
      expect((await api.kick('chat:ctl-empty', 'ctl-lea')).body).toEqual({
        channel: 'chat:ctl-empty',
        userId: 'ctl-lea',
        unsubscribed: 0,
      });
      expect((await api.kick('chat:ctl-empty', 'ctl-nobody')).body.unsubscribed).toBe(0);
    });
  });

  describe('bad input', () => {
    it.each([
      ['disconnect: a bad user id', 400, () => api.disconnect('ctl%20bad', {})],
      ['disconnect: a user id too long', 400, () => api.disconnect('u'.repeat(129), {})],
      ['disconnect: reconnect not a boolean', 400, () => api.disconnect('ctl-alice', { reconnect: 'yes' })],
      ['disconnect: an unknown field', 400, () => api.disconnect('ctl-alice', { force: true })],
      ['revoke: a bad user id', 400, () => api.revoke('a:b', {})],
      ['revoke: before negative', 400, () => api.revoke('ctl-alice', { before: -1 })],
      ['revoke: before not an integer', 400, () => api.revoke('ctl-alice', { before: 1.5 })],
      ['revoke: before a string', 400, () => api.revoke('ctl-alice', { before: '1732300000' })],
      ['kick: a malformed channel', 400, () => api.kick('ctl-room', 'ctl-alice')],
      ['kick: an unknown namespace', 404, () => api.kick('nope:room', 'ctl-alice')],
      ['kick: a bad user id', 400, () => api.kick('chat:ctl-room', 'a%20b')],
    ])('%s answers %i', async (_name, status, call) => {
      const response = await call();
      expect({ status: response.status, body: response.body }).toEqual({
        status,
        body: { ...NEST_ERROR, statusCode: status },
      });
    });

    it('needs role service (403) and a token (401) on every control endpoint', async () => {
      const user = api.as(gateway.token({ sub: 'ctl-alice', roles: ['admin'] }));
      const anonymous = api.as(null);
      for (const client of [user, anonymous]) {
        const expected = client === user ? 403 : 401;
        expect((await client.disconnect('ctl-alice', {})).status).toBe(expected);
        expect((await client.revoke('ctl-alice', {})).status).toBe(expected);
        expect((await client.kick('chat:ctl-room', 'ctl-alice')).status).toBe(expected);
      }
      // Nothing happened to the user: its token still connects.
      await pool.connect(member('ctl-alice'));
    });

    it('counts the actions in metrics', async () => {
      await api.disconnect('ctl-nobody', {});
      await api.kick('chat:ctl-room', 'ctl-nobody');
      const metrics = await request<string>(gateway.url, 'GET', '/metrics');
      for (const action of ['disconnect', 'revoke', 'kick']) {
        expect(metrics.body).toMatch(
          new RegExp(`switchboard_control_actions_total\\{action="${action}"[^}]*\\} [1-9]`),
        );
      }
      expect(metrics.body).toMatch(
        /switchboard_control_affected_connections_total\{action="disconnect"[^}]*\} [1-9]/,
      );
    });
  });
});
