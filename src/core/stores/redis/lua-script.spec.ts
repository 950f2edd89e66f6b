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

  describe('runMany', () => {
    /** A single Redis whose pipelines record what they carry; the script is unknown until an EVAL. */
    function fakePipelining() {
      const roundTrips: string[][] = [];
      let loaded = false;
      const client = {
        pipeline: () => {
          const queued: string[] = [];
          const pipeline = {
            evalsha: (_sha: string, _n: number, key: string) => (queued.push(`evalsha ${key}`), pipeline),
            eval: (_lua: string, _n: number, key: string) => (queued.push(`eval ${key}`), pipeline),
            exec: () => {
              roundTrips.push(queued);
              const replies = queued.map((call): [Error | null, unknown] => {
                if (call.startsWith('eval ')) loaded = true;
                else if (!loaded) return [new Error('NOSCRIPT No matching script.'), null];
                return call.endsWith('bad')
                  ? [new Error('WRONGTYPE'), null]
                  : [null, `ran ${call.split(' ')[1]}`];
              });
              return Promise.resolve(replies);
            },
          };
          return pipeline;
        },
      };
      return { client: client as unknown as RedisClient, roundTrips };
    }

    it('sends a batch in one round trip, and the calls Redis did not know the script for again in full', async () => {
      const { client, roundTrips } = fakePipelining();
      const calls = ['k1', 'k2', 'bad'].map((key) => ({ keys: [key], args: [] }));
      const first = await script.runMany(client, calls);
      expect(roundTrips).toEqual([
        ['evalsha k1', 'evalsha k2', 'evalsha bad'],
        ['eval k1', 'eval k2', 'eval bad'],
      ]);
      expect(first).toEqual([
        { ok: true, value: 'ran k1' },
        { ok: true, value: 'ran k2' },
        { ok: false, error: new Error('WRONGTYPE') },
      ]);
      await script.runMany(client, calls.slice(0, 2));
      expect(roundTrips).toHaveLength(3);
      expect(roundTrips[2]).toEqual(['evalsha k1', 'evalsha k2']);
    });
  });
});
