import { jest } from '@jest/globals';
import jwt from 'jsonwebtoken';
import type { SwitchboardError } from './switchboard-error.js';
import { TokenKeeper } from './token-keeper.js';
import { TokenRefresher } from './token-refresher.js';

const SECRET = 'unit-test-secret-0123456789';
const tokenExpiringAt = (exp: number): string => jwt.sign({ sub: 'alice', exp }, SECRET);

describe('TokenRefresher', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  function setup(tokens: string[], answer: () => Promise<{ exp?: number }>) {
    const provider = jest.fn(() => tokens.shift() ?? 'none');
    const keeper = new TokenKeeper(provider, 30_000);
    const sent: string[] = [];
    const failures: SwitchboardError[] = [];
    const refreshed: { exp?: number }[] = [];
    const refresher = new TokenRefresher(
      keeper,
      {
        send: (token) => {
          sent.push(token);
          return answer();
        },
        refreshed: (result) => refreshed.push(result),
        failed: (error) => failures.push(error),
      },
      30_000,
    );
    return { provider, keeper, refresher, sent, failures, refreshed };
  }

  it('fetches and sends a new token the margin ahead of exp, then keeps it', async () => {
    const first = tokenExpiringAt(3600);
    const second = tokenExpiringAt(7200);
    const { keeper, refresher, sent, refreshed } = setup([first, second], () =>
      Promise.resolve({ exp: 7200 }),
    );
    await keeper.forHandshake();
    refresher.start();
    await jest.advanceTimersByTimeAsync(3_569_999);
    expect(sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([second]);
    expect(refreshed).toEqual([{ exp: 7200 }]);
    expect(keeper.current?.token).toBe(second);
    refresher.stop();
  });

  it('refuses a provider that returns a token expiring no later, and retries', async () => {
    const same = tokenExpiringAt(100);
    const { keeper, refresher, sent, failures, provider } = setup([same, same, tokenExpiringAt(200)], () =>
      Promise.resolve({ exp: 200 }),
    );
    await keeper.forHandshake();
    refresher.start();
    await jest.advanceTimersByTimeAsync(70_000);
    expect(failures.map((f) => f.code)).toEqual(['UNAUTHORIZED']);
    expect(sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(provider).toHaveBeenCalledTimes(3);
    expect(sent).toHaveLength(1);
    refresher.stop();
  });

  it('stops retrying once the old token has expired', async () => {
    const { keeper, refresher, failures } = setup([tokenExpiringAt(10)], () =>
      Promise.reject(new Error('down')),
    );
    await keeper.forHandshake();
    refresher.start();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.length).toBeLessThan(10);
    const count = failures.length;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(failures).toHaveLength(count);
  });
});
