import { WEBHOOK_EVENT_TYPES, type PresenceUser } from '@switchboard/protocol';
import type { ChangeJournal, ChannelChangeSink, ChannelChangeType } from './channel-change-sink.js';

/** The extra KEYS and ARGV of a deciding script that journals its change (see `JOURNAL_LUA`). */
export interface JournalCall {
  readonly keys: readonly string[];
  readonly args: readonly (string | number)[];
}

const NO_JOURNAL: JournalCall = { keys: [], args: [] };

/**
 * How a store reports the transitions it decides to the optional {@link ChannelChangeSink}:
 * the types the sink wants are read once, so a store without a sink (or a type not wanted)
 * pays one set lookup per transition and nothing else.
 */
export class ChannelChanges {
  static readonly NONE = new ChannelChanges(undefined);

  private readonly wanted: ReadonlySet<ChannelChangeType>;
  private readonly journal?: ChangeJournal;

  /** `journaled`: the store's scripts may append changes themselves (one Redis, not a cluster). */
  constructor(
    private readonly sink: ChannelChangeSink | undefined,
    journaled = false,
  ) {
    this.wanted = new Set(sink ? WEBHOOK_EVENT_TYPES.filter((type) => sink.wants(type)) : []);
    this.journal = journaled && this.wanted.size > 0 ? sink?.journal : undefined;
  }

  wants(type: ChannelChangeType): boolean {
    return this.wanted.has(type);
  }

  /** A transition decided now, outside any script (memory; Redis Cluster: after the script). */
  report(channel: string, type: ChannelChangeType, user?: PresenceUser): void {
    if (!this.wanted.has(type)) return;
    this.sink?.enqueue(channel, user ? { type, userId: user.userId, name: user.name } : { type });
  }

  /**
   * The KEYS and ARGV a deciding script needs to journal a `type` change of `channel` itself;
   * none when the store does not journal or the type is not wanted (the change, if decided, is
   * then {@link report}ed by the caller, which {@link journals} tells).
   */
  journalCall(channel: string, type: ChannelChangeType): JournalCall {
    const journal = this.journal;
    if (!journal || !this.wanted.has(type)) return NO_JOURNAL;
    return {
      keys: journal.keys(channel),
      args: [journal.capacity, journal.seqTtlSeconds, journal.tail(channel, type, Date.now())],
    };
  }

  /** Whether {@link journalCall} makes the script append `type` changes itself. */
  journals(type: ChannelChangeType): boolean {
    return this.journal !== undefined && this.wanted.has(type);
  }

  /** A deciding script appended `count` changes; `dropped` queued ones left for capacity. */
  journaled(count: number, dropped: number): void {
    if (count > 0 || dropped > 0) this.sink?.appended(count, dropped);
  }

  /** A dead instance's entries were swept. */
  instanceDead(memberId: string): Promise<void> {
    return this.sink?.onInstanceDead(memberId) ?? Promise.resolve();
  }
}
