import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';
import { LeanSocket } from './lean-client.js';

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

/** What the scenarios need of a client socket, whichever client implements it. */
export interface BenchSocket {
  on(event: string, handler: (payload: unknown) => void): void;
  emitWithAck(event: string, payload: unknown): Promise<unknown>;
  close(): void;
}

/**
 * WebSocket: the lean protocol client (cheap enough that the load generator keeps up);
 * long-polling: socket.io-client itself, with its HTTP transport.
 */
export function connect(url: string, token: string, transport: Transport): Promise<BenchSocket> {
  return transport === 'websocket' ? LeanSocket.connect(url, token) : connectPolling(url, token);
}

function connectPolling(url: string, token: string): Promise<BenchSocket> {
  const socket = io(url, {
    auth: { token },
    transports: ['polling'],
    upgrade: false,
    reconnection: false,
    forceNew: true,
    timeout: 60_000,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () =>
      resolve({
        on: (event, handler) => void socket.on(event, handler),
        emitWithAck: (event, payload) => socket.timeout(60_000).emitWithAck(event, payload),
        close: () => void socket.close(),
      }),
    );
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

export async function command<T>(socket: BenchSocket, name: string, payload: object): Promise<T> {
  const ack = (await socket.emitWithAck(name, payload)) as Ack<T>;
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

export function closeAll(sockets: readonly BenchSocket[]): void {
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
