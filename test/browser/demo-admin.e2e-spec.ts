import type { Page } from 'playwright-core';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { PHONE, signIn, UI_TIMEOUT_MS, useChromium } from './support/browser.js';

/** How many lines a rendered element's text takes (its line boxes). */
const lineCount = (page: Page, selector: string): Promise<number> =>
  page.locator(selector).evaluate((node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    return new Set(Array.from(range.getClientRects(), (rect) => Math.round(rect.top))).size;
  });

describe('demo page in Chromium: the development admin panel', () => {
  const chromium = useChromium();
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startGateway({ NODE_ENV: 'development' });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it.each([
    ['WebSocket', '/'],
    ['long-polling', '/?transport=polling'],
  ])(
    "shows the room's occupancy and disconnects a user (%s), whose page says the server ended it and forgets the room",
    async (transport, path) => {
      const room = `admin-${transport}`;
      const alice = await chromium.open(gateway.url + path);
      await signIn(alice, 'alice', 'Alice', room);
      const bob = await chromium.open(gateway.url + path);
      await signIn(bob, 'bob', 'Bob', room);

      const occupancy = alice.locator('#admin .admin-occupancy[data-subscribers="2"][data-users="2"]');
      await occupancy.waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await occupancy.textContent()).toBe(`#${room}: 2 connections · 2 users`);
      await bob.locator('#admin .admin-users li[data-user="alice"]').waitFor({ timeout: UI_TIMEOUT_MS });

      await alice.click('#admin .admin-users li[data-user="bob"] button');
      await bob
        .locator('#connection', { hasText: 'The server ended this session.' })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await bob.locator('#reconnect').isVisible()).toBe(true);
      expect(await bob.locator('#badge').getAttribute('data-state')).toBe('offline');
      await alice
        .locator('#admin .admin-status', { hasText: 'bob: 1 connection ended.' })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      await alice
        .locator('#admin .admin-occupancy[data-subscribers="1"][data-users="1"]')
        .waitFor({ timeout: UI_TIMEOUT_MS });
      await alice
        .locator('#admin .admin-users li[data-user="bob"]')
        .waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      // Bob's own panel no longer counts the connections it saw before the server ended his.
      expect(await bob.locator('#admin .admin-occupancy').textContent()).toBe(
        `#${room}: offline, shown again once reconnected`,
      );
      expect(await bob.locator('#admin .admin-occupancy').getAttribute('data-subscribers')).toBeNull();
      expect(await bob.locator('#admin .admin-users li').count()).toBe(0);

      // The user decides to come back: the Reconnect button, and both panels count it again.
      await bob.click('#reconnect');
      await bob.locator('#badge[data-state="online"]').waitFor({ timeout: UI_TIMEOUT_MS });
      await alice
        .locator('#admin .admin-occupancy[data-subscribers="2"][data-users="2"]')
        .waitFor({ timeout: UI_TIMEOUT_MS });
      await bob
        .locator('#admin .admin-occupancy[data-subscribers="2"][data-users="2"]')
        .waitFor({ timeout: UI_TIMEOUT_MS });
    },
  );

  it('on a phone: a long name wraps, "Disconnect" and "Sign out" stay whole and are 44 px tap targets', async () => {
    const room = 'admin-phone';
    const phone = await chromium.open(gateway.url, PHONE);
    const longId = `carol.${'c'.repeat(60)}`;
    await signIn(phone, longId, `Carol ${'Longname'.repeat(6)}`, room);
    const row = `#admin .admin-users li[data-user="${longId}"]`;
    await phone.locator(row).waitFor({ timeout: UI_TIMEOUT_MS });

    expect(await lineCount(phone, `${row} .admin-user`)).toBeGreaterThan(1);
    expect(await lineCount(phone, `${row} button`)).toBe(1);
    for (const target of [`${row} button`, '#signout']) {
      const box = await phone.locator(target).boundingBox();
      expect(box && Math.min(box.width, box.height)).toBeGreaterThanOrEqual(44);
    }
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it('is not offered in production: the dev endpoints behind it do not exist there', async () => {
    const production = await startGateway({ NODE_ENV: 'production' });
    try {
      const token = production.token({ sub: 'alice' });
      const answer = await request(production.url, 'GET', '/api/v1/dev/rooms/admin-room/occupancy', {
        token,
      });
      expect(answer.status).toBe(404);
    } finally {
      await production.close();
    }
  });
});
