import { startGateway, type RunningGateway } from '../support/gateway.js';
import { scrapeMetrics } from '../support/metrics.js';
import { exportedSeries, parsePromql } from './support/promql.js';
import { asArray, asObject, readYaml, type Json } from './support/repo-files.js';

/**
 * deploy/prometheus/alerts.yml without Prometheus: a rule file of the shape `rule_files:` loads,
 * each alert with a duration, a severity and both annotations, each expression parsed by
 * Prometheus' grammar and reading only series a real gateway exports.
 */
const FILE = 'deploy/prometheus/alerts.yml';
const groups = asArray(asObject(readYaml(FILE), FILE).groups, 'groups').map((group) =>
  asObject(group, 'group'),
);
const rules = groups.flatMap((group) =>
  asArray(group.rules, `${String(group.name)}.rules`).map((rule) => asObject(rule, 'rule')),
);
const alertName = (rule: Json): string => String(rule.alert);

describe('Prometheus alerting rules deploy/prometheus/alerts.yml', () => {
  let gateway: RunningGateway;
  let exported: Set<string>;

  beforeAll(async () => {
    gateway = await startGateway();
    exported = exportedSeries(await scrapeMetrics(gateway.url));
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('has the alerts operators need, each named once', () => {
    const names = rules.map(alertName);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(
      [
        'SwitchboardBrokerErrors',
        'SwitchboardDeliveryLatencyHigh',
        'SwitchboardEventLoopLagHigh',
        'SwitchboardInstanceNotReady',
        'SwitchboardReconnectStorm',
        'SwitchboardResyncRatioHigh',
        'SwitchboardSlowConsumerClosesRising',
        'SwitchboardWebhookEndpointFailing',
      ].sort(),
    );
  });

  it('gives each alert a `for` duration, a severity label and summary and description annotations', () => {
    for (const rule of rules) {
      const name = alertName(rule);
      expect(Object.keys(rule).sort()).toEqual(['alert', 'annotations', 'expr', 'for', 'labels']);
      expect([name, rule.for]).toEqual([name, expect.stringMatching(/^[1-9]\d*[smh]$/)]);
      expect([name, asObject(rule.labels, 'labels').severity]).toEqual([
        name,
        expect.stringMatching(/^(warning|critical)$/),
      ]);
      const annotations = asObject(rule.annotations, 'annotations');
      expect(Object.keys(annotations).sort()).toEqual(['description', 'summary']);
      expect(String(annotations.summary).length).toBeGreaterThan(10);
      expect(String(annotations.description).length).toBeGreaterThan(80);
    }
  });

  it('parses every expression as PromQL, reading only series the gateway exports', () => {
    expect(exported.has('switchboard_delivery_latency_seconds_bucket')).toBe(true);
    for (const rule of rules) {
      const parsed = parsePromql(String(rule.expr));
      expect(parsed.metrics.length).toBeGreaterThan(0);
      expect([alertName(rule), parsed.metrics.filter((name) => !exported.has(name))]).toEqual([
        alertName(rule),
        [],
      ]);
    }
  });

  it('warns of a failing webhook endpoint from its attempts and its dropped events', () => {
    const failing = rules.find((rule) => alertName(rule) === 'SwitchboardWebhookEndpointFailing');
    expect(parsePromql(String(failing?.expr)).metrics.sort()).toEqual([
      'switchboard_webhook_events_dropped_total',
      'switchboard_webhook_requests_total',
    ]);
    expect(String(failing?.expr)).toContain('result!="ok"');
  });

  it('pages (critical) only for a broken instance or broker, and leaves draining out of "not ready"', () => {
    const critical = rules
      .filter((rule) => asObject(rule.labels, 'labels').severity === 'critical')
      .map(alertName);
    expect(critical.sort()).toEqual(['SwitchboardBrokerErrors', 'SwitchboardInstanceNotReady']);
    const notReady = rules.find((rule) => alertName(rule) === 'SwitchboardInstanceNotReady');
    expect(parsePromql(String(notReady?.expr)).metrics).toEqual([
      'switchboard_ready',
      'switchboard_draining',
    ]);
  });
});
