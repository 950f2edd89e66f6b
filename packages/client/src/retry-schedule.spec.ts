import { retryAfterMs, retryDelay } from './retry-schedule.js';

describe('retryDelay', () => {
  const schedule = { retryDelayMs: 100, maxDelayMs: 1000 };

  it('doubles per retry, jittered between half and all of the step', () => {
    expect(retryDelay(schedule, 1, 0, () => 0)).toBe(50);
    expect(retryDelay(schedule, 1, 0, () => 1)).toBe(100);
    expect(retryDelay(schedule, 3, 0, () => 1)).toBe(400);
    expect(retryDelay(schedule, 3, 0, () => 0)).toBe(200);
  });

  it('never waits longer than maxDelayMs, nor less than Retry-After', () => {
    expect(retryDelay(schedule, 10, 0, () => 1)).toBe(1000);
    expect(retryDelay(schedule, 1, 700, () => 0)).toBe(700);
    expect(retryDelay(schedule, 1, 60_000, () => 0)).toBe(1000);
  });
});

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(retryAfterMs('1')).toBe(1000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(
      10_000,
    );
  });

  it('is 0 when absent, unreadable or in the past', () => {
    expect(retryAfterMs(null)).toBe(0);
    expect(retryAfterMs('')).toBe(0);
    expect(retryAfterMs('soon')).toBe(0);
    expect(retryAfterMs('-3')).toBe(0);
  });
});
