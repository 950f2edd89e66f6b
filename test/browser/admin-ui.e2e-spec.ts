import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, ADMIN_UI_ENV, ADMIN_USER } from '../ops/support/admin-ui.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { type ClientSocket, commandOk, connect } from '../support/socket.js';
import { UI_TIMEOUT_MS, useChromium } from './support/browser.js';

/** Every request the page makes to a host other than this machine's loopback (there must be none). */
function outsideRequests(page: Page): string[] {
  const seen: string[] = [];
  page.context().on('request', (request) => {
    const { protocol, hostname } = new URL(request.url());
    const local = hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
    if (!local && protocol !== 'data:' && protocol !== 'about:') seen.push(request.url());
  });
  return seen;
}

/** Fills the admin UI's connection modal and submits it. */
async function logIn(page: Page, serverUrl: string, username: string, password: string): Promise<void> {
  const modal = page.locator('.v-dialog--active');
  await modal.getByLabel('Server URL').fill(serverUrl);
  await modal.getByLabel('Username').fill(username);
  await modal.getByLabel('Password').fill(password);
  await modal.getByRole('button', { name: 'Connect' }).click();
}

/** A raw Engine.IO + Socket.IO handshake to `nsp` from the page; resolves with the server's answer packet. */
function namespaceAnswer(page: Page, nsp: string, auth: Record<string, string>): Promise<string> {
  return page.evaluate(
    ([namespace, credentials]) =>
      new Promise<string>((resolve, reject) => {
        const socket = new WebSocket(`ws://${location.host}/socket.io/?EIO=4&transport=websocket`);
        socket.onerror = () => reject(new Error('websocket failed'));
        socket.onmessage = ({ data }) => {
          const packet = String(data);
          if (packet.startsWith('0')) socket.send(`40${namespace},${JSON.stringify(credentials)}`);
          else if (packet.startsWith(`44${namespace}`) || packet.startsWith(`40${namespace}`)) {
            socket.close();
            resolve(packet);
          }
        };
      }),
    [nsp, auth] as const,
  );
}

describe('admin UI in Chromium, served by the gateway', () => {
  const chromium = useChromium();
  const clients: ClientSocket[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  describe('with ADMIN_UI_PASSWORD_HASH set', () => {
    let gateway: RunningGateway;
    beforeAll(async () => {
      gateway = await startGateway(ADMIN_UI_ENV);
    });
    afterAll(async () => {
      await gateway?.close();
    });

    it('logs in through its connection modal and lists a connected client among the sockets, loading nothing from outside', async () => {
      const tess = await connect(gateway.url, gateway.token({ sub: 'tess', channels: ['chat:*'] }));
      clients.push(tess);
      await commandOk(tess, 'subscribe', { channel: 'chat:ops' });

      const page = await chromium.open(`${gateway.url}/admin/`);
      const outside = outsideRequests(page);
      await logIn(page, gateway.url, ADMIN_USER, ADMIN_PASSWORD);
      await page.locator('.v-dialog--active').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });

      await page.evaluate(() => (location.hash = '#/sockets'));
      const row = page.locator('table tbody tr', { hasText: tess.id ?? 'no id' });
      await row.waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await row.textContent()).toContain('WebSocket');

      // The socket's page: the user and its channels, never a token.
      await row.click();
      await page.getByText('chat:ops').first().waitFor({ timeout: UI_TIMEOUT_MS });
      const details = (await page.locator('main').textContent()) ?? '';
      expect(details).toContain('tess');
      expect(details).not.toMatch(/eyJ[\w-]+\.eyJ/);

      // The icons are the Material Design font served locally, not boxes.
      const iconFont = await page.evaluate(async () => {
        await document.fonts.ready;
        return document.fonts.check('24px "Material Design Icons"');
      });
      expect(iconFont).toBe(true);
      expect(outside).toEqual([]);
    });

    it('refuses a wrong password in the modal and lists nothing', async () => {
      const page = await chromium.open(`${gateway.url}/admin/`);
      const outside = outsideRequests(page);
      await logIn(page, gateway.url, ADMIN_USER, 'not the password');
      await page
        .locator('.v-dialog--active', { hasText: 'Invalid credentials' })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await page.locator('.v-dialog--active').isVisible()).toBe(true);
      expect(await namespaceAnswer(page, '/admin', { username: ADMIN_USER, password: 'nope' })).toBe(
        '44/admin,{"message":"invalid credentials"}',
      );
      expect(outside).toEqual([]);
    });
  });

  describe('without ADMIN_UI_PASSWORD_HASH (the default)', () => {
    let gateway: RunningGateway;
    beforeAll(async () => {
      gateway = await startGateway();
    });
    afterAll(async () => {
      await gateway?.close();
    });

    it('answers the page with 404 and refuses the /admin namespace', async () => {
      const page = await chromium.open(`${gateway.url}/`);
      const allowance = chromium.problems(page).allow(/\/admin\/$/, 'the admin UI is off: its page is a 404');
      const response = await page.goto(`${gateway.url}/admin/`);
      expect(response?.status()).toBe(404);
      allowance.end();
      expect(await namespaceAnswer(page, '/admin', { username: ADMIN_USER, password: ADMIN_PASSWORD })).toBe(
        '44/admin,{"message":"Invalid namespace"}',
      );
    });
  });
});
