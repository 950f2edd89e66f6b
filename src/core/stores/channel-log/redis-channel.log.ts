import type {
  AppendOutcome,
  AppendRequest,
  AppendResult,
  ChannelLog,
  PublicationListener,
} from './channel-log.js';
import { isReadablePosition, newEpoch, recoverFrom } from './stream-rules.js';
import type { ChannelTop, HistoryPage, Recovery } from './publication.js';
import { APPEND_SCRIPT, READ_SCRIPT } from './channel-log.scripts.js';
import type { RedisClient, ScriptCall } from '../redis/lua-script.js';
import { parsePublication, publicationHead } from './publication-json.js';
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

interface ReadReply {
  epoch: string;
  offset: number;
  publications: Publication[];
}

function readReply(reply: unknown): ReadReply {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string' || typeof reply[1] !== 'number') {
    throw new Error('unexpected reply from the read script');
  }
  const [epoch, offset, ...entries] = reply as [string, number, ...unknown[]];
  return { epoch, offset, publications: entries.map((entry) => parsePublication(String(entry))) };
}

function appendResult(reply: unknown): AppendResult {
  if (!Array.isArray(reply) || typeof reply[1] !== 'string') {
    throw new Error('unexpected reply from the append script');
  }
  return { publication: parsePublication(reply[1]), duplicate: reply[0] === 1 };
}

/**
 * The channel log in Redis, shared by every instance. Each operation is one script on the
 * channel's slot (see {@link APPEND_SCRIPT} for why the publish happens inside it); the
 * delivery feed comes back through {@link RedisPublicationFeed}.
 */
export class RedisChannelLog implements ChannelLog {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly feed: RedisPublicationFeed,
    private readonly options: RedisChannelLogOptions,
  ) {}

  async append(request: AppendRequest): Promise<AppendResult> {
    const { keys, args } = this.appendCall(request);
    return appendResult(await APPEND_SCRIPT.run(this.redis, keys, args));
  }

  async appendBatch(requests: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    const outcomes = await APPEND_SCRIPT.runMany(
      this.redis,
      requests.map((request) => this.appendCall(request)),
    );
    return outcomes.map((outcome): AppendOutcome => {
      if (!outcome.ok) return outcome;
      try {
        return { ok: true, result: appendResult(outcome.value) };
      } catch (error) {
        return { ok: false, error };
      }
    });
  }

  async top(channel: string): Promise<ChannelTop> {
    const { epoch, offset } = await this.readScript(channel, '', '', '');
    return { epoch, offset };
  }

  async tops(channels: readonly string[]): Promise<(ChannelTop | undefined)[]> {
    const outcomes = await READ_SCRIPT.runMany(
      this.redis,
      channels.map((channel) => this.readCall(channel, '', '', '')),
    );
    return outcomes.map((outcome) => {
      if (!outcome.ok) return undefined;
      try {
        const { epoch, offset } = readReply(outcome.value);
        return { epoch, offset };
      } catch {
        return undefined;
      }
    });
  }

  async read(channel: string, since: number, limit: number): Promise<HistoryPage> {
    // Nothing is stored beyond a safe integer: such a `since` reads just the top.
    const from = Number.isSafeInteger(since) && since >= 0 ? String(since + 1) : '';
    return this.readScript(channel, from, String(limit), '');
  }

  async recover(channel: string, position: StreamPosition): Promise<Recovery> {
    // An offset Redis cannot parse as a stream id can never be recovered: just the top.
    const from = isReadablePosition(position) ? String(position.offset + 1) : '';
    const { epoch, offset, publications } = await this.readScript(channel, from, '', position.epoch);
    return recoverFrom({ epoch, offset }, position, publications);
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

  private appendCall(request: AppendRequest): ScriptCall {
    const keys = this.keys.channel(request.channel);
    const scriptKeys = [keys.top, keys.log];
    if (request.idempotencyKey !== undefined) scriptKeys.push(keys.idempotency(request.idempotencyKey));
    return {
      keys: scriptKeys,
      args: [
        publicationHead(request.channel, request.event, request.data, Date.now()),
        request.keep ? '1' : '0',
        this.options.historySize,
        this.options.historyTtlSeconds,
        this.options.streamTtlSeconds,
        this.options.idempotencyTtlSeconds,
        newEpoch(),
        keys.feed,
        this.options.sharded ? 'SPUBLISH' : 'PUBLISH',
      ],
    };
  }

  private async readScript(channel: string, from: string, count: string, epoch: string): Promise<ReadReply> {
    const { keys, args } = this.readCall(channel, from, count, epoch);
    return readReply(await READ_SCRIPT.run(this.redis, keys, args));
  }

  private readCall(channel: string, from: string, count: string, epoch: string): ScriptCall {
    const keys = this.keys.channel(channel);
    return {
      keys: [keys.top, keys.log],
      args: [newEpoch(), this.options.streamTtlSeconds, from, count, epoch],
    };
  }
}
