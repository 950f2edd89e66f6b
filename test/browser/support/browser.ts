import { chromium, type Browser, type Page } from 'playwright-core';

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
