import type { Publication, StreamPosition } from '@switchboard/protocol';

/** A channel's current position: the offset of its newest publication (0 when none) and its epoch. */
export type ChannelTop = StreamPosition;

export interface HistoryPage extends ChannelTop {
  readonly publications: readonly Publication[];
}

export type Recovery =
  | (ChannelTop & { readonly recovered: true; readonly publications: readonly Publication[] })
  | (ChannelTop & { readonly recovered: false });
