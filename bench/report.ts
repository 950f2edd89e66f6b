import type { BenchCase, Family, LoadSizes, Metrics } from './plan.js';
import { median, round } from './stats.js';

export interface CaseSummary {
  readonly id: string;
  readonly label: string;
  readonly family: Family;
  readonly versus?: string;
  /** Every run in the order they ran (an `error` string where a run failed). */
  readonly runs: readonly (Metrics | { readonly error: string })[];
  /** Per metric: the median over the runs (booleans: true only if true in every run). */
  readonly median: Metrics;
  /** This case's median divided by its `versus` case's median, for the compared metrics. */
  readonly ratios: Readonly<Record<string, number>>;
}

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly pinned: boolean;
  /** 1-minute load average at the start and the end of the run (other work on the machine). */
  readonly loadAverage: readonly [number, number];
}

const RATIO_FIELDS: Record<Family, readonly string[]> = {
  fanout: ['cpuUsPerDelivery', 'p99Ms', 'heapKbPerConnection', 'rssKbPerConnection', 'deliveriesPerSecond'],
  handshake: ['handshakesPerSecond', 'cpuUsPerHandshake'],
  chat: ['ackP50Ms', 'ackP99Ms', 'deliveryP99Ms', 'cpuUsPerSend'],
  batch: ['publicationsPerSecond', 'cpuUsPerPublication'],
};

function aggregate(runs: readonly (Metrics | { error: string })[]): Metrics {
  const ok = runs.filter((run): run is Metrics => !('error' in run));
  const fields = new Set(ok.flatMap((run) => Object.keys(run)));
  const result: Record<string, number | boolean> = {};
  for (const field of fields) {
    const values = ok.map((run) => run[field]);
    if (values.every((value) => typeof value === 'boolean')) result[field] = values.every(Boolean);
    else result[field] = round(median(values.map(Number)));
  }
  return result;
}

export function summarise(
  cases: readonly BenchCase[],
  runs: ReadonlyMap<string, CaseSummary['runs']>,
): CaseSummary[] {
  const medians = new Map(cases.map((c) => [c.id, aggregate(runs.get(c.id) ?? [])]));
  return cases.map((c) => {
    const mine = medians.get(c.id) ?? {};
    const theirs = c.versus ? medians.get(c.versus) : undefined;
    const ratios: Record<string, number> = {};
    for (const field of theirs ? RATIO_FIELDS[c.family] : []) {
      const [a, b] = [mine[field], theirs?.[field]];
      if (typeof a === 'number' && typeof b === 'number' && b > 0) ratios[field] = round(a / b);
    }
    return {
      id: c.id,
      label: c.label,
      family: c.family,
      versus: c.versus,
      runs: runs.get(c.id) ?? [],
      median: mine,
      ratios,
    };
  });
}

const num = (value: number | boolean | undefined, digits = 1): string =>
  typeof value === 'number' && Number.isFinite(value) ? String(round(value, digits)) : 'n/a';
const times = (value: number | undefined): string => (value === undefined ? '' : `${value.toFixed(2)}×`);

function failed(summary: CaseSummary): boolean {
  return summary.runs.length === 0 || summary.runs.some((run) => 'error' in run);
}

function fanoutTable(summaries: readonly CaseSummary[]): string[] {
  const lines = [
    '| scenario | delivered / expected | p50 / p99 / max ms | CPU µs / delivery | heap KB / conn | RSS KB / conn | deliveries/s | CPU × | p99 × | heap × | RSS × |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const s of summaries.filter((x) => x.family === 'fanout')) {
    const m = s.median;
    const r = s.ratios;
    const delivered = failed(s) ? 'failed' : `${num(m.delivered, 0)} / ${num(m.expected, 0)}`;
    lines.push(
      `| ${s.label} | ${delivered} | ${num(m.p50Ms)} / ${num(m.p99Ms)} / ${num(m.maxMs)} | ${num(m.cpuUsPerDelivery, 2)} | ${num(m.heapKbPerConnection)} | ${num(m.rssKbPerConnection)} | ${num(m.deliveriesPerSecond, 0)} | ${times(r.cpuUsPerDelivery)} | ${times(r.p99Ms)} | ${times(r.heapKbPerConnection)} | ${times(r.rssKbPerConnection)} |`,
    );
  }
  return lines;
}

function pairRow(
  summaries: readonly CaseSummary[],
  id: string,
  label: string,
  field: string,
  digits = 1,
): string {
  const mine = summaries.find((s) => s.id === id);
  const theirs = summaries.find((s) => s.id === mine?.versus);
  if (!mine || !theirs) return `| ${label} | n/a | n/a | |`;
  return `| ${label} | ${num(theirs.median[field], digits)} | ${num(mine.median[field], digits)} | ${times(mine.ratios[field])} |`;
}

function othersTable(summaries: readonly CaseSummary[]): string[] {
  const batch = summaries.find((s) => s.id === 'switchboard-batch');
  const batchMissing = batch?.median.available === false;
  const chat = summaries.find((s) => s.id === 'switchboard-chat');
  const chatBase = summaries.find((s) => s.id === 'baseline-chat');
  const delivered = (s: CaseSummary | undefined) =>
    s && !failed(s) ? `${num(s.median.delivered, 0)} / ${num(s.median.expected, 0)}` : 'failed';
  return [
    '| measure | hand-written | Switchboard | × |',
    '| --- | --- | --- | --- |',
    pairRow(
      summaries,
      'switchboard-handshakes',
      'WebSocket handshakes / s (JWT verified)',
      'handshakesPerSecond',
      0,
    ),
    pairRow(summaries, 'switchboard-handshakes', 'server CPU µs / handshake', 'cpuUsPerHandshake'),
    pairRow(
      summaries,
      'switchboard-chat',
      '`chat.send` ack p50 ms (1,000 clients, 100 rooms)',
      'ackP50Ms',
      2,
    ),
    pairRow(summaries, 'switchboard-chat', '`chat.send` ack p99 ms', 'ackP99Ms', 2),
    pairRow(summaries, 'switchboard-chat', '`chat.message` delivery p99 ms', 'deliveryP99Ms', 2),
    pairRow(summaries, 'switchboard-chat', 'server CPU µs / `chat.send` (10 deliveries)', 'cpuUsPerSend'),
    `| chat deliveries / expected | ${delivered(chatBase)} | ${delivered(chat)} | |`,
    batchMissing
      ? '| batch publish: publications / s | | n/a (no `POST /api/v1/publish/batch`) | |'
      : pairRow(
          summaries,
          'switchboard-batch',
          'batch publish: publications / s (100 per request)',
          'publicationsPerSecond',
          0,
        ),
    batchMissing
      ? ''
      : pairRow(summaries, 'switchboard-batch', 'server CPU µs / batched publication', 'cpuUsPerPublication'),
  ].filter((line) => line !== '');
}

interface Target {
  readonly label: string;
  readonly id: string;
  readonly field: string;
  readonly limit: number;
  readonly atLeast?: boolean;
}

const TARGETS: readonly Target[] = [
  { label: 'CPU per delivery, 1 instance', id: 'switchboard', field: 'cpuUsPerDelivery', limit: 1.05 },
  {
    label: 'CPU per delivery, 1 instance on Redis',
    id: 'switchboard-redis-1',
    field: 'cpuUsPerDelivery',
    limit: 1.1,
  },
  {
    label: 'CPU per delivery, 2 instances on Redis',
    id: 'switchboard-redis-2',
    field: 'cpuUsPerDelivery',
    limit: 1.1,
  },
  {
    label: 'CPU per delivery, long-polling',
    id: 'switchboard-polling',
    field: 'cpuUsPerDelivery',
    limit: 1.2,
  },
  { label: 'heap after GC per connection', id: 'switchboard', field: 'heapKbPerConnection', limit: 1 },
  { label: 'RSS per connection', id: 'switchboard', field: 'rssKbPerConnection', limit: 1 },
  {
    label: 'handshakes per second',
    id: 'switchboard-handshakes',
    field: 'handshakesPerSecond',
    limit: 1,
    atLeast: true,
  },
  { label: 'p99 delivery latency, 1 instance', id: 'switchboard', field: 'p99Ms', limit: 1.2 },
  {
    label: 'p99 delivery latency, 2 instances on Redis',
    id: 'switchboard-redis-2',
    field: 'p99Ms',
    limit: 1.2,
  },
  { label: 'p99 delivery latency, long-polling', id: 'switchboard-polling', field: 'p99Ms', limit: 1.2 },
];

function targetsTable(summaries: readonly CaseSummary[]): string[] {
  const lines = [
    '| target (Switchboard / hand-written) | limit | measured | met |',
    '| --- | --- | --- | --- |',
  ];
  for (const t of TARGETS) {
    const ratio = summaries.find((s) => s.id === t.id)?.ratios[t.field];
    const met =
      ratio === undefined ? 'n/a' : (t.atLeast ? ratio >= t.limit : ratio <= t.limit) ? 'yes' : 'no';
    lines.push(
      `| ${t.label} | ${t.atLeast ? '≥' : '≤'} ${t.limit.toFixed(2)}× | ${times(ratio) || 'n/a'} | ${met} |`,
    );
  }
  const lost = summaries.filter((s) =>
    s.runs.some((run) => !('error' in run) && run.delivered !== run.expected),
  );
  const failedRuns = summaries.filter(failed);
  const problems = [
    ...(lost.length > 0 ? [`lost in ${lost.map((s) => s.id).join(', ')}`] : []),
    ...(failedRuns.length > 0 ? [`a run failed in ${failedRuns.map((s) => s.id).join(', ')}`] : []),
  ];
  lines.push(
    `| nothing lost | all | ${problems.join('; ') || 'all delivered'} | ${problems.length === 0 ? 'yes' : 'no'} |`,
  );
  return lines;
}

export function markdown(
  summaries: readonly CaseSummary[],
  machine: Machine,
  sizes: LoadSizes,
  repeats: number,
  date: string,
): string {
  return [
    `Run of ${date.slice(0, 10)} on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ` +
      `load average ${machine.loadAverage[0].toFixed(1)} → ${machine.loadAverage[1].toFixed(1)}; ` +
      (machine.pinned ? 'servers pinned to core 0, load generator to core 1 (`taskset`); ' : 'not pinned; ') +
      `each case run ${repeats}× interleaved, medians shown, ratios from this run only.`,
    '',
    `**Fan-out**: ${sizes.clients} WebSocket clients (long-polling: ${sizes.pollingClients}) on one channel, ` +
      `${sizes.publications} REST publications at ${sizes.perSecond}/s; latency is REST call → receipt. ` +
      'Ratios are to the hand-written server in the same setup (the floor: to the hand-written one in memory).',
    '',
    ...fanoutTable(summaries),
    '',
    ...othersTable(summaries),
    '',
    ...targetsTable(summaries),
  ].join('\n');
}
