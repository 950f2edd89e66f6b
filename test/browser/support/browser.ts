import { jest } from '@jest/globals';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import { PageProblems } from './page-problems.js';

/** Debian's Chromium (never a downloaded browser), headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    timeout: 60_000,
  });
}

export const UI_TIMEOUT_MS = 15_000;

/** The window the demo is designed for, and a phone (CSS pixels of an iPhone 12–15). */
export const DESKTOP: BrowserContextOptions = { viewport: { width: 1100, height: 720 } };
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
};

export interface ChromiumFixture {
  /** A new page at `url`, in a context of its own (one per user: separate storage, as two browsers). */
  open(url: string, options?: BrowserContextOptions): Promise<Page>;
  /** The problem watcher of `page`, to declare failures the test provokes (see {@link PageProblems.allow}). */
  problems(page: Page): PageProblems;
}

/**
 * Chromium for the tests of one file: launched once, a fresh context per page, all closed
 * after each test. Every page is watched by {@link PageProblems}: a console error, an
 * uncaught exception, a failed request or an HTTP error the test did not declare fails the
 * test it happened in.
 *
 * Call it before registering hooks that stop gateways: Jest runs `afterEach` hooks in the
 * order they were declared, and the pages must be closed before their server goes away
 * (or the page's reconnection attempts would count as problems).
 */
export function useChromium(): ChromiumFixture {
  // A browser test is a few user journeys, each step awaited for up to UI_TIMEOUT_MS.
  jest.setTimeout(60_000);
  let browser: Browser | undefined;
  const watched = new Map<BrowserContext, PageProblems>();

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    const problems: string[] = [];
    for (const [context, watcher] of watched) {
      watcher.stop();
      problems.push(...watcher.list);
      await context.close();
    }
    watched.clear();
    expect(problems).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  return {
    async open(url, options = DESKTOP) {
      if (!browser) throw new Error('useChromium(): open() before beforeAll ran');
      const context = await browser.newContext(options);
      watched.set(context, new PageProblems(context));
      const page = await context.newPage();
      await page.goto(url);
      return page;
    },
    problems(page) {
      const watcher = watched.get(page.context());
      if (!watcher) throw new Error('useChromium(): this page was not opened by open()');
      return watcher;
    },
  };
}

/** Fills the demo's sign-in form and waits until the room is live (presence lists the user). */
export async function signIn(page: Page, sub: string, name: string, room: string): Promise<void> {
  await page.fill('#sub', sub);
  await page.fill('#name', name);
  await page.fill('#room', room);
  await page.click('#signin-button');
  await page.locator('#badge[data-state="online"]').waitFor({ timeout: UI_TIMEOUT_MS });
  await page.locator(`#presence li[data-user="${sub}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
}

/** Types and sends a chat message through the page's composer. */
export async function say(page: Page, text: string): Promise<void> {
  await page.fill('#text', text);
  await page.click('#send');
}

export function message(page: Page, text: string) {
  return page.locator('#messages li', { hasText: text });
}

/**
 * The message list as a reader sees it: a message's text (prefixed `(stale) ` when it is
 * from an older life of the room, greyed), a notice as `[kind]`.
 */
export function messageList(page: Page): Promise<string[]> {
  return page.locator('#messages li').evaluateAll((items) =>
    items.map((item) => {
      if (item.dataset.notice) return `[${item.dataset.notice}]`;
      const text = item.querySelector('.text')?.textContent ?? '';
      return item.classList.contains('stale') ? `(stale) ${text}` : text;
    }),
  );
}

/** The offsets of the messages of the room's current life, in list order. */
export function currentOffsets(page: Page): Promise<string[]> {
  return page
    .locator('#messages li.message:not(.stale)')
    .evaluateAll((items) => items.map((item) => item.dataset.offset ?? ''));
}
