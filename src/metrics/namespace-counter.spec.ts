import { jest } from '@jest/globals';
import { Counter, Registry } from 'prom-client';
import { NamespaceCounter } from './namespace-counter.js';

describe('NamespaceCounter', () => {
  const counter = () =>
    new Counter({
      name: 'test_by_namespace_total',
      help: 'test',
      labelNames: ['namespace'] as const,
      registers: [new Registry()],
    });

  it('counts by namespace, a channel by the part before its first colon', async () => {
    const metric = counter();
    const byNamespace = new NamespaceCounter(metric);
    byNamespace.inc('chat');
    byNamespace.incChannel('chat:lobby', 3);
    byNamespace.incChannel('public:a:b');
    const values = (await metric.get()).values.map(({ labels, value }) => [labels.namespace, value]);
    expect(values).toEqual([
      ['chat', 4],
      ['public', 1],
    ]);
  });

  it('makes one child handle per namespace, on first use', () => {
    const metric = counter();
    const labels = jest.spyOn(metric, 'labels');
    const byNamespace = new NamespaceCounter(metric);
    for (let i = 0; i < 100; i++) byNamespace.incChannel(i % 2 ? 'chat:x' : 'user:y');
    expect(labels).toHaveBeenCalledTimes(2);
  });
});
