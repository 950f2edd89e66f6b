import { AdminLoginLimiter } from './admin-login.limiter.js';

describe('AdminLoginLimiter', () => {
  let now: number;
  const limiter = () => new AdminLoginLimiter({ perAddress: 2, total: 3, windowMs: 60_000 }, () => now);
  beforeEach(() => {
    now = 1_000_000;
  });

  it('gives each address at most perAddress slots, and all of them at most total, until a window has passed', () => {
    const limits = limiter();
    const a = [limits.acquire('a'), limits.acquire('a'), limits.acquire('a')];
    expect(a.map(Boolean)).toEqual([true, true, false]);
    for (const check of a) check?.failed();
    expect(Boolean(limits.acquire('b'))).toBe(true);
    expect(Boolean(limits.acquire('c'))).toBe(false);
    now += 59_999;
    expect(Boolean(limits.acquire('c'))).toBe(false);
    now += 1;
    expect(Boolean(limits.acquire('a'))).toBe(true);
    expect(Boolean(limits.acquire('c'))).toBe(true);
  });

  it('counts a check in flight, and gives the slot back when the login succeeds', () => {
    const limits = limiter();
    const first = limits.acquire('a');
    const second = limits.acquire('a');
    expect(limits.acquire('a')).toBeUndefined();
    first?.succeeded();
    first?.succeeded();
    const third = limits.acquire('a');
    expect(third).toBeDefined();
    expect(limits.acquire('a')).toBeUndefined();
    second?.failed();
    third?.failed();
  });
});
