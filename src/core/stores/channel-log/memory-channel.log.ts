import type {
  AppendOutcome,
  AppendReceipt,
  AppendRequest,
  AppendResult,
  ChannelLog,
  PublicationListener,
} from './channel-log.js';
import type { ChannelTop, HistoryPage, Recovery } from './publication.js';
import type { Publication, StreamPosition } from '@switchboard/protocol';
import { emptyTop, newEpoch, pendingEpochLifetimeMs, recoverFrom } from './stream-rules.js';
import { HistoryBudget, PUBLICATION_OVERHEAD_BYTES, type StoredEntry } from './memory-history-budget.js';
import { MemoryIdempotencyRecords } from './memory-idempotency.records.js';

/**
 * How many channel streams (epoch + top offset) the embedded log remembers at most. A stream
 * outlives its history by up to `STREAM_TTL_SECONDS` (30 days); only publications create
 * streams, and beyond this many the least recently used one is forgotten (its next
 * publication starts a new epoch, as after its TTL). A stream without history costs ~200 bytes.
 */
export const MEMORY_STREAM_LIMIT = 100_000;

/** `HISTORY_MAX_BYTES`' default: 128 MiB. */
export const DEFAULT_HISTORY_MAX_BYTES = 128 * 1024 * 1024;

export interface MemoryChannelLogOptions {
  readonly historySize: number;
  /** How long stored publications live after the channel's last publication. */
  readonly historyTtlMs: number;
  /** How long the epoch and top offset live after the last publication (at least the history TTL). */
  readonly streamTtlMs: number;
  /** How long an idempotency key is remembered. */
  readonly idempotencyTtlMs: number;
  /** What stored publications and idempotency records may hold together; default 128 MiB. */
  readonly historyMaxBytes?: number;
  /** Default {@link MEMORY_STREAM_LIMIT}. */
  readonly maxStreams?: number;
  /** Called once per stream forgotten because of {@link maxStreams} (a metric). */
  readonly onStreamEvicted?: () => void;
  /** Called once per publication or idempotency record dropped over {@link historyMaxBytes}. */
  readonly onTrimmed?: (kind: 'publication' | 'idempotency') => void;
  readonly now?: () => number;
}

interface ChannelState {
  epoch: string;
  offset: number;
  /** Newest last; at most `historySize`; emptied once `historyExpiresAt` passed. */
  history: StoredEntry[];
  historyExpiresAt: number;
  streamExpiresAt: number;
}

/**
 * The embedded (single instance) log. Everything runs synchronously inside `append`, so
 * offsets are assigned and delivered in call order. Only `append` creates a stream; a read of
 * a channel without one answers the pending epoch (see stream-rules.ts) and stores nothing.
 *
 * Memory is bounded by configuration, not by the clients: stored publications and idempotency
 * records together stay within `historyMaxBytes` (the oldest publications of all channels go
 * first, then the oldest records; every stream keeps its epoch and top, so a client that needed
 * them gets `recovered: false`, never a new epoch), and at most `maxStreams` streams are kept
 * (the map is in least recently used order: every access re-inserts). Expired state is dropped
 * lazily on access and by {@link sweep}.
 */
export class MemoryChannelLog implements ChannelLog {
  private readonly channels = new Map<string, ChannelState>();
  private readonly budget = new HistoryBudget();
  private readonly idempotency: MemoryIdempotencyRecords;
  private readonly listeners: PublicationListener[] = [];
  private readonly now: () => number;
  private readonly maxStreams: number;
  private readonly maxBytes: number;
  private pending: { epoch: string; until: number };

  constructor(private readonly options: MemoryChannelLogOptions) {
    this.now = options.now ?? Date.now;
    this.maxStreams = options.maxStreams ?? MEMORY_STREAM_LIMIT;
    this.maxBytes = options.historyMaxBytes ?? DEFAULT_HISTORY_MAX_BYTES;
    this.idempotency = new MemoryIdempotencyRecords(options.idempotencyTtlMs);
    this.pending = this.newPendingEpoch(this.now());
  }

  /** Streams remembered right now (bounded by the cap). */
  get size(): number {
    return this.channels.size;
  }

  /** Bytes counted against `historyMaxBytes`: stored publications plus idempotency records. */
  get bytes(): number {
    return this.budget.bytes + this.idempotency.bytes;
  }

  append(request: AppendRequest): Promise<AppendResult> {
    const now = this.now();
    const earlier = this.idempotency.find(request, now);
    if (earlier) return Promise.resolve({ ...earlier, duplicate: true });
    const state = this.find(request.channel, now) ?? this.create(request.channel, now);
    state.offset += 1;
    state.streamExpiresAt = now + this.options.streamTtlMs;
    state.historyExpiresAt = now + this.options.historyTtlMs;
    const publication: Publication = {
      channel: request.channel,
      event: request.event,
      offset: state.offset,
      epoch: state.epoch,
      data: request.data,
      ts: now,
    };
    // Serialised once: delivery sends this very text, and history keeps it (not the objects).
    const json = request.keep ? JSON.stringify(publication) : undefined;
    if (json !== undefined) this.store(state, publication.offset, json);
    const receipt: AppendReceipt = {
      channel: publication.channel,
      event: publication.event,
      offset: publication.offset,
      epoch: publication.epoch,
      ts: now,
      ...(request.receipt !== undefined && { receipt: request.receipt }),
    };
    this.idempotency.remember(request, receipt, now);
    this.withinBudget();
    for (const listener of this.listeners) listener(publication, json);
    const { channel, event, offset, epoch, ts } = receipt;
    return Promise.resolve({ channel, event, offset, epoch, ts, duplicate: false, publication });
  }

  async appendBatch(requests: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    const outcomes: AppendOutcome[] = [];
    for (const request of requests) outcomes.push({ ok: true, result: await this.append(request) });
    return outcomes;
  }

  top(channel: string): Promise<ChannelTop> {
    const now = this.now();
    const state = this.find(channel, now);
    return Promise.resolve(state ? { offset: state.offset, epoch: state.epoch } : this.emptyTop(now));
  }

  async tops(channels: readonly string[]): Promise<(ChannelTop | undefined)[]> {
    const tops: ChannelTop[] = [];
    for (const channel of channels) tops.push(await this.top(channel));
    return tops;
  }

  read(channel: string, since: number, limit: number): Promise<HistoryPage> {
    const now = this.now();
    const state = this.find(channel, now);
    if (!state) return Promise.resolve({ ...this.emptyTop(now), publications: [] });
    const publications: Publication[] = [];
    for (const entry of state.history) {
      if (publications.length >= limit) break;
      if (entry.offset > since) publications.push(JSON.parse(entry.json) as Publication);
    }
    return Promise.resolve({ offset: state.offset, epoch: state.epoch, publications });
  }

  recover(channel: string, position: StreamPosition): Promise<Recovery> {
    const now = this.now();
    const state = this.find(channel, now);
    if (!state) return Promise.resolve(recoverFrom(this.emptyTop(now), position, []));
    const top = { offset: state.offset, epoch: state.epoch };
    const stored = state.history
      .filter((e) => e.offset > position.offset)
      .map((e) => JSON.parse(e.json) as Publication);
    return Promise.resolve(recoverFrom(top, position, stored));
  }

  onPublication(listener: PublicationListener): void {
    this.listeners.push(listener);
  }

  /** Drops expired streams, histories and idempotency keys; called periodically by the owner. */
  sweep(): void {
    const now = this.now();
    for (const [channel, state] of this.channels) {
      if (state.streamExpiresAt <= now) this.forgetStream(channel, state);
      else if (state.historyExpiresAt <= now) this.clearHistory(state);
    }
    this.idempotency.sweep(now);
  }

  /** The channel's live stream (moved to the most recently used end), or undefined; creates nothing. */
  private find(channel: string, now: number): ChannelState | undefined {
    const state = this.channels.get(channel);
    if (!state) return undefined;
    this.channels.delete(channel);
    if (state.streamExpiresAt <= now) {
      this.clearHistory(state);
      return undefined;
    }
    this.channels.set(channel, state);
    if (state.historyExpiresAt <= now) this.clearHistory(state);
    return state;
  }

  /** A new life of the channel's stream, in the pending epoch (see stream-rules.ts). */
  private create(channel: string, now: number): ChannelState {
    const state: ChannelState = {
      epoch: this.emptyTop(now).epoch,
      offset: 0,
      history: [],
      historyExpiresAt: now,
      streamExpiresAt: now,
    };
    this.channels.set(channel, state);
    this.evictOverCap(now);
    return state;
  }

  private store(state: ChannelState, offset: number, json: string): void {
    const entry: StoredEntry = {
      offset,
      json,
      // UTF-8 bytes: at least what V8 holds for the text (1 byte a Latin-1 character, 2 else).
      bytes: Buffer.byteLength(json) + PUBLICATION_OVERHEAD_BYTES,
      holder: state,
      removed: false,
    };
    state.history.push(entry);
    this.budget.add(entry);
    if (state.history.length > this.options.historySize) {
      const oldest = state.history.shift();
      if (oldest) this.budget.forget(oldest);
    }
  }

  /** Over `historyMaxBytes`: the oldest publications of all channels go first, then the oldest records. */
  private withinBudget(): void {
    while (this.bytes > this.maxBytes) {
      if (this.budget.dropOldest()) this.options.onTrimmed?.('publication');
      else if (this.idempotency.dropOldest()) this.options.onTrimmed?.('idempotency');
      else return;
    }
  }

  private clearHistory(state: ChannelState): void {
    for (const entry of state.history) this.budget.forget(entry);
    state.history = [];
  }

  private forgetStream(channel: string, state: ChannelState): void {
    this.clearHistory(state);
    this.channels.delete(channel);
  }

  private emptyTop(now: number): ChannelTop {
    if (now >= this.pending.until) this.pending = this.newPendingEpoch(now);
    return emptyTop(this.pending.epoch);
  }

  private newPendingEpoch(now: number): { epoch: string; until: number } {
    return { epoch: newEpoch(), until: now + pendingEpochLifetimeMs(this.options.streamTtlMs) };
  }

  private evictOverCap(now: number): void {
    while (this.channels.size > this.maxStreams) {
      const oldest = this.channels.entries().next().value;
      if (oldest === undefined) return;
      this.forgetStream(oldest[0], oldest[1]);
      // A life cut short may have begun in the current pending epoch: its next one must not.
      this.pending = this.newPendingEpoch(now);
      this.options.onStreamEvicted?.();
    }
  }
}
