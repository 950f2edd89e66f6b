import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../redis/support/redis-keyspace.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { freePort } from '../support/global-setup.js';
import { request } from '../support/http.js';
import { startGatewayOn } from '../client/support/client-harness.js';
import { launchChromium, message, say, signIn, UI_TIMEOUT_MS } from './support/browser.js';

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

describe('demo page in Chromium: the server restarts on the same port', () => {
  let browser: Browser;
  let gateway: RunningGateway | undefined;
  let other: RunningGateway | undefined;
  const prefix = uniquePrefix('demo-restart');
  const redis = new Redis(testRedisUrl());

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await gateway?.close();
    await other?.close();
    gateway = other = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('reconnects, resyncs the room from the new server and keeps chatting', async () => {
    const port = await freePort();
    const env = { NODE_ENV: 'development' };
    gateway = await startGatewayOn(port, env);
    const context = await browser.newContext();
    const page: Page = await context.newPage();
    await page.goto(gateway.url);
    await signIn(page, 'alice', 'Alice', 'lobby');
    await say(page, 'before the restart');
    await message(page, 'before the restart').waitFor({ timeout: UI_TIMEOUT_MS });

    await gateway.close();
    gateway = undefined;
    await page.locator('#badge[data-state="offline"]').waitFor({ timeout: UI_TIMEOUT_MS });

    // Same port, same secret: the page's cached token stays valid. In-memory history died
    // with the process, so this message (sent before or while the page reconnects) reaches
    // it through recovery's resync (history reload) or live — either way it must show.
    gateway = await startGatewayOn(port, env);
    await systemMessage(gateway, 'lobby', 'sent while the page was away');
    await page.locator('#badge[data-state="online"][data-reconnects="1"]').waitFor({ timeout: 30_000 });
    await message(page, 'sent while the page was away').waitFor({ timeout: UI_TIMEOUT_MS });
    // The old life of the room is gone from the server, and so from the page.
    await message(page, 'before the restart').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });

    const offset = await systemMessage(gateway, 'lobby', 'after the reconnect');
    await message(page, 'after the reconnect').waitFor({ timeout: UI_TIMEOUT_MS });
    await say(page, 'and the page still sends');
    await message(page, 'and the page still sends').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.locator('#messages li .text').allTextContents()).toEqual([
      'sent while the page was away',
      'after the reconnect',
      'and the page still sends',
    ]);
    expect(
      await page.locator('#messages li').evaluateAll((items) => items.map((i) => i.dataset.offset)),
    ).toEqual(['1', String(offset), String(offset + 1)]);
    await page.locator(`#offsets li[data-channel="chat:lobby"][data-offset="${offset + 1}"]`).waitFor({
      timeout: UI_TIMEOUT_MS,
    });
    await context.close();
  });

  it('on Redis: messages sent through another instance while the page was away arrive by recovery', async () => {
    const port = await freePort();
    const env = { NODE_ENV: 'development', REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix };
    gateway = await startGatewayOn(port, { ...env, INSTANCE_ID: 'demo-a' });
    other = await startGateway({ ...env, INSTANCE_ID: 'demo-b' });
    const context = await browser.newContext();
    const page: Page = await context.newPage();
    await page.goto(gateway.url);
    await signIn(page, 'alice', 'Alice', 'ops');
    await say(page, 'before the restart');
    await message(page, 'before the restart').waitFor({ timeout: UI_TIMEOUT_MS });

    await gateway.close();
    gateway = undefined;
    await page.locator('#badge[data-state="offline"]').waitFor({ timeout: UI_TIMEOUT_MS });
    await systemMessage(other, 'ops', 'first while away');
    await systemMessage(other, 'ops', 'second while away');

    gateway = await startGatewayOn(port, { ...env, INSTANCE_ID: 'demo-a2' });
    await page.locator('#badge[data-state="online"][data-reconnects="1"]').waitFor({ timeout: 30_000 });
    await message(page, 'second while away').waitFor({ timeout: UI_TIMEOUT_MS });
    // History survived in Redis: nothing was reloaded, the old message is still there.
    expect(await page.locator('#messages li .text').allTextContents()).toEqual([
      'before the restart',
      'first while away',
      'second while away',
    ]);
    expect(
      await page.locator('#messages li').evaluateAll((items) => items.map((i) => i.dataset.offset)),
    ).toEqual(['1', '2', '3']);
    await context.close();
  });
});
