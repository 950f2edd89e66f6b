import type { RedisClient } from './lua-script.js';
import { LuaScript } from './lua-script.js';

/** A client whose script cache is empty until the first EVAL. */
function fakeRedis() {
  const calls: string[] = [];
  let loaded = false;
  const client = {
    evalsha: (sha: string, numKeys: number, ...rest: unknown[]) => {
      calls.push(`evalsha ${sha.length} ${numKeys} ${rest.join(' ')}`);
      return loaded ? Promise.resolve('ran') : Promise.reject(new Error('NOSCRIPT No matching script.'));
    },
    eval: (lua: string, numKeys: number, ...rest: unknown[]) => {
      calls.push(`eval ${lua} ${numKeys} ${rest.join(' ')}`);
      loaded = true;
      return Promise.resolve('ran');
    },
  };
  return { client: client as unknown as RedisClient, calls };
}

describe('LuaScript', () => {
  const script = new LuaScript('noop', 'return 1');

  it('runs by SHA and loads the script only when Redis does not know it', async () => {
    const { client, calls } = fakeRedis();
    await expect(script.run(client, ['k1', 'k2'], ['a', 3])).resolves.toBe('ran');
    await expect(script.run(client, ['k1'], [])).resolves.toBe('ran');
    expect(calls).toEqual(['evalsha 40 2 k1 k2 a 3', 'eval return 1 2 k1 k2 a 3', 'evalsha 40 1 k1']);
  });

  it('passes other errors through', async () => {
    const client = { evalsha: () => Promise.reject(new Error('READONLY')) } as unknown as RedisClient;
    await expect(script.run(client, [], [])).rejects.toThrow('READONLY');
  });
});
