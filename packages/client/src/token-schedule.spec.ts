import jwt from 'jsonwebtoken';
import { isFresh, refreshDelayMs, tokenExpiry } from './token-schedule.js';

describe('tokenExpiry', () => {
  it('reads exp from a signed token without the secret', () => {
    const token = jwt.sign({ sub: 'alice', name: 'Zoë Ünïcode' }, 'whatever-secret-123456', {
      expiresIn: 60,
    });
    const exp = tokenExpiry(token);
    expect(exp).toBe((jwt.decode(token) as { exp: number }).exp);
  });

  it('is undefined for tokens without exp and for garbage', () => {
    expect(
      tokenExpiry(jwt.sign({ sub: 'a' }, 'whatever-secret-123456', { noTimestamp: true })),
    ).toBeUndefined();
    expect(tokenExpiry('not-a-jwt')).toBeUndefined();
    expect(tokenExpiry('a.%%%.c')).toBeUndefined();
    expect(tokenExpiry(`x.${Buffer.from('{"exp":"soon"}').toString('base64url')}.y`)).toBeUndefined();
  });
});

describe('refreshDelayMs', () => {
  it('refreshes the margin ahead of expiry', () => {
    expect(refreshDelayMs(3600, 0, 30_000)).toBe(3_570_000);
  });

  it('refreshes short tokens at half their remaining life', () => {
    expect(refreshDelayMs(10, 0, 30_000)).toBe(5_000);
  });

  it('is 0 for an expired token and capped below the timer limit for far ones', () => {
    expect(refreshDelayMs(10, 20_000, 30_000)).toBe(0);
    expect(refreshDelayMs(10 ** 9, 0, 30_000)).toBe(2 ** 31 - 1);
  });
});

describe('isFresh', () => {
  it('is fresh without exp, and while more than the margin remains', () => {
    expect(isFresh(undefined, 0, 30_000)).toBe(true);
    expect(isFresh(31, 0, 30_000)).toBe(true);
    expect(isFresh(30, 0, 30_000)).toBe(false);
  });
});
