import { retryDelayMs } from './webhook-retry.js';

describe('retryDelayMs', () => {
  it('doubles from 1 s and never waits more than 60 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map((failures) => retryDelayMs(failures))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('follows a shorter schedule when given one (tests)', () => {
    expect([1, 2, 3].map((failures) => retryDelayMs(failures, { firstMs: 10, maxMs: 25 }))).toEqual([
      10, 20, 25,
    ]);
  });
});
