import { mkdirSync } from 'node:fs';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import {
  DESKTOP,
  message,
  messageList,
  PHONE,
  say,
  signIn,
  UI_TIMEOUT_MS,
  useChromium,
} from './support/browser.js';

/**
 * Where the demo screenshot lands (Debian's Chromium through playwright-core, 1100×720);
 * docs/demo.png is a copy of it, taken by hand (`cp test-results/demo.png docs/`), so that test
 * runs never change the repository.
 */
const SCREENSHOT = 'test-results/demo.png';

describe('demo page in Chromium: chat, presence, notifications', () => {
  const chromium = useChromium();
  let gateway: RunningGateway;
  /** Each test file starts its own gateway, so a fixed room name is safe. */
  const room = 'lobby';

  function openPage(path = '/', options: BrowserContextOptions = DESKTOP): Promise<Page> {
    return chromium.open(gateway.url + path, options);
  }

  /**
   * Ends every connection of `sub` as a backend does, through the control API: a server
   * disconnect, which a standard client does not retry (the demo's own admin panel does the same).
   */
  async function disconnectServerSide(sub: string): Promise<number> {
    const answer = await request<{ disconnected: number }>(
      gateway.url,
      'POST',
      `/api/v1/users/${sub}/disconnect`,
      {
        token: gateway.token({ sub: 'backend', roles: ['service'] }),
        body: { reconnect: false },
      },
    );
    expect(answer.status).toBe(200);
    return answer.body.disconnected;
  }

  beforeAll(async () => {
    gateway = await startGateway({ NODE_ENV: 'development' });
  });
  afterAll(async () => {
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

    // For the screenshot: a backend's message, a notification in the panel and Bob typing.
    const announced = await request(gateway.url, 'POST', `/api/v1/chat/rooms/${room}/messages`, {
      token: gateway.token({ sub: 'deploy-bot', roles: ['service'] }),
      body: { text: 'Staging deploy finished: all checks green' },
    });
    expect(announced.status).toBe(201);
    await message(alice, 'Staging deploy finished').waitFor({ timeout: UI_TIMEOUT_MS });
    const notified = await request(gateway.url, 'POST', '/api/v1/notifications', {
      token: gateway.token({ sub: 'backend', roles: ['service'] }),
      body: { userId: 'alice', title: 'Deploy approved', body: 'staging → production at 18:00 UTC' },
    });
    expect(notified.status).toBe(201);
    await alice
      .locator('#notifications li', { hasText: 'Deploy approved' })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    // Bob types again, key after key as a person does: the gateway fans out at most one
    // `chat.typing` per user a second (it may drop the first keystroke's, sent right after his
    // message), so the indicator comes back while he keeps typing, not on one exact keystroke.
    const typing = alice.locator('#typing', { hasText: 'Bob is typing' });
    const deadline = Date.now() + UI_TIMEOUT_MS;
    for (let key = 0; !(await typing.isVisible()); key++) {
      if (Date.now() > deadline) throw new Error('"Bob is typing" never came back while Bob kept typing');
      await bob.locator('#text').press(key % 2 ? '!' : '?');
      await typing.waitFor({ timeout: 500 }).catch(() => undefined);
    }
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

  it('at phone width (390×844) it explains a bad user id in words and never scrolls sideways', async () => {
    const phone = await openPage('/', PHONE);
    const pageWidth = () => phone.evaluate(() => document.documentElement.scrollWidth);
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    const tokenRequests: string[] = [];
    phone.on('request', (r) => void (r.url().includes('/api/v1/dev/token') && tokenRequests.push(r.url())));

    await phone.fill('#sub', 'frank smith');
    await phone.click('#signin-button');
    await phone.locator('#signin-error', { hasText: 'User id “frank smith” is not valid' }).waitFor();
    expect(await phone.locator('#signin-error').textContent()).toContain('letters, digits and _ . @ = | -');
    // The pattern compiled (under the v flag) and did the checking, in the page.
    expect(
      await phone.locator('#sub').evaluate((input: HTMLInputElement) => input.validity.patternMismatch),
    ).toBe(true);
    expect(await phone.locator('#sub').getAttribute('aria-invalid')).toBe('true');
    expect(await phone.evaluate(() => document.activeElement?.id)).toBe('sub');

    await phone.fill('#sub', 'frank|ops-1');
    await phone.fill('#room', 'lobby/2');
    await phone.click('#signin-button');
    await phone.locator('#signin-error', { hasText: 'Room “lobby/2” is not valid' }).waitFor();
    expect(await phone.locator('#sub').getAttribute('aria-invalid')).toBe('false');
    expect(tokenRequests).toEqual([]);

    // A long id and an unbroken message are the widest things the page shows.
    const longId = `frank.${'f'.repeat(80)}`;
    await signIn(phone, longId, 'Frank', room);
    const unbroken = 'x'.repeat(300);
    await say(phone, unbroken);
    await message(phone, unbroken).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(tokenRequests).toHaveLength(1);
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    const send = await phone.locator('#send').boundingBox();
    expect(send && send.x + send.width).toBeLessThanOrEqual(390);
  });

  it('an empty room says so; a REST system message reads as from the system, not the service', async () => {
    const quiet = 'quiet-room';
    const ivy = await openPage();
    await signIn(ivy, 'ivy', 'Ivy', quiet);
    const emptyText = () =>
      ivy.locator('#messages').evaluate((list) => getComputedStyle(list, '::before').content);
    expect(await emptyText()).toBe(`"No messages in #${quiet} yet. Say hello!"`);

    // A service whose token has a display name of its own, as the development sample token does.
    const posted = await request(gateway.url, 'POST', `/api/v1/chat/rooms/${quiet}/messages`, {
      token: gateway.token({ sub: 'ivy', name: 'Developer', roles: ['service'] }),
      body: { text: 'Maintenance at 18:00 UTC' },
    });
    expect(posted.status).toBe(201);
    const line = message(ivy, 'Maintenance at 18:00 UTC');
    await line.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await emptyText()).toBe('none');
    const author = line.locator('.author');
    expect(await author.textContent()).toBe('System');
    expect(await author.getAttribute('class')).toBe('author system');
    expect(await author.getAttribute('title')).toBe('Posted through the REST API by the service ivy');
    // Posted with Ivy's own id, yet not shown as her own message.
    expect(await line.getAttribute('class')).toBe('message');
  });

  it('a notification prints its time once; on a phone, one below the fold raises a signal', async () => {
    // A busy room: its message list fills most of the screen, so the notifications are below it.
    const busy = 'busy-room';
    const service = gateway.token({ sub: 'backend', roles: ['service'] });
    for (let n = 1; n <= 20; n++) {
      const posted = await request(gateway.url, 'POST', `/api/v1/chat/rooms/${busy}/messages`, {
        token: service,
        body: { text: `Status update ${n}` },
      });
      expect(posted.status).toBe(201);
    }
    const phone = await openPage('/', PHONE);
    await signIn(phone, 'jack', 'Jack', busy);
    await phone.evaluate(() => window.scrollTo(0, 0));
    const card = phone.locator('#notifications-card');
    expect(await card.isVisible()).toBe(true);
    expect(await card.evaluate((node) => node.getBoundingClientRect().top > window.innerHeight)).toBe(true);

    const signal = phone.locator('#notification-signal');
    expect(await signal.isHidden()).toBe(true);
    // Pressed without scrolling to it (Playwright's click would bring the card into view).
    await phone.locator('#notify-me').evaluate((button: HTMLButtonElement) => button.click());
    await signal.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await signal.textContent()).toBe('1 new notification ↓');
    const sent = await request(gateway.url, 'POST', '/api/v1/notifications', {
      token: service,
      body: { userId: 'jack', title: 'Build finished' },
    });
    expect(sent.status).toBe(201);
    await phone.locator('#notification-signal', { hasText: '2 new notifications ↓' }).waitFor({
      timeout: UI_TIMEOUT_MS,
    });

    await signal.click();
    await signal.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    expect(await card.evaluate((node) => node.getBoundingClientRect().top < window.innerHeight)).toBe(true);
    const test = phone.locator('#notifications li', { hasText: 'Test notification' });
    const times = (await test.textContent())?.match(/\d{1,2}:\d{2}:\d{2}/g) ?? [];
    expect(times).toHaveLength(1);
    expect(await test.locator('time').count()).toBe(1);
  });

  it('serves its favicon, as SVG and as favicon.ico', async () => {
    const page = await openPage();
    expect(await page.locator('link[rel="icon"][type="image/svg+xml"]').getAttribute('href')).toBe(
      '/favicon.svg',
    );
    const svg = await fetch(`${gateway.url}/favicon.svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    expect(await svg.text()).toContain('<svg');
    const ico = await fetch(`${gateway.url}/favicon.ico`);
    expect(ico.status).toBe(200);
    // ICONDIR: reserved 0, type 1 (icon).
    expect([...new Uint8Array(await ico.arrayBuffer()).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
  });

  it.each([
    ['WebSocket', '/'],
    ['long-polling', '/?transport=polling'],
  ])(
    'disconnected by the server (%s): composer disabled, presence offline, until Reconnect',
    async (transport, path) => {
      // A room of their own: its list holds only what this test says.
      const standup = `standup-${transport}`;
      const gina = await openPage(path);
      await signIn(gina, 'gina', 'Gina', standup);
      const hank = await openPage();
      await signIn(hank, 'hank', 'Hank', standup);
      await gina.locator('#presence li[data-user="hank"]').waitFor({ timeout: UI_TIMEOUT_MS });
      await gina.fill('#text', 'half-typed');
      expect(await gina.locator('#presence').getAttribute('data-state')).toBe('online');

      expect(await disconnectServerSide('gina')).toBe(1);
      await gina.locator('#badge[data-state="offline"]').waitFor({ timeout: UI_TIMEOUT_MS });
      await gina.locator('#text:disabled').waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await gina.locator('#send').isDisabled()).toBe(true);
      expect(await gina.locator('#notify-me').isDisabled()).toBe(true);
      expect(await gina.locator('#text').inputValue()).toBe('half-typed');
      expect(await gina.locator('#presence').getAttribute('data-state')).toBe('offline');
      expect(await gina.locator('#presence-state').textContent()).toContain('offline');
      expect(await gina.locator('#connection').isVisible()).toBe(true);
      expect(await gina.locator('#connection-text').textContent()).toBe('The server ended this session.');
      expect(await gina.locator('#reconnect').isVisible()).toBe(true);
      expect(await gina.locator('#messages li.notice.connection').textContent()).toContain('Disconnected at');
      // The room saw her go; she is not retried automatically (a server disconnect is final).
      await hank
        .locator('#presence li[data-user="gina"]')
        .waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      await say(hank, 'Gina, are you there?');
      expect(await gina.locator('#badge').getAttribute('data-state')).toBe('offline');

      await gina.click('#reconnect');
      await gina
        .locator('#badge[data-state="online"][data-reconnects="1"]')
        .waitFor({ timeout: UI_TIMEOUT_MS });
      await gina.locator('#text:enabled').waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await gina.locator('#send').isEnabled()).toBe(true);
      expect(await gina.locator('#connection').isHidden()).toBe(true);
      await gina
        .locator('#presence[data-state="online"] li[data-user="hank"]')
        .waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await gina.locator('#presence li').allTextContents()).toEqual(['Gina', 'Hank']);
      expect(await gina.locator('#presence-state').textContent()).toBe('');
      expect(await gina.locator('#messages li.notice.connection').textContent()).toContain('Reconnected at');
      // What was said while she was away arrives by recovery, after the notice.
      await message(gina, 'Gina, are you there?').waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await messageList(gina)).toEqual(['[connection]', 'Gina, are you there?']);
      await hank.locator('#presence li[data-user="gina"]').waitFor({ timeout: UI_TIMEOUT_MS });
      await gina.fill('#text', 'back again');
      await gina.click('#send');
      await message(hank, 'back again').waitFor({ timeout: UI_TIMEOUT_MS });
    },
  );
});
