import { WakeSignal } from './wake-signal.js';

describe('WakeSignal', () => {
  it('wakes every waiter at once on notify', async () => {
    const signal = new WakeSignal();
    const waits = [signal.wait(60_000), signal.wait(Number.POSITIVE_INFINITY)];
    signal.notify();
    await expect(Promise.all(waits)).resolves.toEqual([true, true]);
  });

  it('ends a wait by its timeout when nothing notifies, and a later notify wakes only new waiters', async () => {
    const signal = new WakeSignal();
    await expect(signal.wait(1)).resolves.toBe(false);
    signal.notify();
    const next = signal.wait(60_000);
    signal.notify();
    await expect(next).resolves.toBe(true);
  });
});
