import type { SubscribeAnswer } from '@switchboard/protocol';
import type { Publication, StreamPosition } from '@switchboard/protocol';

/** The answer to `subscribe` (contract §5), with or without `since`. */
export type SubscribeAck = SubscribeAnswer;

/** The stream jumped: what came between `previous` and `current` is lost, reload state. */
export interface Resync {
  readonly previous?: StreamPosition;
  readonly current: StreamPosition;
}

export interface SequencerStep {
  /** To hand to the subscriber, in this order. */
  readonly delivered: readonly Publication[];
  readonly resync?: Resync;
}

const keyOf = (p: Publication): string => `${p.offset}\u0000${p.epoch}`;

/**
 * Turns what a channel's subscription receives (live publications in any order, duplicates,
 * and `subscribe` answers) into a stream whose offsets grow by exactly one within an epoch.
 * Pure: no timers, no I/O. The owner asks {@link hasGap} and, after holding briefly,
 * re-subscribes with `since: position`; the answer goes to {@link acknowledge}.
 *
 * Epochs have no order, so the rules are: a publication of another epoch with offset 1 starts
 * a new life (history was lost, nothing of the old life can still be missed); any other one
 * waits for a `subscribe` answer, which names the current epoch and settles it.
 */
export class ChannelSequencer {
  private pos: StreamPosition | undefined;
  /** Highest offset known to exist in the current epoch (from answers and held publications). */
  private top: number;
  private readonly held = new Map<string, Publication>();

  /** `start`: the position the subscriber already has (e.g. after loading REST history). */
  constructor(start?: StreamPosition) {
    this.pos = start === undefined ? undefined : { offset: start.offset, epoch: start.epoch };
    this.top = start?.offset ?? 0;
  }

  /** The last position handed to the subscriber; undefined until the first answer. */
  get position(): StreamPosition | undefined {
    return this.pos;
  }

  /** Publications are missing before some known one: time to recover (after a short hold). */
  get hasGap(): boolean {
    return this.pos !== undefined && (this.held.size > 0 || this.top > this.pos.offset);
  }

  get heldCount(): number {
    return this.held.size;
  }

  /** A live publication. */
  push(publication: Publication): Publication[] {
    const pos = this.pos;
    if (pos && publication.epoch === pos.epoch) {
      if (publication.offset <= pos.offset) return [];
      this.top = Math.max(this.top, publication.offset);
    }
    this.held.set(keyOf(publication), publication);
    return this.drain();
  }

  /**
   * A `channel.position`: the channel's top as stored. In this epoch, a higher offset than
   * handled is a gap (a live delivery was lost, or is still on its way): {@link hasGap} turns
   * true and the owner recovers after its usual hold. `'other-epoch'` when it names another
   * epoch: only the server can tell whether the stream moved on, so the owner asks it (a
   * `subscribe { since }`, whose answer settles it, with a resync when the state is stale).
   */
  observe(top: StreamPosition): 'ok' | 'other-epoch' {
    const pos = this.pos;
    if (!pos) return 'ok';
    if (top.epoch !== pos.epoch) return 'other-epoch';
    this.top = Math.max(this.top, top.offset);
    return 'ok';
  }

  /** The answer to a `subscribe` this sequencer's owner sent (with `since` = {@link position}). */
  acknowledge(ack: SubscribeAck): SequencerStep {
    const delivered: Publication[] = [];
    let resync: Resync | undefined;
    const pos = this.pos;
    if (ack.recovered === false || (ack.recovered === undefined && pos && pos.epoch !== ack.epoch)) {
      resync = { ...(pos && { previous: pos }), current: { offset: ack.offset, epoch: ack.epoch } };
      // Live publications past the answer's top may already have been handed over: keep them.
      if (!pos || pos.epoch !== ack.epoch || pos.offset < ack.offset) this.reset(ack);
    } else if (!pos) {
      this.reset(ack);
    } else if (pos.epoch === ack.epoch) {
      // (An answer for an epoch the stream has already left is stale and changes nothing.)
      for (const publication of ack.publications ?? []) delivered.push(...this.push(publication));
      this.top = Math.max(this.top, ack.offset);
    }
    // The answer names the current epoch: anything held from another life is stale.
    const epoch = this.pos?.epoch;
    for (const [key, held] of this.held) if (held.epoch !== epoch) this.held.delete(key);
    delivered.push(...this.drain());
    return resync ? { delivered, resync } : { delivered };
  }

  private reset(ack: SubscribeAck): void {
    this.pos = { offset: ack.offset, epoch: ack.epoch };
    this.top = ack.offset;
  }

  /**
   * Hands over every held publication that now continues the stream. A new life is entered
   * only when the current one has no known gap, else that gap would be lost without a resync.
   */
  private drain(): Publication[] {
    const out: Publication[] = [];
    for (let pos = this.pos; pos; pos = this.pos) {
      let next: Publication | undefined;
      let newLife: Publication | undefined;
      for (const [key, held] of this.held) {
        if (held.epoch !== pos.epoch) {
          if (held.offset === 1) newLife = held;
        } else if (held.offset <= pos.offset) {
          this.held.delete(key);
        } else {
          this.top = Math.max(this.top, held.offset);
          if (held.offset === pos.offset + 1) next = held;
        }
      }
      const chosen = next ?? (this.top > pos.offset ? undefined : newLife);
      if (!chosen) break;
      this.held.delete(keyOf(chosen));
      if (chosen.epoch !== pos.epoch) this.top = chosen.offset;
      this.pos = { offset: chosen.offset, epoch: chosen.epoch };
      out.push(chosen);
    }
    return out;
  }
}
