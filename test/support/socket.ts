import { io, type Socket, type ManagerOptions, type SocketOptions } from 'socket.io-client';

export type ClientSocket = Socket;

export interface AckError {
  code: string;
  message: string;
  details: { field: string; messages: string[] }[];
}
export type AckResponse<T = Record<string, unknown>> = { ok: true; data: T } | { ok: false; error: AckError };

/**
 * How long a helper waits for something that must happen (an event, an ack): it only bounds a
 * failure, so it leaves room for a busy machine; a test that asserts something does not happen
 * passes its own bound.
 */
const DEFAULT_TIMEOUT_MS = 10_000;

/** Connects a stock socket.io-client; resolves once connected, rejects with the `connect_error`. */
export function connect(
  url: string,
  token: string | undefined,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<ClientSocket> {
  const socket = io(url, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...options,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Resolves with the next `event` payload matching `filter`; rejects after `timeoutMs`. */
export function waitForEvent<T = Record<string, unknown>>(
  socket: ClientSocket,
  event: string,
  {
    timeoutMs = DEFAULT_TIMEOUT_MS,
    filter = () => true,
  }: { timeoutMs?: number; filter?: (payload: T) => boolean } = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`));
    }, timeoutMs);
    const listener = (payload: T): void => {
      if (!filter(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** Collects every payload of `event` from now on. */
export function collect<T = Record<string, unknown>>(socket: ClientSocket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

/** Sends a command and resolves with its ack; rejects when the server does not answer. */
export function command<T = Record<string, unknown>>(
  socket: ClientSocket,
  event: string,
  payload?: unknown,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<AckResponse<T>> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<AckResponse<T>>;
}

/** Like {@link command}, but fails the test unless the ack is `ok`; returns `data`. */
export async function commandOk<T = Record<string, unknown>>(
  socket: ClientSocket,
  event: string,
  payload?: unknown,
): Promise<T> {
  const response = await command<T>(socket, event, payload);
  if (!response.ok) throw new Error(`${event} failed: ${JSON.stringify(response.error)}`);
  return response.data;
}

/** Resolves when the socket disconnects, with the reason. */
export function disconnected(socket: ClientSocket, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
  if (!socket.connected) return Promise.resolve('already disconnected');
  return waitForEvent<string>(socket, 'disconnect', { timeoutMs });
}

/** A `connect_error` as the server's handshake middleware sends it. */
export interface ConnectError extends Error {
  data?: { code: string; reason: string };
}

/** Connects a client that must be refused; resolves with its `connect_error`. */
export async function connectRefused(
  url: string,
  token: string | undefined,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<ConnectError> {
  const outcome = await connect(url, token, options).then(
    (socket) => {
      socket.close();
      return undefined;
    },
    (error: ConnectError) => error,
  );
  if (!outcome) throw new Error('the handshake was accepted');
  return outcome;
}
