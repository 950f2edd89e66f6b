/**
 * What one stored publication is counted as, besides its JSON text: the objects that hold it
 * (its entry here, the text's header, its slots in its channel's history and in the FIFO).
 */
export const PUBLICATION_OVERHEAD_BYTES = 160;

/** Where a stored publication lives: its channel's history, oldest first. */
export interface HistoryHolder {
  history: StoredEntry[];
}

/**
 * One stored publication, in its channel's history and in the budget's FIFO at once. It is
 * kept as the JSON text delivery sent, not as objects: what it costs is then what is counted
 * (a parsed `[{}, {}, …]` would take ten times its text), and it is parsed again only when read.
 */
export interface StoredEntry {
  readonly offset: number;
  readonly json: string;
  readonly bytes: number;
  readonly holder: HistoryHolder;
  /** Left its history (trimmed, expired, its stream forgotten): its FIFO slot is skipped. */
  removed: boolean;
}

/**
 * The bytes the embedded log holds in stored publications (`HISTORY_MAX_BYTES`, with the
 * idempotency records the log counts beside them), and the order in which they go when the
 * total is over: the oldest publication of all channels first, by publication time.
 *
 * One FIFO of every stored entry, in append order. Each channel's history is in append order
 * too and only ever loses its oldest entries, so the oldest live entry of the FIFO is always
 * the first of its channel's history: dropping it is a `shift()`, never a search. Entries that
 * left their history otherwise (`HISTORY_SIZE`, the history TTL) are marked and skipped; the
 * FIFO is compacted once those outnumber the live ones, so it costs O(1) per publication,
 * amortised, and never holds more than twice the live entries (plus a constant).
 */
export class HistoryBudget {
  private queue: (StoredEntry | undefined)[] = [];
  private head = 0;
  private live = 0;
  /** UTF-8 length of the JSON plus {@link PUBLICATION_OVERHEAD_BYTES}, of every stored publication. */
  bytes = 0;

  /** A publication just stored at the end of its channel's history. */
  add(entry: StoredEntry): void {
    this.queue.push(entry);
    this.live++;
    this.bytes += entry.bytes;
    this.compact();
  }

  /** The entry left its history (its holder already dropped it). Idempotent. */
  forget(entry: StoredEntry): void {
    if (entry.removed) return;
    entry.removed = true;
    this.live--;
    this.bytes -= entry.bytes;
    this.compact();
  }

  /** Drops the oldest stored publication of all channels from its history; false when none is left. */
  dropOldest(): boolean {
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head];
      this.queue[this.head++] = undefined;
      if (!entry || entry.removed) continue;
      const first = entry.holder.history.shift();
      if (first !== entry) throw new Error('history budget: the oldest entry is not first in its history');
      this.forget(entry);
      return true;
    }
    return false;
  }

  /** Slots in the FIFO (live or not), for tests of its bound. */
  get slots(): number {
    return this.queue.length;
  }

  /** Rebuilt without the skipped slots once they outnumber the live entries (plus a constant). */
  private compact(): void {
    if (this.queue.length <= 2 * this.live + 1024) return;
    this.queue = this.queue.slice(this.head).filter((entry) => entry !== undefined && !entry.removed);
    this.head = 0;
  }
}
