/** A stored publication as delivered to clients: the payload of every non-volatile event. */
export interface Publication<T = unknown> {
  readonly channel: string;
  readonly event: string;
  /** Per channel, from 1, +1 per publication within one epoch. */
  readonly offset: number;
  /** One life of the channel's stream. */
  readonly epoch: string;
  readonly data: T;
  /** Milliseconds since the Unix epoch, when the gateway accepted it. */
  readonly ts: number;
}

/** A place in a channel's stream: where a client left it, or the channel's top. */
export interface StreamPosition {
  readonly offset: number;
  readonly epoch: string;
}

/** A user as presence lists and announces them. */
export interface PresenceUser {
  readonly userId: string;
  readonly name?: string;
}
