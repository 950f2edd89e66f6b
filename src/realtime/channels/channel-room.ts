/**
 * The Socket.IO room of a channel. Channel names always contain a `:`, which Socket.IO's own
 * per-socket rooms (socket ids) never do, so the validated name is used as is.
 */
export function channelRoom(channel: string): string {
  return channel;
}

/**
 * The room of every connection of one user on this instance, joined at the handshake and
 * never left before the disconnect (unlike the personal channel, which may be unsubscribed),
 * so the control API finds a user's connections without scanning them all. A `#` appears in
 * neither channel names nor socket ids.
 */
export function sessionRoom(userId: string): string {
  return `session#${userId}`;
}
