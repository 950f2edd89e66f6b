/** A stored publication as delivered to clients (contract §4). */
export interface Publication<T = unknown> {
  readonly channel: string;
  readonly event: string;
  readonly offset: number;
  readonly epoch: string;
  readonly data: T;
  readonly ts: number;
}

/** A channel's current position: the offset of its newest publication (0 when none) and its epoch. */
export interface ChannelTop {
  readonly offset: number;
  readonly epoch: string;
}

export interface HistoryPage extends ChannelTop {
  readonly publications: readonly Publication[];
}

/** Where a client left a channel, sent back in `subscribe { since }`. */
export interface StreamPosition {
  readonly offset: number;
  readonly epoch: string;
}

export type Recovery =
  | (ChannelTop & { readonly recovered: true; readonly publications: readonly Publication[] })
  | (ChannelTop & { readonly recovered: false });
