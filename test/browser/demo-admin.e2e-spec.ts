import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { signIn, UI_TIMEOUT_MS, useChromium } from './support/browser.js';

describe('demo page in Chromium: the development admin panel', () => {
  const chromium = useChromium();
  let gateway: RunningGateway;
  const room = 'admin-room';

  beforeAll(async () => {
    gateway = await startGateway({ NODE_ENV: 'development' });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("shows the room's occupancy and disconnects a user, whose page says the server ended it", async () => {
    const alice = await chromium.open(gateway.url);
    await signIn(alice, 'alice', 'Alice', room);
    const bob = await chromium.open(gateway.url);
    await signIn(bob, 'bob', 'Bob', room);

    const occupancy = alice.locator('#admin .admin-occupancy[data-subscribers="2"][data-users="2"]');
    await occupancy.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await occupancy.textContent()).toBe(`#${room}: 2 connections · 2 users`);

    await alice.click('#admin .admin-users li[data-user="bob"] button');
    await bob
      .locator('#connection', { hasText: 'The server ended this session.' })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await bob.locator('#reconnect').isVisible()).toBe(true);
    expect(await bob.locator('#badge').getAttribute('data-state')).toBe('offline');
    await alice
      .locator('#admin .admin-occupancy[data-subscribers="1"][data-users="1"]')
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await alice
      .locator('#admin .admin-users li[data-user="bob"]')
      .waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });

    // The user decides to come back: the Reconnect button, and the panel counts it again.
    await bob.click('#reconnect');
    await bob.locator('#badge[data-state="online"]').waitFor({ timeout: UI_TIMEOUT_MS });
    await alice
      .locator('#admin .admin-occupancy[data-subscribers="2"][data-users="2"]')
      .waitFor({ timeout: UI_TIMEOUT_MS });
  });

  it('is not offered in production: the dev endpoints behind it do not exist there', async () => {
    const production = await startGateway({ NODE_ENV: 'production' });
    try {
      const token = production.token({ sub: 'alice' });
      const answer = await request(production.url, 'GET', `/api/v1/dev/rooms/${room}/occupancy`, { token });
      expect(answer.status).toBe(404);
    } finally {
      await production.close();
    }
  });
});
