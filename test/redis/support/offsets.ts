import type { ClientSocket } from '../../support/socket.js';

/**
 * The offsets of the first `count` `event`s the socket receives, in arrival order. Resolves
 * as soon as `count` arrived; rejects after `timeoutMs` with what arrived so far, so a
 * missing publication fails with its evidence.
 */
export function receiveOffsets(
  socket: ClientSocket,
  event: string,
  count: number,
  timeoutMs: number,
): Promise<number[]> {
  const offsets: number[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`received ${offsets.length}/${count} "${event}": ${offsets.join(',')}`));
    }, timeoutMs);
    const listener = (payload: { offset: number }): void => {
      offsets.push(payload.offset);
      if (offsets.length < count) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(offsets);
    };
    socket.on(event, listener);
  });
}
