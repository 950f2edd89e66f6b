import { AbuseWindow, TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the configured rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now += 100; // 10/s → one token per 100 ms
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
  });

  it('never holds more than the burst', () => {
    let now = 0;
    const bucket = new TokenBucket(100, 2, () => now);
    now += 60_000;
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, false]);
  });
});

describe('AbuseWindow', () => {
  it('trips only when more than the limit fall inside the window', () => {
    let now = 0;
    const window = new AbuseWindow(3, 1000, () => now);
    expect([window.record(), window.record(), window.record()]).toEqual([false, false, false]);
    now += 1000; // the first three slide out
    expect(window.record()).toBe(false);
    expect([window.record(), window.record(), window.record()]).toEqual([false, false, true]);
  });
});
