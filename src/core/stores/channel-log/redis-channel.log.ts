import type {
  AppendOutcome,
  AppendRequest,
  AppendResult,
  ChannelLog,
  PublicationListener,
} from './channel-log.js';
import {
  emptyTop,
  isReadablePosition,
  newEpoch,
  pendingEpochLifetimeMs,
  recoverFrom,
} from './stream-rules.js';
import type { ChannelTop, HistoryPage, Recovery } from './publication.js';
import {
  APPEND_SCRIPT,
  DUPLICATE,
  NEEDS_EPOCH,
  PENDING_EPOCH_SCRIPT,
  READ_SCRIPT,
} from './channel-log.scripts.js';
import type { RedisClient, ScriptCall } from '../redis/lua-script.js';
import { parsePublication, parseReceipt, publicationHead, receiptHead } from './publication-json.js';
import type { RedisPublicationFeed } from './redis-publication.feed.js';
import type { RedisKeys } from '../redis/redis-keys.js';
import type { Publication, StreamPosition } from '@switchboard/protocol';

export interface RedisChannelLogOptions {
  readonly historySize: number;
  readonly historyTtlSeconds: number;
  /** At least the history TTL (see stream-rules.ts). */
  readonly streamTtlSeconds: number;
  readonly idempotencyTtlSeconds: number;
  /** Cluster: the feed is a shard channel, published with SPUBLISH. */
  readonly sharded: boolean;
}

/** Where {@link APPEND_SCRIPT} takes the pending epoch (ARGV[7]). */
const PENDING_EPOCH_ARG = 6;

interface ReadReply {
  epoch: string;
  offset: number;
  publications: Publication[];
}

/** The read script's reply; `undefined` when the channel has no stream. */
function readReply(reply: unknown): ReadReply | undefined {
  if (Array.isArray(reply) && reply.length === 0) return undefined;
  if (!Array.isArray(reply) || typeof reply[0] !== 'string' || typeof reply[1] !== 'number') {
    throw new Error('unexpected reply from the read script');
  }
  const [epoch, offset, ...entries] = reply as [string, number, ...unknown[]];
  return { epoch, offset, publications: entries.map((entry) => parsePublication(String(entry))) };
}

/** The append script's reply; `undefined` when it needs the pending epoch to create the stream. */
function appendResult(reply: unknown, request: AppendRequest): AppendResult | undefined {
  if (Array.isArray(reply) && reply[0] === NEEDS_EPOCH) return undefined;
  if (!Array.isArray(reply) || typeof reply[1] !== 'string') {
    throw new Error('unexpected reply from the append script');
  }
  if (reply[0] === DUPLICATE) return { ...parseReceipt(reply[1]), duplicate: true };
  const publication = parsePublication(reply[1]);
  const { channel, event, offset, epoch, ts } = publication;
  const receipt = request.receipt;
  return {
    channel,
    event,
    offset,
    epoch,
    ts,
    ...(receipt !== undefined && { receipt }),
    duplicate: false,
    publication,
  };
}

/**
 * The channel log in Redis, shared by every instance. Each operation is one script on the
 * channel's slot (see {@link APPEND_SCRIPT} for why the publish happens inside it); the
 * delivery feed comes back through {@link RedisPublicationFeed}.
 *
 * Reads create nothing: a channel without a stream answers offset 0 and the pending epoch,
 * read afresh from its key (a second command, on its own slot). An append that creates a
 * stream reads it too: a single append first runs without it (one round trip for an existing
 * stream), a batch reads it first (so its items of one channel still run in array order).
 */
export class RedisChannelLog implements ChannelLog {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly feed: RedisPublicationFeed,
    private readonly options: RedisChannelLogOptions,
  ) {}

  async append(request: AppendRequest): Promise<AppendResult> {
    const { keys, args } = this.appendCall(request, '');
    const appended = appendResult(await APPEND_SCRIPT.run(this.redis, keys, args), request);
    if (appended) return appended;
    // A new stream: again with the pending epoch (created meanwhile elsewhere, it is not used).
    const withEpoch = [...args];
    withEpoch[PENDING_EPOCH_ARG] = await this.pendingEpoch();
    const created = appendResult(await APPEND_SCRIPT.run(this.redis, keys, withEpoch), request);
    if (!created) throw new Error('the append script asked for an epoch it was given');
    return created;
  }

  async appendBatch(requests: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    const pending = await this.pendingEpoch();
    const outcomes = await APPEND_SCRIPT.runMany(
      this.redis,
      requests.map((request) => this.appendCall(request, pending)),
    );
    return outcomes.map((outcome, i): AppendOutcome => {
      if (!outcome.ok) return outcome;
      try {
        const result = appendResult(outcome.value, requests[i]);
        if (!result) throw new Error('the append script asked for an epoch it was given');
        return { ok: true, result };
      } catch (error) {
        return { ok: false, error };
      }
    });
  }

  async top(channel: string): Promise<ChannelTop> {
    const reply = await this.readScript(channel, '', '', '');
    return reply ? { epoch: reply.epoch, offset: reply.offset } : emptyTop(await this.pendingEpoch());
  }

  async tops(channels: readonly string[]): Promise<(ChannelTop | undefined)[]> {
    const outcomes = await READ_SCRIPT.runMany(
      this.redis,
      channels.map((channel) => this.readCall(channel, '', '', '')),
    );
    let pending: Promise<ChannelTop | undefined> | undefined;
    const empty = (): Promise<ChannelTop | undefined> =>
      (pending ??= this.pendingEpoch().then(emptyTop, () => undefined));
    return Promise.all(
      outcomes.map(async (outcome) => {
        if (!outcome.ok) return undefined;
        try {
          const reply = readReply(outcome.value);
          return reply ? { epoch: reply.epoch, offset: reply.offset } : await empty();
        } catch {
          return undefined;
        }
      }),
    );
  }

  async read(channel: string, since: number, limit: number): Promise<HistoryPage> {
    // Nothing is stored beyond a safe integer: such a `since` reads just the top.
    const from = Number.isSafeInteger(since) && since >= 0 ? String(since + 1) : '';
    const reply = await this.readScript(channel, from, String(limit), '');
    return reply ?? { ...emptyTop(await this.pendingEpoch()), publications: [] };
  }

  async recover(channel: string, position: StreamPosition): Promise<Recovery> {
    // An offset Redis cannot parse as a stream id can never be recovered: just the top.
    const from = isReadablePosition(position) ? String(position.offset + 1) : '';
    const reply = await this.readScript(channel, from, '', position.epoch);
    if (!reply) return recoverFrom(emptyTop(await this.pendingEpoch()), position, []);
    return recoverFrom({ epoch: reply.epoch, offset: reply.offset }, position, reply.publications);
  }

  onPublication(listener: PublicationListener): void {
    this.feed.onPublication(listener);
  }

  watch(channel: string): Promise<void> {
    return this.feed.watch(channel);
  }

  unwatch(channel: string): void {
    this.feed.unwatch(channel);
  }

  /** The deployment's pending epoch, read (or started) in Redis now: never cached here. */
  private async pendingEpoch(): Promise<string> {
    const lifetime = pendingEpochLifetimeMs(this.options.streamTtlSeconds * 1000) / 1000;
    const reply = await PENDING_EPOCH_SCRIPT.run(
      this.redis,
      [this.keys.pendingEpoch],
      [newEpoch(), lifetime],
    );
    if (typeof reply !== 'string' || reply === '')
      throw new Error('unexpected reply from the pending epoch script');
    return reply;
  }

  private appendCall(request: AppendRequest, pending: string): ScriptCall {
    const keys = this.keys.channel(request.channel);
    const scriptKeys = [keys.top, keys.log];
    const keyed = request.idempotencyKey !== undefined;
    if (keyed) scriptKeys.push(keys.idempotency(request.idempotencyKey));
    const ts = Date.now();
    return {
      keys: scriptKeys,
      args: [
        publicationHead(request.channel, request.event, request.data, ts),
        request.keep ? '1' : '0',
        this.options.historySize,
        this.options.historyTtlSeconds,
        this.options.streamTtlSeconds,
        this.options.idempotencyTtlSeconds,
        pending,
        keys.feed,
        this.options.sharded ? 'SPUBLISH' : 'PUBLISH',
        keyed ? receiptHead(request.channel, request.event, ts, request.receipt) : '',
      ],
    };
  }

  private async readScript(
    channel: string,
    from: string,
    count: string,
    epoch: string,
  ): Promise<ReadReply | undefined> {
    const { keys, args } = this.readCall(channel, from, count, epoch);
    return readReply(await READ_SCRIPT.run(this.redis, keys, args));
  }

  private readCall(channel: string, from: string, count: string, epoch: string): ScriptCall {
    const keys = this.keys.channel(channel);
    return { keys: [keys.top, keys.log], args: [from, count, epoch] };
  }
}
