// A small PromQL evaluator over recorded /metrics scrapes: enough of the language for the
// queries of deploy/grafana/switchboard.json (selectors with matchers, rate/increase,
// sum by/without, histogram_quantile, clamp_min, arithmetic between numbers and vectors with
// one-to-one matching), parsed by Prometheus' own grammar (@prometheus-io/lezer-promql).
// Anything else throws, so a panel is never drawn from a guess.
//
// Differences from Prometheus, on purpose: rate() is (last − first) / Δt over the samples inside
// the window, with counter resets handled but without Prometheus' extrapolation to the window's
// edges; an instant selector reads the scrape at the evaluation step (no 5-minute lookback).
import { parser } from '@prometheus-io/lezer-promql';

/** `name{a="b",…} value` lines of an exposition, as { name, labels, value }. */
export function parseExposition(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!match) continue;
    const labels = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = value.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

const DURATION_UNITS = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
function seconds(text) {
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g))
    total += Number(amount) * DURATION_UNITS[unit];
  if (total === 0) throw new Error(`unsupported duration ${text}`);
  return total;
}

const key = (labels) =>
  JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((name) => [name, labels[name]]),
  );
const without = (labels, names) =>
  Object.fromEntries(Object.entries(labels).filter(([name]) => !names.includes(name)));
const only = (labels, names) =>
  Object.fromEntries(Object.entries(labels).filter(([name]) => names.includes(name)));

/**
 * Evaluates `expr` at every step of `steps` ([{ t (ms), samples }], ascending) and returns the
 * series: [{ labels, points: [[t, value], …] }]; a step without a value leaves a gap.
 */
export function evaluateRange(expr, steps) {
  const tree = parser.parse(expr);
  tree.iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`PromQL syntax error at ${node.from} in ${expr}`);
    },
  });
  const root = tree.topNode.firstChild;
  const series = new Map();
  steps.forEach((step, index) => {
    const result = evaluate(root, { expr, steps, index });
    if (typeof result === 'number') throw new Error(`scalar result for ${expr}`);
    for (const { labels, value } of result) {
      if (!Number.isFinite(value)) continue;
      const id = key(labels);
      if (!series.has(id)) series.set(id, { labels, points: [] });
      series.get(id).points.push([step.t, value]);
    }
  });
  return [...series.values()];
}

const text = (node, ctx) => ctx.expr.slice(node.from, node.to);
function children(node) {
  const list = [];
  for (let child = node.firstChild; child; child = child.nextSibling) list.push(child);
  return list;
}
const EXPRESSIONS = new Set([
  'AggregateExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'ParenExpr',
  'UnaryExpr',
  'VectorSelector',
]);
const args = (body) => children(body).filter((child) => EXPRESSIONS.has(child.name));

function evaluate(node, ctx) {
  switch (node.name) {
    case 'NumberDurationLiteral':
      return Number(text(node, ctx));
    case 'ParenExpr':
      return evaluate(args(node)[0], ctx);
    case 'UnaryExpr': {
      const value = evaluate(args(node)[0], ctx);
      return typeof value === 'number' ? -value : value.map((s) => ({ labels: s.labels, value: -s.value }));
    }
    case 'VectorSelector':
      return select(node, ctx, ctx.steps[ctx.index].samples).map(({ labels, value }) => ({ labels, value }));
    case 'AggregateExpr':
      return aggregate(node, ctx);
    case 'FunctionCall':
      return call(node, ctx);
    case 'BinaryExpr':
      return binary(node, ctx);
    default:
      throw new Error(`unsupported PromQL ${node.name}: ${text(node, ctx)}`);
  }
}

function matchers(selector, ctx) {
  const list = [];
  const name = selector.getChild('Identifier');
  if (name) list.push({ label: '__name__', op: '=', value: text(name, ctx) });
  const block = selector.getChild('LabelMatchers');
  for (const matcher of block ? children(block) : []) {
    if (matcher.name !== 'UnquotedLabelMatcher') continue;
    list.push({
      label: text(matcher.getChild('LabelName'), ctx),
      op: text(matcher.getChild('MatchOp'), ctx),
      value: JSON.parse(text(matcher.getChild('StringLiteral'), ctx)),
    });
  }
  return list.map(({ label, op, value }) => {
    const regex = new RegExp(`^(?:${value})$`);
    const test = {
      '=': (v) => v === value,
      '!=': (v) => v !== value,
      '=~': (v) => regex.test(v),
      '!~': (v) => !regex.test(v),
    }[op];
    return (sample) => test(label === '__name__' ? sample.name : (sample.labels[label] ?? ''));
  });
}

/** The samples of `samples` the selector matches; the result drops the metric name, as Prometheus does after functions. */
function select(selector, ctx, samples) {
  const tests = matchers(selector, ctx);
  return samples.filter((sample) => tests.every((test) => test(sample)));
}

/** Per series, the [t, value] samples in the window (t − range, t]. */
function window(matrix, ctx) {
  const selector = matrix.getChild('VectorSelector');
  const range = seconds(text(matrix.getChild('DurationExpr'), ctx)) * 1000;
  const now = ctx.steps[ctx.index].t;
  const bySeries = new Map();
  for (let i = 0; i <= ctx.index; i += 1) {
    const step = ctx.steps[i];
    if (step.t <= now - range) continue;
    for (const sample of select(selector, ctx, step.samples)) {
      const id = key(sample.labels);
      if (!bySeries.has(id)) bySeries.set(id, { labels: sample.labels, points: [] });
      bySeries.get(id).points.push([step.t, sample.value]);
    }
  }
  return [...bySeries.values()];
}

function increaseOf(points) {
  let total = 0;
  for (let i = 1; i < points.length; i += 1) {
    const delta = points[i][1] - points[i - 1][1];
    total += delta >= 0 ? delta : points[i][1]; // a reset: the counter started again from 0
  }
  return total;
}

function call(node, ctx) {
  const name = text(node.getChild('FunctionIdentifier'), ctx);
  const list = args(node.getChild('FunctionCallBody'));
  if (name === 'rate' || name === 'increase') {
    if (list[0].name !== 'MatrixSelector') throw new Error(`${name} needs a range: ${text(node, ctx)}`);
    return window(list[0], ctx)
      .filter(({ points }) => points.length >= 2)
      .map(({ labels, points }) => {
        const increase = increaseOf(points);
        const elapsed = (points.at(-1)[0] - points[0][0]) / 1000;
        return { labels: without(labels, []), value: name === 'rate' ? increase / elapsed : increase };
      });
  }
  if (name === 'clamp_min') {
    const [vector, min] = [evaluate(list[0], ctx), evaluate(list[1], ctx)];
    return vector.map(({ labels, value }) => ({ labels, value: Math.max(value, min) }));
  }
  if (name === 'histogram_quantile') {
    return quantile(evaluate(list[0], ctx), evaluate(list[1], ctx));
  }
  throw new Error(`unsupported function ${name}`);
}

/** Prometheus' histogram_quantile: linear interpolation inside the bucket the rank falls in. */
function quantile(phi, vector) {
  const groups = new Map();
  for (const { labels, value } of vector) {
    const rest = without(labels, ['le']);
    const id = key(rest);
    if (!groups.has(id)) groups.set(id, { labels: rest, buckets: [] });
    groups.get(id).buckets.push([labels.le === '+Inf' ? Infinity : Number(labels.le), value]);
  }
  return [...groups.values()].map(({ labels, buckets }) => {
    buckets.sort((a, b) => a[0] - b[0]);
    const total = buckets.at(-1)?.[1] ?? 0;
    if (buckets.at(-1)?.[0] !== Infinity || total === 0) return { labels, value: NaN };
    const rank = phi * total;
    let index = buckets.findIndex(([, count]) => count >= rank);
    if (buckets[index][0] === Infinity) return { labels, value: buckets[index - 1]?.[0] ?? NaN };
    const [upper, count] = buckets[index];
    const [lower, below] = index === 0 ? [0, 0] : buckets[index - 1];
    if (count === below) return { labels, value: upper };
    return { labels, value: lower + ((upper - lower) * (rank - below)) / (count - below) };
  });
}

function aggregate(node, ctx) {
  const op = text(node.getChild('AggregateOp'), ctx);
  if (op !== 'sum') throw new Error(`unsupported aggregation ${op}`);
  const modifier = node.getChild('AggregateModifier');
  const grouping = modifier
    ? children(modifier.getChild('GroupingLabels')).map((label) => text(label, ctx))
    : [];
  const by = modifier ? text(modifier.firstChild, ctx) === 'by' : true;
  const groups = new Map();
  for (const { labels, value } of evaluate(args(node.getChild('FunctionCallBody'))[0], ctx)) {
    const kept = by ? only(labels, grouping) : without(labels, grouping);
    const id = key(kept);
    groups.set(id, { labels: kept, value: (groups.get(id)?.value ?? 0) + value });
  }
  return [...groups.values()];
}

const OPERATORS = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
};

function binary(node, ctx) {
  const [left, right] = args(node);
  const operator = children(node).find((child) => child.name in OPERATORS);
  if (!operator || children(node).some((child) => child.name === 'MatchingModifierClause')) {
    throw new Error(`unsupported binary expression ${text(node, ctx)}`);
  }
  const apply = OPERATORS[operator.name];
  const [a, b] = [evaluate(left, ctx), evaluate(right, ctx)];
  if (typeof a === 'number' && typeof b === 'number') return apply(a, b);
  if (typeof a === 'number') return b.map(({ labels, value }) => ({ labels, value: apply(a, value) }));
  if (typeof b === 'number') return a.map(({ labels, value }) => ({ labels, value: apply(value, b) }));
  // One-to-one: identical label sets (metric names are already gone after rate/sum).
  const rights = new Map(b.map((sample) => [key(without(sample.labels, ['__name__'])), sample]));
  return a.flatMap(({ labels, value }) => {
    const match = rights.get(key(without(labels, ['__name__'])));
    return match ? [{ labels: without(labels, ['__name__']), value: apply(value, match.value) }] : [];
  });
}
