import type { AppendRequest, AppendResult, ChannelLog, PublicationListener } from './channel-log.js';
import type { ChannelTop, HistoryPage, Recovery } from './publication.js';
import type { Publication, StreamPosition } from '@switchboard/protocol';
import { emptyTopTtlSeconds, newEpoch, recoverFrom } from './stream-rules.js';

export interface MemoryChannelLogOptions {
  readonly historySize: number;
  readonly ttlMs: number;
  readonly now?: () => number;
}

interface ChannelState {
  epoch: string;
  offset: number;
  /** Newest last; at most `historySize`. */
  history: Publication[];
  expiresAt: number;
}

/**
 * The embedded (single instance) log. Everything runs synchronously inside `append`, so
 * offsets are assigned and delivered in call order. Expired channels are dropped lazily on
 * access and by {@link sweep}.
 */
export class MemoryChannelLog implements ChannelLog {
  private readonly channels = new Map<string, ChannelState>();
  private readonly idempotency = new Map<string, { publication: Publication; expiresAt: number }>();
  private readonly listeners: PublicationListener[] = [];
  private readonly now: () => number;

  constructor(private readonly options: MemoryChannelLogOptions) {
    this.now = options.now ?? Date.now;
  }

  append(request: AppendRequest): Promise<AppendResult> {
    const now = this.now();
    if (request.idempotencyKey) {
      const earlier = this.idempotency.get(request.idempotencyKey);
      if (earlier && earlier.expiresAt > now) {
        return Promise.resolve({ publication: earlier.publication, duplicate: true });
      }
    }
    const state = this.state(request.channel, now);
    state.offset += 1;
    state.expiresAt = now + this.options.ttlMs;
    const publication: Publication = {
      channel: request.channel,
      event: request.event,
      offset: state.offset,
      epoch: state.epoch,
      data: request.data,
      ts: now,
    };
    if (request.keep) {
      state.history.push(publication);
      if (state.history.length > this.options.historySize) state.history.shift();
    }
    if (request.idempotencyKey) {
      this.idempotency.set(request.idempotencyKey, { publication, expiresAt: now + this.options.ttlMs });
    }
    for (const listener of this.listeners) listener(publication);
    return Promise.resolve({ publication, duplicate: false });
  }

  top(channel: string): Promise<ChannelTop> {
    const { offset, epoch } = this.state(channel, this.now());
    return Promise.resolve({ offset, epoch });
  }

  read(channel: string, since: number, limit: number): Promise<HistoryPage> {
    const state = this.state(channel, this.now());
    const publications = state.history.filter((p) => p.offset > since).slice(0, limit);
    return Promise.resolve({ offset: state.offset, epoch: state.epoch, publications });
  }

  recover(channel: string, position: StreamPosition): Promise<Recovery> {
    const state = this.state(channel, this.now());
    const top = { offset: state.offset, epoch: state.epoch };
    const stored = state.history.filter((p) => p.offset > position.offset);
    return Promise.resolve(recoverFrom(top, position, stored));
  }

  onPublication(listener: PublicationListener): void {
    this.listeners.push(listener);
  }

  /** Drops expired channels and idempotency keys; called periodically by the owner. */
  sweep(): void {
    const now = this.now();
    for (const [channel, state] of this.channels) if (state.expiresAt <= now) this.channels.delete(channel);
    for (const [key, entry] of this.idempotency) if (entry.expiresAt <= now) this.idempotency.delete(key);
  }

  private state(channel: string, now: number): ChannelState {
    let state = this.channels.get(channel);
    if (!state || state.expiresAt <= now) {
      // A channel without history (or whose history expired) starts a new life: new epoch,
      // offsets from 1. Creating it on a read fixes the epoch its first publication carries.
      state = { epoch: newEpoch(), offset: 0, history: [], expiresAt: now };
      this.channels.set(channel, state);
    }
    if (state.offset === 0) {
      state.expiresAt = now + emptyTopTtlSeconds(this.options.ttlMs / 1000) * 1000;
    }
    return state;
  }
}
