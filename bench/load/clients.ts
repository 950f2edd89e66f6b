import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';

export const BENCH_SECRET = 'bench-secret-0123456789-abcdefghij';
export type Transport = 'websocket' | 'polling';

export interface Claims {
  readonly sub: string;
  readonly name?: string;
  readonly roles?: string[];
  readonly channels?: string[];
}

export const sign = (claims: Claims): string =>
  jwt.sign(claims, BENCH_SECRET, { algorithm: 'HS256', expiresIn: 3600 });

export const serviceToken = (): string => sign({ sub: 'bench-backend', roles: ['service'] });

export interface Ack<T> {
  readonly ok: boolean;
  readonly data: T;
}

export function connect(url: string, token: string, transport: Transport): Promise<Socket> {
  const socket = io(url, {
    auth: { token },
    transports: [transport],
    upgrade: false,
    reconnection: false,
    forceNew: true,
    timeout: 60_000,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

export async function command<T>(socket: Socket, name: string, payload: object): Promise<T> {
  const ack = (await socket.timeout(60_000).emitWithAck(name, payload)) as Ack<T>;
  if (!ack.ok) throw new Error(`${name} refused: ${JSON.stringify(ack)}`);
  return ack.data;
}

/** Runs `task(0..count-1)` with at most `concurrency` in flight; results in index order. */
export async function pool<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

export function closeAll(sockets: readonly Socket[]): void {
  for (const socket of sockets) socket.close();
}

export async function restPublish(
  url: string,
  path: string,
  body: object,
  token: string,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
