import type { Counter } from 'prom-client';

/**
 * A counter labelled by channel namespace, with one child handle per namespace made on first
 * use and kept: the hot paths (every publication) increment without building a label object or
 * hashing label values. Only registered namespaces ever reach it (channels are resolved before
 * they are published to or subscribed), so the map is as small as the label set.
 */
export class NamespaceCounter {
  private readonly children = new Map<string, Counter.Internal>();

  constructor(private readonly counter: Counter<'namespace'>) {}

  inc(namespace: string, by = 1): void {
    let child = this.children.get(namespace);
    if (!child) this.children.set(namespace, (child = this.counter.labels(namespace)));
    child.inc(by);
  }

  /** Counts for `channel`'s namespace, the part before its first `:`. */
  incChannel(channel: string, by = 1): void {
    this.inc(channel.slice(0, channel.indexOf(':')), by);
  }
}
