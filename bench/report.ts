import type { BenchCase, Family, LoadSizes, Metrics } from './plan.js';
import { median, round } from './stats.js';

/** The lowest and highest value over the rounds. */
export interface Spread {
  readonly min: number;
  readonly max: number;
}

export interface CaseSummary {
  readonly id: string;
  readonly label: string;
  readonly family: Family;
  readonly versus?: string;
  /** Every round in the order they ran (an `error` string where a run failed). */
  readonly runs: readonly (Metrics | { readonly error: string })[];
  /** Per metric: the median over the rounds (booleans: true only if true in every round). */
  readonly median: Metrics;
  /** Per numeric metric: its lowest and highest value over the rounds. */
  readonly spread: Readonly<Record<string, Spread>>;
  /** This case's median divided by its `versus` case's median, for the compared metrics. */
  readonly ratios: Readonly<Record<string, number>>;
  /** The same ratio round by round (round i of this case over round i of `versus`): its range. */
  readonly ratioSpread: Readonly<Record<string, Spread>>;
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
  connect: ['cpuUsPerConnectSubscribe', 'connectsPerSecond', 'p50Ms', 'p99Ms'],
  chat: ['ackP50Ms', 'ackP99Ms', 'deliveryP99Ms', 'cpuUsPerSend'],
  batch: ['publicationsPerSecond', 'cpuUsPerPublication'],
};

type Run = CaseSummary['runs'][number];
const succeeded = (runs: readonly Run[]): Metrics[] =>
  runs.filter((run): run is Metrics => !('error' in run));
const rangeOf = (values: readonly number[]): Spread => ({
  min: round(Math.min(...values)),
  max: round(Math.max(...values)),
});

function aggregate(runs: readonly Run[]): { median: Metrics; spread: Record<string, Spread> } {
  const ok = succeeded(runs);
  const fields = new Set(ok.flatMap((run) => Object.keys(run)));
  const result: Record<string, number | boolean> = {};
  const spread: Record<string, Spread> = {};
  for (const field of fields) {
    const values = ok.map((run) => run[field]);
    if (values.every((value) => typeof value === 'boolean')) {
      result[field] = values.every(Boolean);
      continue;
    }
    const numbers = values.map(Number).filter((value) => Number.isFinite(value));
    result[field] = round(median(numbers));
    if (numbers.length > 0) spread[field] = rangeOf(numbers);
  }
  return { median: result, spread };
}

/** `field` of `mine` over `theirs`: the ratio of the medians, and the range of the per-round ratios. */
export function compare(
  mine: Pick<CaseSummary, 'median' | 'runs'>,
  theirs: Pick<CaseSummary, 'median' | 'runs'>,
  field: string,
): { ratio?: number; spread?: Spread } {
  const [a, b] = [mine.median[field], theirs.median[field]];
  if (typeof a !== 'number' || typeof b !== 'number' || !(b > 0)) return {};
  const perRound: number[] = [];
  mine.runs.forEach((run, i) => {
    const other = theirs.runs[i];
    if (!other || 'error' in run || 'error' in other) return;
    const [x, y] = [run[field], other[field]];
    if (typeof x === 'number' && typeof y === 'number' && y > 0) perRound.push(x / y);
  });
  return { ratio: round(a / b), spread: perRound.length > 0 ? rangeOf(perRound) : undefined };
}

export function summarise(
  cases: readonly BenchCase[],
  runs: ReadonlyMap<string, CaseSummary['runs']>,
): CaseSummary[] {
  const aggregates = new Map(
    cases.map((c) => [c.id, { runs: runs.get(c.id) ?? [], ...aggregate(runs.get(c.id) ?? []) }]),
  );
  return cases.map((c) => {
    const mine = aggregates.get(c.id) ?? { runs: [], median: {}, spread: {} };
    const theirs = c.versus ? aggregates.get(c.versus) : undefined;
    const ratios: Record<string, number> = {};
    const ratioSpread: Record<string, Spread> = {};
    for (const field of theirs ? RATIO_FIELDS[c.family] : []) {
      const { ratio, spread } = theirs ? compare(mine, theirs, field) : {};
      if (ratio !== undefined) ratios[field] = ratio;
      if (spread) ratioSpread[field] = spread;
    }
    return {
      id: c.id,
      label: c.label,
      family: c.family,
      versus: c.versus,
      runs: mine.runs,
      median: mine.median,
      spread: mine.spread,
      ratios,
      ratioSpread,
    };
  });
}

const num = (value: number | boolean | undefined, digits = 1): string =>
  typeof value === 'number' && Number.isFinite(value) ? String(round(value, digits)) : 'n/a';
const range = (spread: Spread | undefined, digits: number): string =>
  spread && spread.min !== spread.max ? ` (${num(spread.min, digits)}–${num(spread.max, digits)})` : '';
/** A median with its range over the rounds: `13.9 (13.1–14.6)`. */
const med = (s: CaseSummary | undefined, field: string, digits = 1): string =>
  s ? `${num(s.median[field], digits)}${range(s.spread[field], digits)}` : 'n/a';
/** A ratio with the range of its per-round ratios: `1.17× (1.12–1.21×)`. */
const times = (ratio: number | undefined, spread?: Spread): string => {
  if (ratio === undefined) return '';
  const of =
    spread && spread.min !== spread.max ? ` (${spread.min.toFixed(2)}–${spread.max.toFixed(2)}×)` : '';
  return `${ratio.toFixed(2)}×${of}`;
};
const ratioOf = (s: CaseSummary, field: string): string => times(s.ratios[field], s.ratioSpread[field]);

function failed(summary: CaseSummary): boolean {
  return summary.runs.length === 0 || summary.runs.some((run) => 'error' in run);
}

const lostIn = (s: CaseSummary): boolean =>
  s.runs.some((run) => !('error' in run) && run.delivered !== run.expected);

function fanoutTable(summaries: readonly CaseSummary[]): string[] {
  const lines = [
    '| scenario | delivered / due | p50 / p99 ms | CPU µs / delivery | CPU × | p99 × | heap KB / conn | RSS KB / conn | heap × | RSS × |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const s of summaries.filter((x) => x.family === 'fanout')) {
    const m = s.median;
    const delivered = failed(s) ? 'failed' : `${num(m.delivered, 0)} / ${num(m.expected, 0)}`;
    lines.push(
      `| ${s.label} | ${delivered} | ${num(m.p50Ms)} / ${med(s, 'p99Ms')} | ${med(s, 'cpuUsPerDelivery', 2)} | ${ratioOf(s, 'cpuUsPerDelivery')} | ${ratioOf(s, 'p99Ms')} | ${num(m.heapKbPerConnection)} | ${num(m.rssKbPerConnection)} | ${ratioOf(s, 'heapKbPerConnection')} | ${ratioOf(s, 'rssKbPerConnection')} |`,
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
  return `| ${label} | ${med(theirs, field, digits)} | ${med(mine, field, digits)} | ${ratioOf(mine, field)} |`;
}

function othersTable(summaries: readonly CaseSummary[], sizes: LoadSizes): string[] {
  const find = (id: string) => summaries.find((s) => s.id === id);
  const batchMissing = find('switchboard-batch')?.median.available === false;
  const delivered = (s: CaseSummary | undefined) =>
    s && !failed(s) ? `${num(s.median.delivered, 0)} / ${num(s.median.expected, 0)}` : 'failed';
  const pair = (a: string, b: string, label: string) =>
    `| ${label} | ${delivered(find(a))} | ${delivered(find(b))} | |`;
  return [
    '| measure | hand-written | Switchboard | × |',
    '| --- | --- | --- | --- |',
    pairRow(
      summaries,
      'switchboard-connect',
      `**server CPU µs / connect + \`subscribe\` ack** (${sizes.connectSubscribes} clients, each its own chat room)`,
      'cpuUsPerConnectSubscribe',
    ),
    pairRow(
      summaries,
      'switchboard-connect',
      'connect + `subscribe` ack: clients / s',
      'connectsPerSecond',
      0,
    ),
    pairRow(summaries, 'switchboard-connect', 'connect → `subscribe` ack p99 ms', 'p99Ms'),
    pair('baseline-connect', 'switchboard-connect', 'subscribed / clients'),
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
      `\`chat.send\` ack p50 ms (${sizes.chatClients} clients, ${sizes.chatRooms} rooms)`,
      'ackP50Ms',
      2,
    ),
    pairRow(summaries, 'switchboard-chat', '`chat.send` ack p99 ms', 'ackP99Ms', 2),
    pairRow(summaries, 'switchboard-chat', '`chat.message` delivery p99 ms', 'deliveryP99Ms', 2),
    pairRow(
      summaries,
      'switchboard-chat',
      `server CPU µs / \`chat.send\` (${sizes.chatClients / sizes.chatRooms} deliveries)`,
      'cpuUsPerSend',
    ),
    pair('baseline-chat', 'switchboard-chat', 'chat deliveries / expected'),
    batchMissing
      ? '| batch publish: publications / s | | n/a (no `POST /api/v1/publish/batch`) | |'
      : pairRow(
          summaries,
          'switchboard-batch',
          `batch publish: publications / s (${sizes.batchItems} per request)`,
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
  /** Compared with this case instead of the case's own `versus`. */
  readonly against?: string;
}

/** Issue 20's targets: ratios to the hand-written server (the moonshot: to the raw `ws` floor). */
const TARGETS: readonly Target[] = [
  {
    label: 'CPU per connect + `subscribe` ack',
    id: 'switchboard-connect',
    field: 'cpuUsPerConnectSubscribe',
    limit: 1,
  },
  { label: 'CPU per delivery, 1 instance', id: 'switchboard', field: 'cpuUsPerDelivery', limit: 1 },
  {
    label: 'CPU per delivery, 2 instances on Redis',
    id: 'switchboard-redis-2',
    field: 'cpuUsPerDelivery',
    limit: 1.05,
  },
  { label: 'CPU per delivery, long-polling', id: 'switchboard-polling', field: 'cpuUsPerDelivery', limit: 1 },
  {
    label: 'CPU per delivery with a 2 s webhook receiver',
    id: 'switchboard-hooks',
    field: 'cpuUsPerDelivery',
    limit: 1,
  },
  { label: 'RSS per connection', id: 'switchboard', field: 'rssKbPerConnection', limit: 0.6 },
  { label: 'p99 delivery latency, 1 instance', id: 'switchboard', field: 'p99Ms', limit: 1 },
  {
    label: 'p99 delivery latency, 2 instances on Redis',
    id: 'switchboard-redis-2',
    field: 'p99Ms',
    limit: 1,
  },
  { label: 'p99 delivery latency, long-polling', id: 'switchboard-polling', field: 'p99Ms', limit: 1 },
  {
    label: 'p99 delivery latency with a 2 s webhook receiver',
    id: 'switchboard-hooks',
    field: 'p99Ms',
    limit: 1,
  },
  {
    label: 'moonshot: CPU per delivery, 1 instance, over the raw `ws` floor',
    id: 'switchboard',
    field: 'cpuUsPerDelivery',
    limit: 1.2,
    against: 'floor',
  },
];

function targetsTable(summaries: readonly CaseSummary[]): string[] {
  const lines = [
    '| target (Switchboard / hand-written) | limit | median (range over rounds) | met |',
    '| --- | --- | --- | --- |',
  ];
  for (const t of TARGETS) {
    const mine = summaries.find((s) => s.id === t.id);
    const theirs = summaries.find((s) => s.id === (t.against ?? mine?.versus));
    const { ratio, spread } = mine && theirs ? compare(mine, theirs, t.field) : {};
    const met = ratio === undefined ? 'n/a' : ratio <= t.limit ? 'yes' : 'no';
    lines.push(`| ${t.label} | ≤ ${t.limit.toFixed(2)}× | ${times(ratio, spread) || 'n/a'} | ${met} |`);
  }
  const lost = summaries.filter(lostIn);
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

function hooksNote(summaries: readonly CaseSummary[]): string[] {
  const hooks = summaries.find((s) => s.id === 'switchboard-hooks');
  if (!hooks) return [];
  const requests = hooks.median.webhookRequests;
  return [
    '',
    `With hooks: \`WEBHOOK_URL\` points at a receiver in the load generator that answers 200 after 2 s, ` +
      `\`HOOKS_SECRET\` is set; it was sent ${num(requests, 0)} requests per round (median)` +
      (requests === 0 ? ': this build sends no webhooks, so the row measures plain delivery.' : '.'),
  ];
}

export function markdown(
  summaries: readonly CaseSummary[],
  machine: Machine,
  sizes: LoadSizes,
  repeats: number,
  date: string,
): string {
  // One clause a line: the docs keep their lines readable (test/docs checks the length).
  return [
    `Run of ${date.slice(0, 10)} on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node},`,
    `load average ${machine.loadAverage[0].toFixed(1)} → ${machine.loadAverage[1].toFixed(1)};`,
    machine.pinned ? 'servers pinned to core 0, load generator to core 1 (`taskset`);' : 'not pinned;',
    `each scenario run in ${repeats} interleaved rounds (hand-written, Switchboard, …);`,
    "medians shown, with their range over the rounds in brackets; a ratio's range is that of the per-round ratios.",
    '',
    `**Fan-out**: ${sizes.clients} WebSocket clients (long-polling: ${sizes.pollingClients}) on one channel,`,
    `${sizes.publications} REST publications at ${sizes.perSecond}/s; latency is REST call → receipt.`,
    'Ratios are to the hand-written server in the same setup',
    '(the floor and the webhook case: to the hand-written one in memory).',
    '',
    ...fanoutTable(summaries),
    ...hooksNote(summaries),
    '',
    ...othersTable(summaries, sizes),
    '',
    ...targetsTable(summaries),
  ].join('\n');
}
