import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { runScenario, type ScenarioResult, type ScenarioSpec } from './scenario.js';
import { round } from './stats.js';

/**
 * `npm run bench`: the embedded single instance is the baseline; the Redis scenarios run in the
 * same process run, on the same machine, and are reported as ratios to it.
 */
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const runId = `bench-${randomBytes(4).toString('hex')}`;
const load = {
  subscribers: Number(process.env.BENCH_SUBSCRIBERS ?? 20),
  publications: Number(process.env.BENCH_PUBLICATIONS ?? 2000),
  concurrency: 16,
};
/** Each Redis scenario gets its own key prefix, so every one starts from empty channels. */
const redis = (scenario: number) => ({ REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `${runId}-${scenario}:` });

const scenarios: ScenarioSpec[] = [
  { name: 'memory, 1 instance (baseline)', instances: 1, env: {}, ...load },
  { name: 'redis, 1 instance', instances: 1, env: redis(1), ...load },
  { name: 'redis, 2 instances', instances: 2, env: redis(2), ...load },
];

async function cleanUp(): Promise<void> {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${runId}-*`, 'COUNT', 1000);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

async function main(): Promise<void> {
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of scenarios) {
      process.stderr.write(`bench: ${scenario.name} …\n`);
      results.push(await runScenario(scenario));
    }
  } finally {
    await cleanUp();
  }
  const baseline = results[0];
  const rows = results.map((r) => ({
    scenario: r.name,
    'delivered/expected': `${r.delivered}/${r.expected}`,
    'in order': r.inOrder,
    'p50 ms': r.p50Ms,
    'p99 ms': r.p99Ms,
    'deliveries/s': r.deliveriesPerSecond,
    'CPU ms/1000 deliveries': r.cpuMsPer1000Deliveries,
    'p99 × baseline': round(r.p99Ms / Math.max(1, baseline.p99Ms)),
    'CPU × baseline': round(r.cpuMsPer1000Deliveries / Math.max(0.01, baseline.cpuMsPer1000Deliveries)),
  }));
  console.table(rows);
  const report = { date: new Date().toISOString(), node: process.version, load, results, table: rows };
  mkdirSync(new URL('../bench/results/', import.meta.url), { recursive: true });
  const out = new URL('../bench/results/latest.json', import.meta.url);
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`bench: results in bench/results/latest.json\n`);
  if (results.some((r) => r.deliveredRatio < 1 || !r.inOrder)) process.exitCode = 1;
}

await main();
