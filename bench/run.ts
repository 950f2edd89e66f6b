import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus as cpuList, loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { format, resolveConfig } from 'prettier';
import { Deployment } from './deployment.js';
import { type BenchCase, benchCases, loadSizes, type Metrics, type RunSize } from './plan.js';
import { type CaseSummary, type Machine, markdown, summarise } from './report.js';
import { pinSelf } from './server-process.js';

/**
 * `npm run bench`: Switchboard against a hand-written Socket.IO server and a raw `ws` floor,
 * on the same load generator, in one run. Each scenario runs its cases in BENCH_REPEATS
 * rounds (default 3), interleaved (hand-written, Switchboard, hand-written, Switchboard, …),
 * so slow drift of a noisy machine hits both alike; medians, their spread over the rounds
 * and the ratios go to bench/results/latest.{json,md} and docs/performance.md.
 *
 * `npm run bench -- --quick`: a third of the load, results to bench/results/quick.{json,md}
 * only. BENCH_SMOKE=1 (used by `npm test`): tiny loads, one round, no pinning, results only
 * to BENCH_OUT (if set); it fails only when something is lost. BENCH_ONLY=id,id runs a subset.
 */
const smoke = process.env.BENCH_SMOKE === '1';
const size: RunSize = smoke ? 'smoke' : process.argv.includes('--quick') ? 'quick' : 'full';
const repeats = smoke ? 1 : Number(process.env.BENCH_REPEATS ?? 3);
const redisUrl = process.env.REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const runId = `bench-${randomBytes(4).toString('hex')}`;
const sizes = loadSizes(size);
const only = process.env.BENCH_ONLY?.split(',');

function machine(pinned: boolean, loadAtStart: number): Machine {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  const loadAverage: [number, number] = [loadAtStart, loadavg()[0]];
  return { cpus: cpuList().length, cpuModel: model.trim(), node: process.version, pinned, loadAverage };
}

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

async function runCase(
  c: BenchCase,
  repeat: number,
  cpus: string | undefined,
): Promise<Metrics | { error: string }> {
  const started = Date.now();
  const deployment = await Deployment.start(c.spec, {
    redisUrl,
    keyPrefix: `${runId}-${c.id}-${repeat}:`,
    cpus,
    label: `${c.id}-${repeat + 1}`,
  });
  try {
    const metrics = { ...(await c.run(deployment)), ...deployment.hookMetrics() };
    process.stderr.write(
      `bench: ${c.id} #${repeat + 1} ${JSON.stringify(metrics)} (${Date.now() - started} ms)\n`,
    );
    return metrics;
  } catch (error) {
    process.stderr.write(`bench: ${c.id} #${repeat + 1} failed: ${String(error)}\n`);
    return { error: String(error) };
  } finally {
    await deployment.stop();
  }
}

/** The table between the markers of docs/performance.md, where the benchmark is documented. */
function writeDocs(table: string): void {
  const path = new URL('../docs/performance.md', import.meta.url);
  const page = readFileSync(path, 'utf8');
  const updated = page.replace(
    /<!-- bench:begin -->[\s\S]*?<!-- bench:end -->/,
    () => `<!-- bench:begin -->\n\n${table}\n\n<!-- bench:end -->`,
  );
  if (updated !== page) writeFileSync(path, updated);
}

/**
 * The cases by scenario: a hand-written case first, then the cases compared with it (the
 * floor, Switchboard and its variants), in the plan's order.
 */
function scenarios(cases: readonly BenchCase[]): BenchCase[][] {
  const groups = new Map<string, BenchCase[]>();
  for (const c of cases) {
    const root = c.versus ?? c.id;
    const group = groups.get(root) ?? [];
    if (c.id === root) group.unshift(c);
    else group.push(c);
    groups.set(root, group);
  }
  return [...groups.values()];
}

function lost(summaries: readonly CaseSummary[]): string[] {
  return summaries
    .filter((s) => s.runs.some((run) => 'error' in run || run.delivered !== run.expected))
    .map((s) => s.id);
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0];
  const pinned = !smoke && pinSelf('1');
  const cpus = pinned ? '0' : undefined;
  const cases = benchCases(sizes).filter((c) => !only || only.includes(c.id));
  const runs = new Map<string, (Metrics | { error: string })[]>(cases.map((c) => [c.id, []]));
  try {
    for (const scenario of scenarios(cases)) {
      for (let repeat = 0; repeat < repeats; repeat++) {
        for (const c of scenario) runs.get(c.id)?.push(await runCase(c, repeat, cpus));
      }
    }
  } finally {
    await cleanUp();
  }
  const summaries = summarise(cases, runs);
  const date = new Date().toISOString();
  const report = { date, machine: machine(pinned, loadAtStart), size, repeats, sizes, summaries };
  // Formatted as `npm run format:check` expects it in the docs.
  const readmeStyle = await resolveConfig(new URL('../docs/performance.md', import.meta.url));
  const table = (
    await format(markdown(summaries, report.machine, sizes, repeats, date), {
      ...readmeStyle,
      parser: 'markdown',
    })
  ).trimEnd();
  process.stdout.write(`${table}\n`);
  if (smoke) {
    if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, `${JSON.stringify(report, null, 2)}\n`);
  } else {
    const dir = new URL('../bench/results/', import.meta.url);
    const name = size === 'quick' ? 'quick' : 'latest';
    mkdirSync(dir, { recursive: true });
    writeFileSync(new URL(`${name}.json`, dir), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(new URL(`${name}.md`, dir), `${table}\n`);
    if (!only && size === 'full') writeDocs(table);
    process.stderr.write(`bench: results in bench/results/${name}.{json,md}\n`);
  }
  const failures = lost(summaries);
  if (failures.length > 0) {
    process.stderr.write(`bench: lost deliveries or failed runs in ${failures.join(', ')}\n`);
    process.exitCode = 1;
  }
}

await main();
