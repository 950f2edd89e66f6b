/**
 * The Socket.IO room of a channel. Channel names always contain a `:`, which Socket.IO's own
 * per-socket rooms (socket ids) never do, so the validated name is used as is.
 */
export function channelRoom(channel: string): string {
  return channel;
}
