import { guardPromises } from './promise-guard.js';

class Client {
  readonly name = 'client';
  publish(fail: boolean): Promise<string> {
    return fail ? Promise.reject(new Error('down')) : Promise.resolve(`${this.name} ok`);
  }
  subscribe(): number {
    return 1;
  }
}

describe('guardPromises', () => {
  it('handles a dropped rejection and reports it', async () => {
    const seen: string[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const client = guardPromises(new Client(), (method, error) => seen.push(`${method}: ${String(error)}`));
      void client.publish(true); // dropped, as the Socket.IO adapter does
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).toEqual(['publish: Error: down']);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('returns the original results, bound to the real object', async () => {
    const client = guardPromises(new Client(), () => undefined);
    await expect(client.publish(false)).resolves.toBe('client ok');
    await expect(client.publish(true)).rejects.toThrow('down');
    expect(client.subscribe()).toBe(1);
    expect(client.name).toBe('client');
  });
});
