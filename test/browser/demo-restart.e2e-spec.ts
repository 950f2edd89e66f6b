import { Redis } from 'ioredis';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../redis/support/redis-keyspace.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { freePort } from '../support/global-setup.js';
import { request } from '../support/http.js';
import { startGatewayOn } from '../client/support/client-harness.js';
import {
  currentOffsets,
  message,
  messageList,
  say,
  signIn,
  UI_TIMEOUT_MS,
  useChromium,
} from './support/browser.js';
import type { Page } from 'playwright-core';

/** A backend's message into the room (REST, role service). */
async function systemMessage(gateway: RunningGateway, room: string, text: string): Promise<number> {
  const response = await request<{ offset: number }>(
    gateway.url,
    'POST',
    `/api/v1/chat/rooms/${room}/messages`,
    {
      token: gateway.token({ sub: 'backend', roles: ['service'] }),
      body: { text },
    },
  );
  expect(response.status).toBe(201);
  return response.body.offset;
}

/** The page's reconnection attempts fail while its server is down: that is the point. */
const SOCKET_IO = /\/socket\.io\//;

describe('demo page in Chromium: the server restarts on the same port', () => {
  const chromium = useChromium();
  let gateway: RunningGateway | undefined;
  let other: RunningGateway | undefined;
  const prefix = uniquePrefix('demo-restart');
  const redis = new Redis(testRedisUrl(), { lazyConnect: true }); // connected by its first command

  afterEach(async () => {
    await gateway?.close();
    await other?.close();
    gateway = other = undefined;
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  /** While disconnected the page offers nothing that needs the server and says so. */
  async function expectOffline(page: Page): Promise<void> {
    expect(await page.locator('#text').isDisabled()).toBe(true);
    expect(await page.locator('#send').isDisabled()).toBe(true);
    expect(await page.locator('#presence').getAttribute('data-state')).toBe('offline');
    expect(await page.locator('#presence-state').textContent()).toContain('offline');
    expect(await page.locator('#connection-text').textContent()).toContain('Connection lost — reconnecting');
    // It retries by itself: no button to press.
    expect(await page.locator('#reconnect').isHidden()).toBe(true);
    expect(await page.locator('#messages li.notice.connection').textContent()).toContain(
      'Connection lost at',
    );
  }

  async function expectOnline(page: Page, sub: string): Promise<void> {
    await page.locator('#text:enabled').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.locator('#send').isEnabled()).toBe(true);
    expect(await page.locator('#connection').isHidden()).toBe(true);
    await page
      .locator(`#presence[data-state="online"] li[data-user="${sub}"]`)
      .waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.locator('#messages li.notice.connection').textContent()).toContain('Reconnected at');
  }

  it('reconnects, keeps what was shown, says the history was reset, and keeps chatting', async () => {
    const port = await freePort();
    const env = { NODE_ENV: 'development' };
    gateway = await startGatewayOn(port, env);
    const page = await chromium.open(gateway.url);
    await signIn(page, 'alice', 'Alice', 'lobby');
    await say(page, 'before the restart');
    await message(page, 'before the restart').waitFor({ timeout: UI_TIMEOUT_MS });

    const serverDown = chromium
      .problems(page)
      .allow(SOCKET_IO, 'reconnection attempts while the server is down');
    await gateway.close();
    gateway = undefined;
    await page.locator('#badge[data-state="offline"]').waitFor({ timeout: UI_TIMEOUT_MS });
    // A second attempt means the first one failed: the page is offline for a while.
    await page.locator('#connection-text', { hasText: 'attempt 2' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await expectOffline(page);

    // Same port, same secret: the page's cached token stays valid. In-memory history died
    // with the process, so this message (sent before or while the page reconnects) reaches
    // it through recovery's resync (history reload) or live — either way it must show.
    gateway = await startGatewayOn(port, env);
    await systemMessage(gateway, 'lobby', 'sent while the page was away');
    await page.locator('#badge[data-state="online"][data-reconnects="1"]').waitFor({ timeout: 30_000 });
    serverDown.end();
    await message(page, 'sent while the page was away').waitFor({ timeout: UI_TIMEOUT_MS });
    await expectOnline(page, 'alice');
    // The old life of the room is gone from the server, not from the page: kept, greyed, and
    // the list says why.
    expect(await page.locator('#messages li.notice.resync').textContent()).toBe(
      "The server's history of chat:lobby started over (a restart or lost data). History reloaded; 1 earlier item kept, greyed.",
    );

    const offset = await systemMessage(gateway, 'lobby', 'after the reconnect');
    await message(page, 'after the reconnect').waitFor({ timeout: UI_TIMEOUT_MS });
    await say(page, 'and the page still sends');
    await message(page, 'and the page still sends').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await messageList(page)).toEqual([
      '(stale) before the restart',
      '[connection]',
      '[resync]',
      'sent while the page was away',
      'after the reconnect',
      'and the page still sends',
    ]);
    expect(await currentOffsets(page)).toEqual(['1', String(offset), String(offset + 1)]);
    await page.locator(`#offsets li[data-channel="chat:lobby"][data-offset="${offset + 1}"]`).waitFor({
      timeout: UI_TIMEOUT_MS,
    });
  });

  it('on Redis: messages sent through another instance while the page was away arrive by recovery', async () => {
    const port = await freePort();
    const env = { NODE_ENV: 'development', REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix };
    gateway = await startGatewayOn(port, { ...env, INSTANCE_ID: 'demo-a' });
    other = await startGateway({ ...env, INSTANCE_ID: 'demo-b' });
    const page = await chromium.open(gateway.url);
    await signIn(page, 'alice', 'Alice', 'ops');
    await say(page, 'before the restart');
    await message(page, 'before the restart').waitFor({ timeout: UI_TIMEOUT_MS });

    const serverDown = chromium
      .problems(page)
      .allow(SOCKET_IO, 'reconnection attempts while the server is down');
    await gateway.close();
    gateway = undefined;
    await page.locator('#badge[data-state="offline"]').waitFor({ timeout: UI_TIMEOUT_MS });
    await page.locator('#connection-text', { hasText: 'attempt 2' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await expectOffline(page);
    await systemMessage(other, 'ops', 'first while away');
    await systemMessage(other, 'ops', 'second while away');

    gateway = await startGatewayOn(port, { ...env, INSTANCE_ID: 'demo-a2' });
    await page.locator('#badge[data-state="online"][data-reconnects="1"]').waitFor({ timeout: 30_000 });
    serverDown.end();
    await message(page, 'second while away').waitFor({ timeout: UI_TIMEOUT_MS });
    await expectOnline(page, 'alice');
    // History survived in Redis: recovered, nothing reloaded or greyed, no resync notice.
    expect(await messageList(page)).toEqual([
      'before the restart',
      '[connection]',
      'first while away',
      'second while away',
    ]);
    expect(await currentOffsets(page)).toEqual(['1', '2', '3']);
  });
});
