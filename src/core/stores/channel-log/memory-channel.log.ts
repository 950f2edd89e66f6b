import type {
  AppendOutcome,
  AppendRequest,
  AppendResult,
  ChannelLog,
  PublicationListener,
} from './channel-log.js';
import type { ChannelTop, HistoryPage, Recovery } from './publication.js';
import type { Publication, StreamPosition } from '@switchboard/protocol';
import { newEpoch, recoverFrom } from './stream-rules.js';

/**
 * How many channel streams (epoch + top offset) the embedded log remembers at most. A stream
 * outlives its history by up to `STREAM_TTL_SECONDS` (30 days), and merely subscribing to a
 * channel creates one, so without a cap the map would grow with every channel name ever
 * used. Beyond it the least recently used stream is forgotten (its next publication starts a
 * new epoch, as after its TTL). A remembered stream without history costs ~200 bytes.
 */
export const MEMORY_STREAM_LIMIT = 100_000;

export interface MemoryChannelLogOptions {
  readonly historySize: number;
  /** How long stored publications live after the channel's last publication. */
  readonly historyTtlMs: number;
  /** How long the epoch and top offset live after the last publication (at least the history TTL). */
  readonly streamTtlMs: number;
  /** How long an idempotency key is remembered. */
  readonly idempotencyTtlMs: number;
  /** Default {@link MEMORY_STREAM_LIMIT}. */
  readonly maxStreams?: number;
  /** Called once per stream forgotten because of {@link maxStreams} (a metric). */
  readonly onStreamEvicted?: () => void;
  readonly now?: () => number;
}

interface ChannelState {
  epoch: string;
  offset: number;
  /** Newest last; at most `historySize`; emptied once `historyExpiresAt` passed. */
  history: Publication[];
  historyExpiresAt: number;
  streamExpiresAt: number;
}

/**
 * The embedded (single instance) log. Everything runs synchronously inside `append`, so
 * offsets are assigned and delivered in call order. The channel map is kept in least recently
 * used order (a Map iterates in insertion order; every access re-inserts), so evicting over
 * the cap drops the stalest stream. Expired state is dropped lazily on access and by
 * {@link sweep}.
 */
export class MemoryChannelLog implements ChannelLog {
  private readonly channels = new Map<string, ChannelState>();
  /** Keyed per channel (`<channel>\n<key>`): a key only deduplicates within its channel. */
  private readonly idempotency = new Map<string, { publication: Publication; expiresAt: number }>();
  private readonly listeners: PublicationListener[] = [];
  private readonly now: () => number;
  private readonly maxStreams: number;

  constructor(private readonly options: MemoryChannelLogOptions) {
    this.now = options.now ?? Date.now;
    this.maxStreams = options.maxStreams ?? MEMORY_STREAM_LIMIT;
  }

  /** Streams remembered right now (bounded by the cap). */
  get size(): number {
    return this.channels.size;
  }

  append(request: AppendRequest): Promise<AppendResult> {
    const now = this.now();
    const idempotencyKey =
      request.idempotencyKey === undefined ? undefined : `${request.channel}\n${request.idempotencyKey}`;
    if (idempotencyKey !== undefined) {
      const earlier = this.idempotency.get(idempotencyKey);
      if (earlier && earlier.expiresAt > now) {
        return Promise.resolve({ publication: earlier.publication, duplicate: true });
      }
    }
    const state = this.state(request.channel, now);
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
    if (request.keep) {
      state.history.push(publication);
      if (state.history.length > this.options.historySize) state.history.shift();
    }
    if (idempotencyKey !== undefined) {
      this.idempotency.set(idempotencyKey, { publication, expiresAt: now + this.options.idempotencyTtlMs });
    }
    for (const listener of this.listeners) listener(publication);
    return Promise.resolve({ publication, duplicate: false });
  }

  async appendBatch(requests: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    const outcomes: AppendOutcome[] = [];
    for (const request of requests) outcomes.push({ ok: true, result: await this.append(request) });
    return outcomes;
  }

  top(channel: string): Promise<ChannelTop> {
    const { offset, epoch } = this.state(channel, this.now());
    return Promise.resolve({ offset, epoch });
  }

  async tops(channels: readonly string[]): Promise<(ChannelTop | undefined)[]> {
    const tops: ChannelTop[] = [];
    for (const channel of channels) tops.push(await this.top(channel));
    return tops;
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

  /** Drops expired streams, histories and idempotency keys; called periodically by the owner. */
  sweep(): void {
    const now = this.now();
    for (const [channel, state] of this.channels) {
      if (state.streamExpiresAt <= now) this.channels.delete(channel);
      else if (state.historyExpiresAt <= now && state.history.length > 0) state.history = [];
    }
    for (const [key, entry] of this.idempotency) if (entry.expiresAt <= now) this.idempotency.delete(key);
  }

  private state(channel: string, now: number): ChannelState {
    let state = this.channels.get(channel);
    if (state) this.channels.delete(channel);
    if (!state || state.streamExpiresAt <= now) {
      // A channel never seen (or whose stream expired) starts a new life: new epoch, offsets
      // from 1. Creating it on a read fixes the epoch its first publication carries.
      state = { epoch: newEpoch(), offset: 0, history: [], historyExpiresAt: now, streamExpiresAt: now };
    }
    // Re-inserted last: the map's first entry is always the least recently used.
    this.channels.set(channel, state);
    if (state.historyExpiresAt <= now && state.history.length > 0) state.history = [];
    // An empty channel keeps the epoch it announced, like a stream, for the stream TTL after
    // its last read: its first publication must carry it however late it comes.
    if (state.offset === 0) state.streamExpiresAt = now + this.options.streamTtlMs;
    this.evictOverCap();
    return state;
  }

  private evictOverCap(): void {
    while (this.channels.size > this.maxStreams) {
      const oldest = this.channels.keys().next().value;
      if (oldest === undefined) return;
      this.channels.delete(oldest);
      this.options.onStreamEvicted?.();
    }
  }
}
