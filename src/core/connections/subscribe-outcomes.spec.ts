import type { AppConfig } from '../../config/app-config.js';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { SubscribeOutcomes } from './subscribe-outcomes.js';

/** Every sample of `metric` as `labels → value`, labels written `a=x,b=y` (instance left out). */
async function values(metric: { get(): Promise<{ values: { labels: object; value: number }[] }> }) {
  const { values: samples } = await metric.get();
  return Object.fromEntries(
    samples.map(({ labels, value }) => [
      Object.entries(labels)
        .map(([key, label]) => `${key}=${String(label)}`)
        .join(','),
      value,
    ]),
  );
}

describe('SubscribeOutcomes', () => {
  let metrics: GatewayMetrics;
  let outcomes: SubscribeOutcomes;
  beforeEach(() => {
    metrics = new GatewayMetrics({ instanceId: 'unit' } as AppConfig);
    outcomes = new SubscribeOutcomes(metrics);
  });

  it('counts a plain subscribe by namespace only', async () => {
    outcomes.accepted('chat', undefined, { epoch: 'e', offset: 4 });
    outcomes.accepted('chat', undefined, { epoch: 'e', offset: 4 });
    outcomes.accepted('public', undefined, { epoch: 'e', offset: 0 });
    expect(await values(metrics.namespaceSubscriptions)).toEqual({
      'namespace=chat': 2,
      'namespace=public': 1,
    });
    expect(await values(metrics.resubscribes)).toEqual({});
    // Both results are exported from the start, at 0 (so rate() sees the first one).
    expect(await values(metrics.recoveries)).toEqual({ 'result=recovered': 0, 'result=not_recovered': 0 });
    expect(await values(metrics.positionLags)).toEqual({ '': 0 });
  });

  it('counts a resume by result, and a lag only behind the top of the same epoch', async () => {
    // Behind the top and recovered: a lag.
    outcomes.accepted('chat', { epoch: 'e', offset: 2 }, { epoch: 'e', offset: 5, recovered: true });
    // At the top: recovered with nothing, no lag.
    outcomes.accepted('chat', { epoch: 'e', offset: 5 }, { epoch: 'e', offset: 5, recovered: true });
    // Behind, history gone: a lag that could not be filled.
    outcomes.accepted('public', { epoch: 'e', offset: 1 }, { epoch: 'e', offset: 9, recovered: false });
    // Another epoch: not comparable, not a lag.
    outcomes.accepted('public', { epoch: 'old', offset: 1 }, { epoch: 'e', offset: 9, recovered: false });
    expect(await values(metrics.resubscribes)).toEqual({ 'namespace=chat': 2, 'namespace=public': 2 });
    expect(await values(metrics.recoveries)).toEqual({ 'result=recovered': 2, 'result=not_recovered': 2 });
    expect(await values(metrics.positionLags)).toEqual({ '': 2 });
    expect(await values(metrics.namespaceSubscriptions)).toEqual({
      'namespace=chat': 2,
      'namespace=public': 2,
    });
  });
});
