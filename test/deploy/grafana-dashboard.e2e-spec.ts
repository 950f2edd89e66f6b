import { startGateway, type RunningGateway } from '../support/gateway.js';
import { scrapeMetrics } from '../support/metrics.js';
import { exportedSeries, parsePromql, substituteGrafanaVariables } from './support/promql.js';
import { asArray, asObject, readRepoFile, type Json } from './support/repo-files.js';

/**
 * deploy/grafana/switchboard.json without Grafana: the JSON a user imports, every query parsed
 * by Prometheus' grammar and checked against what a real gateway's /metrics offers, every
 * panel with a unit and a description, and the signals issue 12 names each on some panel.
 */
const FILE = 'deploy/grafana/switchboard.json';
const dashboard = asObject(JSON.parse(readRepoFile(FILE)) as unknown, FILE);
const templating = asArray(asObject(dashboard.templating, 'templating').list, 'templating.list').map((v) =>
  asObject(v, 'variable'),
);
const variableNames = templating.map((variable) => String(variable.name));
const allPanels = asArray(dashboard.panels, 'panels').map((panel) => asObject(panel, 'panel'));
const panels = allPanels.filter((panel) => panel.type !== 'row');
const title = (panel: Json): string => String(panel.title);
const targetsOf = (panel: Json): Json[] =>
  asArray(panel.targets, `${title(panel)}.targets`).map((target) => asObject(target, 'target'));
const queries = panels.flatMap((panel) =>
  targetsOf(panel).map((target) => ({ panel: title(panel), expr: String(target.expr) })),
);

/** Grafana unit ids this dashboard may use (a typo would show raw numbers). */
const GRAFANA_UNITS = ['short', 'none', 's', 'ms', 'bytes', 'ops', 'cps', 'percentunit', 'bool_yes_no'];

describe('Grafana dashboard deploy/grafana/switchboard.json', () => {
  let gateway: RunningGateway;
  let exported: Set<string>;

  beforeAll(async () => {
    gateway = await startGateway();
    exported = exportedSeries(await scrapeMetrics(gateway.url));
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('is an importable dashboard: uid, title, Prometheus as the DS_PROMETHEUS variable, an instance variable', () => {
    expect(dashboard).toMatchObject({ uid: 'switchboard-gateway', title: 'Switchboard gateway' });
    expect(typeof dashboard.schemaVersion).toBe('number');
    expect(templating.find((variable) => variable.name === 'DS_PROMETHEUS')).toMatchObject({
      type: 'datasource',
      query: 'prometheus',
    });
    const instance = templating.find((variable) => variable.name === 'instance');
    expect(instance).toMatchObject({ type: 'query', includeAll: true, multi: true });
    expect(instance?.definition).toBe('label_values(switchboard_ready, instance)');
  });

  it('gives every panel a unique id, a place on the 24-column grid that overlaps no other, and the DS_PROMETHEUS datasource', () => {
    const ids = allPanels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Map<string, string>();
    for (const panel of allPanels) {
      const { x, y, w, h } = asObject(panel.gridPos, `${title(panel)}.gridPos`) as Record<string, number>;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let row = y; row < y + h; row += 1) {
        for (let column = x; column < x + w; column += 1) {
          const key = `${column},${row}`;
          expect([key, cells.get(key)]).toEqual([key, undefined]);
          cells.set(key, title(panel));
        }
      }
    }
    for (const panel of panels) {
      expect([title(panel), panel.datasource]).toEqual([
        title(panel),
        { type: 'prometheus', uid: '${DS_PROMETHEUS}' },
      ]);
    }
  });

  it('gives every panel a known unit and a description', () => {
    expect(panels.length).toBeGreaterThanOrEqual(15);
    for (const panel of panels) {
      const defaults = asObject(asObject(panel.fieldConfig, 'fieldConfig').defaults, 'defaults');
      expect([title(panel), GRAFANA_UNITS.includes(String(defaults.unit))]).toEqual([title(panel), true]);
      const description = typeof panel.description === 'string' ? panel.description : '';
      expect([title(panel), description.length > 40]).toEqual([title(panel), true]);
    }
  });

  it('parses every query as PromQL, filtered by the instance variable, naming only series the gateway exports', () => {
    expect(queries.length).toBeGreaterThan(20);
    expect(exported.has('switchboard_fanout_size_bucket')).toBe(true);
    for (const { panel, expr } of queries) {
      const parsed = parsePromql(substituteGrafanaVariables(expr, variableNames));
      expect([panel, parsed.metrics.filter((name) => !exported.has(name))]).toEqual([panel, []]);
      expect(parsed.metrics.length).toBeGreaterThan(0);
      // The instance picker filters every panel: each selector matches on it.
      const raw = parsePromql(expr.replaceAll('$__rate_interval', '1m'));
      for (const matchers of raw.matchers)
        expect([panel, matchers]).toEqual([panel, expect.stringContaining('instance=~"$instance"')]);
    }
  });

  it('shows every signal of the operations issue on some panel', () => {
    const used = new Set(
      queries.flatMap(({ expr }) => parsePromql(substituteGrafanaVariables(expr, variableNames)).metrics),
    );
    const required = [
      'switchboard_connections',
      'switchboard_connects_total',
      'switchboard_disconnects_total',
      'switchboard_transport_upgrades_total',
      'switchboard_recoveries_total',
      'switchboard_resubscribes_total',
      'switchboard_position_lags_total',
      'switchboard_namespace_publications_total',
      'switchboard_namespace_subscriptions_total',
      'switchboard_deliveries_total',
      'switchboard_fanout_size_bucket',
      'switchboard_delivery_latency_seconds_bucket',
      'switchboard_broker_hop_seconds_bucket',
      'switchboard_local_emit_seconds_bucket',
      'switchboard_publish_batch_size_bucket',
      'switchboard_idempotent_replays_total',
      'switchboard_redis_errors_total',
      'switchboard_redis_reconnects_total',
      'switchboard_broker_errors_total',
      'switchboard_commands_total',
      'switchboard_rate_limited_total',
      'switchboard_payloads_refused_total',
      'switchboard_slow_consumer_closes_total',
      'switchboard_control_actions_total',
      'switchboard_ready',
      'switchboard_draining',
      'switchboard_process_nodejs_eventloop_lag_p99_seconds',
      'switchboard_process_nodejs_heap_size_used_bytes',
      'switchboard_webhook_requests_total',
      'switchboard_webhook_queue_depth',
      'switchboard_webhook_events_dropped_total',
      'switchboard_proxy_calls_total',
      'switchboard_webhook_delivery_lag_seconds_bucket',
      'switchboard_proxy_call_seconds_bucket',
    ];
    expect(required.filter((name) => !used.has(name))).toEqual([]);
    // Refused commands are the non-ok results, not all of them.
    expect(queries.some(({ expr }) => /switchboard_commands_total\{[^}]*result!="ok"/.test(expr))).toBe(true);
  });

  it('refuses what it should: a syntax error, an unknown variable, a metric the gateway does not export', () => {
    expect(() => parsePromql('sum(rate(switchboard_connects_total[5m])')).toThrow(/syntax error/);
    expect(() => substituteGrafanaVariables('switchboard_ready{instance=~"$node"}', variableNames)).toThrow(
      /undefined Grafana variable \$node/,
    );
    expect(
      parsePromql('rate(switchboard_conects_total[5m])').metrics.filter((name) => !exported.has(name)),
    ).toEqual(['switchboard_conects_total']);
  });
});
