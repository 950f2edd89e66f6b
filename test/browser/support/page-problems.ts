import type { BrowserContext, ConsoleMessage, Request, Response } from 'playwright-core';

/** A failure a test declared it causes on purpose (the server stopped), for a while. */
export interface Allowance {
  /** Stops allowing: from now on such failures count again. */
  end(): void;
}

interface Expected {
  readonly url: RegExp;
  readonly why: string;
}

/**
 * Everything that goes wrong in one browser context: console errors, uncaught exceptions
 * (`pageerror`), failed requests and HTTP responses >= 400. A healthy page produces none, so
 * any of them fails the test (see `useChromium`), unless the test declared it with
 * {@link allow} for the time it provokes it.
 *
 * Listening on every page (`page` event) covers popups and pages opened later. Chromium
 * reports a failed load twice, as the request and as a console error whose location is the
 * resource; an allowance matches either by URL.
 */
export class PageProblems {
  private readonly found: string[] = [];
  private readonly expected = new Set<Expected>();
  private recording = true;

  constructor(context: BrowserContext) {
    context.on('page', (page) => {
      page.on('console', (message) => this.console(message));
      page.on('pageerror', (error) => this.record(`pageerror: ${error.stack ?? error.message}`));
      page.on('requestfailed', (request) => this.requestFailed(request));
      page.on('response', (response) => this.response(response));
    });
  }

  /** Problems so far, one line each. */
  get list(): readonly string[] {
    return this.found;
  }

  /** Failures of requests to URLs matching `url` are expected until `end()`; `why` is for the reader. */
  allow(url: RegExp, why: string): Allowance {
    const entry = { url, why };
    this.expected.add(entry);
    return { end: () => this.expected.delete(entry) };
  }

  /** Stops recording: closing a context aborts its requests, which is no fault of the page. */
  stop(): void {
    this.recording = false;
  }

  private console(message: ConsoleMessage): void {
    if (message.type() !== 'error') return;
    const { url } = message.location();
    if (this.isExpected(url) || this.isExpected(message.text())) return;
    this.record(`console.error: ${message.text()}${url ? ` (${url})` : ''}`);
  }

  private requestFailed(request: Request): void {
    if (this.isExpected(request.url())) return;
    this.record(`requestfailed: ${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
  }

  private response(response: Response): void {
    if (response.status() < 400 || this.isExpected(response.url())) return;
    this.record(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  }

  private isExpected(text: string): boolean {
    return [...this.expected].some(({ url }) => url.test(text));
  }

  private record(problem: string): void {
    if (this.recording) this.found.push(problem);
  }
}
