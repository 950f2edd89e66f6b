import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import bcrypt from 'bcryptjs';
import { Redis } from 'ioredis';
import { validateEnv } from '../../src/config/validate-env.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../redis/support/redis-keyspace.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { type ClientSocket, commandOk, connect, connectRefused, waitForEvent } from '../support/socket.js';
import { ADMIN_PASSWORD, ADMIN_UI_ENV, ADMIN_USER, adminClient, open } from './support/admin-ui.js';

jest.setTimeout(60_000);

interface SocketView {
  id: string;
  transport: string;
  nsp: string;
  data: { user?: string; subscriptions?: number };
  handshake: { headers: Record<string, string>; query: Record<string, string> };
  rooms: string[];
}
interface Config {
  supportedFeatures: string[];
}
interface Stats {
  serverId: string;
  clientsCount: number;
}

const credentials = { username: ADMIN_USER, password: ADMIN_PASSWORD };

describe('admin UI (@socket.io/admin-ui) on the gateway', () => {
  const sockets: ClientSocket[] = [];
  const track = (socket: ClientSocket): ClientSocket => (sockets.push(socket), socket);
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  it('npm run admin-ui:hash prints a hash of the piped password that the gateway accepts', () => {
    const script = fileURLToPath(new URL('../../scripts/admin-ui-hash.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [script, '--cost', '4'], {
      input: `${ADMIN_PASSWORD}\n`,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const hash = run.stdout.trim();
    expect(bcrypt.compareSync(ADMIN_PASSWORD, hash)).toBe(true);
    expect(validateEnv({ ADMIN_UI_PASSWORD_HASH: hash }).ADMIN_UI_PASSWORD_HASH).toBe(hash);
    const short = spawnSync(process.execPath, [script], { input: 'short', encoding: 'utf8' });
    expect([short.status, short.stdout]).toEqual([1, '']);
  });

  describe('off (the default)', () => {
    let gateway: RunningGateway;
    beforeAll(async () => {
      gateway = await startGateway();
    });
    afterAll(async () => {
      await gateway?.close();
    });

    it('serves no page and has no /admin namespace, whatever the credentials', async () => {
      expect((await request(gateway.url, 'GET', '/admin/')).status).toBe(404);
      expect((await request(gateway.url, 'GET', '/admin/favicon.png')).status).toBe(404);
      const refused = await connectRefused(`${gateway.url}/admin`, undefined, { auth: credentials });
      expect(refused.message).toBe('Invalid namespace');
      // A valid gateway token does not open it either: it is not the main namespace.
      const token = gateway.token({ sub: 'mallory', roles: ['admin', 'service'] });
      expect((await connectRefused(`${gateway.url}/admin`, token)).message).toBe('Invalid namespace');
    });
  });

  describe('on, outside production', () => {
    let gateway: RunningGateway;
    beforeAll(async () => {
      gateway = await startGateway({ ...ADMIN_UI_ENV, INSTANCE_ID: 'admin-dev' });
    });
    afterAll(async () => {
      await gateway?.close();
    });

    it.each([
      ['a wrong password', { username: ADMIN_USER, password: 'wrong' }],
      ['a wrong user', { username: 'admin', password: ADMIN_PASSWORD }],
      ['no credentials', {}],
    ])('refuses %s with "invalid credentials"', async (_what, auth) => {
      await expect(open(adminClient(gateway.url, auth))).rejects.toThrow('invalid credentials');
    });

    it("refuses the gateway's JWT on /admin, and admin credentials on the main namespace", async () => {
      const token = gateway.token({ sub: 'mallory', roles: ['admin', 'service'] });
      await expect(open(adminClient(gateway.url, { token }))).rejects.toThrow('invalid credentials');
      const refused = await connectRefused(gateway.url, undefined, { auth: credentials });
      expect(refused.data?.code).toBe('UNAUTHORIZED');
    });

    it('lists connected sockets by user, read-only, without their token or headers that carry one', async () => {
      const token = gateway.token({ sub: 'alice', channels: ['chat:*'] });
      // The token in the Authorization header (contract: either place), which the package would show.
      const alice = track(
        await connect(gateway.url, undefined, {
          transports: ['polling'],
          extraHeaders: { authorization: `Bearer ${token}` },
        }),
      );
      const admin = track(adminClient(gateway.url, credentials));
      const config = waitForEvent<Config>(admin, 'config', {
        filter: (c) => c.supportedFeatures.includes('ALL_EVENTS'),
      });
      const all = waitForEvent<SocketView[]>(admin, 'all_sockets');
      await open(admin);

      // Views, and not one action: no emit, join, leave or disconnect from the UI.
      expect((await config).supportedFeatures.sort()).toEqual(['AGGREGATED_EVENTS', 'ALL_EVENTS']);
      const listed = (await all).find((view) => view.id === alice.id);
      expect(listed).toMatchObject({
        nsp: '/',
        transport: 'polling',
        data: { user: 'alice', subscriptions: 1 },
      });
      expect(listed?.rooms).toContain('user:alice');
      expect(Object.keys(listed?.handshake.headers ?? {})).not.toContain('authorization');
      expect(JSON.stringify(await all)).not.toContain(token);
    });

    it('follows connects, subscribes and disconnects live, and subscribing still works under it', async () => {
      const admin = track(adminClient(gateway.url, credentials));
      await Promise.all([waitForEvent(admin, 'all_sockets'), open(admin)]);

      const connected = waitForEvent<SocketView>(admin, 'socket_connected', {
        filter: (v) => v.data.user === 'bob',
      });
      const bob = track(await connect(gateway.url, gateway.token({ sub: 'bob', channels: ['chat:*'] })));
      expect((await connected).id).toBe(bob.id);

      const joined = new Promise<unknown[]>((resolve) =>
        admin.on('room_joined', (...args: unknown[]) => args[1] === 'chat:lobby' && resolve(args)),
      );
      // The package's own development mode wraps socket.data in a Proxy, which breaks the
      // subscriptions Set: this subscribe answered INTERNAL under it.
      await commandOk(bob, 'subscribe', { channel: 'chat:lobby' });
      expect((await joined).slice(0, 3)).toEqual(['/', 'chat:lobby', bob.id]);

      const id = bob.id;
      const gone = new Promise<unknown[]>((resolve) =>
        admin.on('socket_disconnected', (...args: unknown[]) => args[1] === id && resolve(args)),
      );
      bob.close();
      expect((await gone).slice(0, 3)).toEqual(['/', id, 'client namespace disconnect']);
    });

    it("ignores the package's actions: a disconnect sent from the UI closes nobody", async () => {
      const carol = track(await connect(gateway.url, gateway.token({ sub: 'carol' })));
      const reasons: string[] = [];
      carol.on('disconnect', (reason) => reasons.push(reason));
      const admin = track(adminClient(gateway.url, credentials));
      await open(admin);
      admin.emit('_disconnect', '/', true);
      // Stats come every 2 s from the server's timer: by the next one, the emit has been handled.
      await waitForEvent<Stats>(admin, 'server_stats', { timeoutMs: 5000 });
      await waitForEvent<Stats>(admin, 'server_stats', { timeoutMs: 5000 });
      expect(reasons).toEqual([]);
      expect(carol.connected).toBe(true);
    });

    it('serves its page from the npm package with every stylesheet, script and font local', async () => {
      const bare = await fetch(`${gateway.url}/admin`, { redirect: 'manual' });
      expect([bare.status, bare.headers.get('location')]).toEqual([301, '/admin/']);
      const page = await request<string>(gateway.url, 'GET', '/admin/');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(page.body).toContain('<title>Socket.IO Admin UI</title>');
      expect(page.body).not.toMatch(/(?:href|src)="(?:https?:)?\/\//);
      const linked = [...page.body.matchAll(/(?:href|src)="([^"]+)"/g)].map((match) => match[1]);
      expect(linked).toEqual(
        expect.arrayContaining(['fonts/roboto/400.css', 'fonts/mdi/css/materialdesignicons.min.css']),
      );
      for (const path of linked)
        expect([path, (await fetch(`${gateway.url}/admin/${path}`)).status]).toEqual([path, 200]);
      // The fonts those stylesheets point at (relative to each stylesheet).
      for (const css of ['fonts/roboto/400.css', 'fonts/mdi/css/materialdesignicons.min.css']) {
        const text = await (await fetch(`${gateway.url}/admin/${css}`)).text();
        const fonts = [...text.matchAll(/url\(([^)]+\.woff2)[^)]*\)/g)].map((match) =>
          match[1].replace(/^["']|["']$/g, ''),
        );
        expect(fonts.length).toBeGreaterThan(0);
        for (const font of fonts) {
          const url = new URL(font, `${gateway.url}/admin/${css}`);
          expect([url.pathname, (await fetch(url)).status]).toEqual([url.pathname, 200]);
        }
      }
    });

    it('names the instance in its server stats', async () => {
      const admin = track(adminClient(gateway.url, credentials));
      const stats = waitForEvent<Stats>(admin, 'server_stats');
      await open(admin);
      expect((await stats).serverId).toBe('admin-dev');
    });
  });

  describe('on, in production', () => {
    let gateway: RunningGateway;
    beforeAll(async () => {
      gateway = await startGateway({ ...ADMIN_UI_ENV, NODE_ENV: 'production' });
    });
    afterAll(async () => {
      await gateway?.close();
    });

    it('sends aggregated figures only: no socket list', async () => {
      track(await connect(gateway.url, gateway.token({ sub: 'dave' })));
      const admin = track(adminClient(gateway.url, credentials));
      const lists: unknown[] = [];
      admin.on('all_sockets', (list: unknown) => lists.push(list));
      const config = waitForEvent<Config>(admin, 'config');
      const stats = waitForEvent<Stats>(admin, 'server_stats');
      await open(admin);
      expect((await config).supportedFeatures).toEqual(['AGGREGATED_EVENTS']);
      expect((await stats).clientsCount).toBeGreaterThanOrEqual(2);
      // A list would have been sent on connect, before the first stats tick.
      await waitForEvent<Stats>(admin, 'server_stats', { timeoutMs: 5000 });
      expect(lists).toEqual([]);
    });
  });

  describe('on, with Redis: one admin sees every instance', () => {
    const prefix = uniquePrefix('admin-ui');
    let redis: Redis;
    let a: RunningGateway;
    let b: RunningGateway;
    beforeAll(async () => {
      redis = new Redis(testRedisUrl());
      const env = { ...ADMIN_UI_ENV, REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix };
      a = await startGateway({ ...env, INSTANCE_ID: 'admin-a' });
      b = await startGateway({ ...env, INSTANCE_ID: 'admin-b' });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      if (!redis) return;
      await deleteKeys(redis, prefix);
      await redis.quit();
    });

    it("lists and follows the other instance's sockets, and receives both instances' stats", async () => {
      const erin = track(await connect(b.url, b.token({ sub: 'erin' })));
      const admin = track(adminClient(a.url, credentials));
      const all = waitForEvent<SocketView[]>(admin, 'all_sockets');
      const statsOfB = waitForEvent<Stats>(admin, 'server_stats', {
        filter: (s) => s.serverId === 'admin-b',
      });
      await open(admin);
      expect((await all).find((view) => view.id === erin.id)).toMatchObject({ data: { user: 'erin' } });
      await statsOfB;

      const connected = waitForEvent<SocketView>(admin, 'socket_connected', {
        filter: (v) => v.data.user === 'frank',
      });
      const frank = track(await connect(b.url, b.token({ sub: 'frank' })));
      expect((await connected).id).toBe(frank.id);
    });
  });
});
