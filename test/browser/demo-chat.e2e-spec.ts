import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { launchChromium, message, say, signIn, UI_TIMEOUT_MS } from './support/browser.js';

/** Where the demo screenshot lands; docs/demo.png is a copy of it (kept out of test runs). */
const SCREENSHOT = 'test-results/demo.png';

describe('demo page in Chromium: chat, presence, notifications', () => {
  let gateway: RunningGateway;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** Each test file starts its own gateway, so a fixed room name is safe. */
  const room = 'lobby';

  async function openPage(path = '/'): Promise<Page> {
    // One context per user: separate storage, as two people in two browsers.
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(gateway.url + path);
    return page;
  }

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGateway({ NODE_ENV: 'development' }), launchChromium()]);
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('two pages chat with each other; presence and typing follow', async () => {
    const alice = await openPage();
    await signIn(alice, 'alice', 'Alice', room);
    const bob = await openPage();
    await signIn(bob, 'bob', 'Bob', room);

    await alice.locator('#presence li[data-user="bob"]').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await alice.locator('#presence li').allTextContents()).toEqual(['Alice', 'Bob']);

    await bob.fill('#text', 'typ');
    await bob.locator('#text').press('i');
    await alice.locator('#typing', { hasText: 'Bob is typing' }).waitFor({ timeout: UI_TIMEOUT_MS });

    await say(alice, 'Hi Bob, the release is out');
    await message(bob, 'the release is out').waitFor({ timeout: UI_TIMEOUT_MS });
    await say(bob, 'Great, deploying to staging now');
    await message(alice, 'deploying to staging').waitFor({ timeout: UI_TIMEOUT_MS });
    await say(alice, 'Ping me when it is green');
    await message(bob, 'Ping me').waitFor({ timeout: UI_TIMEOUT_MS });

    expect(await bob.locator('#messages li .text').allTextContents()).toEqual([
      'Hi Bob, the release is out',
      'Great, deploying to staging now',
      'Ping me when it is green',
    ]);
    expect(
      await bob.locator('#messages li').evaluateAll((items) => items.map((i) => i.dataset.offset)),
    ).toEqual(['1', '2', '3']);
    const badge = alice.locator(`#offsets li[data-channel="chat:${room}"]`);
    await alice.locator(`#offsets li[data-channel="chat:${room}"][data-offset="3"]`).waitFor({
      timeout: UI_TIMEOUT_MS,
    });
    expect(await badge.textContent()).toBe(`chat:${room} @ 3`);

    // For the screenshot: a notification in the panel and Bob typing.
    const notified = await request(gateway.url, 'POST', '/api/v1/notifications', {
      token: gateway.token({ sub: 'backend', roles: ['service'] }),
      body: { userId: 'alice', title: 'Deploy approved', body: 'staging → production at 18:00 UTC' },
    });
    expect(notified.status).toBe(201);
    await alice
      .locator('#notifications li', { hasText: 'Deploy approved' })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await bob.locator('#text').press('!');
    await alice.locator('#typing', { hasText: 'Bob is typing' }).waitFor({ timeout: UI_TIMEOUT_MS });
    mkdirSync('test-results', { recursive: true });
    await alice.screenshot({ path: SCREENSHOT });

    await bob.click('#signout');
    await alice
      .locator('#presence li[data-user="bob"]')
      .waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    expect(await alice.locator('#presence li').allTextContents()).toEqual(['Alice']);
  });

  it('a notification sent through the REST API appears in the page, and so does a test one', async () => {
    const carol = await openPage();
    await signIn(carol, 'carol', 'Carol', room);
    const sent = await request(gateway.url, 'POST', '/api/v1/notifications', {
      token: gateway.token({ sub: 'backend', roles: ['service'] }),
      body: { userId: 'carol', title: 'Build finished', body: 'main is green' },
    });
    expect(sent.status).toBe(201);
    const card = carol.locator('#notifications li', { hasText: 'Build finished' });
    await card.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await card.textContent()).toContain('main is green');

    await carol.click('#notify-me');
    await carol
      .locator('#notifications li', { hasText: 'Test notification' })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await carol.locator('#notifications li').count()).toBe(2);
  });

  it('?transport=polling forces long-polling and still chats', async () => {
    const dave = await openPage('/?transport=polling');
    await signIn(dave, 'dave', 'Dave', room);
    expect(await dave.locator('#badge').getAttribute('data-transport')).toBe('polling');
    expect(await dave.locator('#badge-text').textContent()).toContain('polling');
    await say(dave, 'hello over long-polling');
    await message(dave, 'hello over long-polling').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await dave.locator('#badge').getAttribute('data-transport')).toBe('polling');
  });

  it('without ?transport the page upgrades to WebSocket', async () => {
    const erin = await openPage();
    await signIn(erin, 'erin', 'Erin', room);
    await erin.locator('#badge[data-transport="websocket"]').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await erin.locator('#badge-text').textContent()).toContain('websocket');
  });
});
