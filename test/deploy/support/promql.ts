import { parser } from '@prometheus-io/lezer-promql';

export interface ParsedPromql {
  /** Metric names the expression selects (`foo{…}`, `{__name__="foo"}`), in order, deduplicated. */
  readonly metrics: string[];
  /** Each vector selector's label matchers as written, e.g. `{instance=~"$instance"}` (empty when none). */
  readonly matchers: string[];
}

/**
 * Parses `expr` with Prometheus' own grammar (the one its web UI uses, from npm) and throws on
 * the first syntax error, quoting where it is. The grammar is syntax only: `rate()` of an
 * instant vector parses; a typo in a function name, a bracket or a matcher does not.
 */
export function parsePromql(expr: string): ParsedPromql {
  const tree = parser.parse(expr);
  const metrics = new Set<string>();
  const matchers: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        const at = expr.slice(Math.max(0, node.from - 20), node.to + 20);
        throw new Error(`PromQL syntax error at ${node.from} (…${at}…) in: ${expr}`);
      }
      if (node.name !== 'VectorSelector') return;
      const name = node.node.getChild('Identifier');
      if (name) metrics.add(expr.slice(name.from, name.to));
      const labels = node.node.getChild('LabelMatchers');
      const text = labels ? expr.slice(labels.from, labels.to) : '';
      matchers.push(text);
      const byName = /__name__\s*=\s*"([^"]+)"/.exec(text);
      if (byName) metrics.add(byName[1]);
    },
  });
  return { metrics: [...metrics], matchers };
}

/**
 * The series names a `/metrics` exposition offers: every `# TYPE` family, a histogram as its
 * `_bucket`, `_sum` and `_count` series, a summary as itself plus `_sum` and `_count`.
 */
export function exportedSeries(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match;
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}

/** Grafana's built-in interval variables, replaced by a value of the same kind before parsing. */
const GRAFANA_BUILTINS: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '1m',
  __range: '1h',
};

/**
 * Replaces Grafana template variables (`$name`, `${name}`, `${name:format}`) so the expression
 * is plain PromQL: built-ins by a duration, the dashboard's own variables (regex matchers) by
 * `.*`. A variable the dashboard does not define throws: Grafana would send it verbatim.
 */
export function substituteGrafanaVariables(expr: string, defined: readonly string[]): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    if (name in GRAFANA_BUILTINS) return GRAFANA_BUILTINS[name];
    if (defined.includes(name)) return '.*';
    throw new Error(`undefined Grafana variable ${whole} in: ${expr}`);
  });
}
