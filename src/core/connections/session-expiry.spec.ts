import { jest } from '@jest/globals';
import type { GatewaySocket } from './gateway-socket.js';
import { ServerEmitter } from '../delivery/server-emitter.js';
import { SocketServerRef } from '../delivery/socket-server.ref.js';
import { MAX_TIMER_DELAY_MS, SessionExpiry } from './session-expiry.js';

function fakeSocket(exp?: number) {
  const emitted: unknown[] = [];
  let disconnected = false;
  const socket = {
    id: 's1',
    data: { principal: { sub: 'u', roles: [], channels: [], exp }, subscriptions: new Set<string>() },
    emit: (event: string, payload: unknown) => emitted.push([event, payload]),
    conn: { transport: { name: 'websocket' } },
    disconnect: () => {
      disconnected = true;
    },
  } as unknown as GatewaySocket;
  return { socket, emitted, isDisconnected: () => disconnected };
}

describe('SessionExpiry', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('emits session.expired and disconnects when exp passes', () => {
    const expiry = new SessionExpiry(new ServerEmitter(new SocketServerRef()));
    expiry.now = () => Date.now();
    const { socket, emitted, isDisconnected } = fakeSocket(10);
    expiry.schedule(socket);
    jest.advanceTimersByTime(9_999);
    expect(isDisconnected()).toBe(false);
    jest.advanceTimersByTime(1);
    expect(emitted).toEqual([
      ['session.expired', { event: 'session.expired', data: { exp: 10 }, ts: 10_000 }],
    ]);
    expect(isDisconnected()).toBe(true);
  });

  it('does not fire early for an exp beyond the 2^31-1 ms timer limit', () => {
    const expiry = new SessionExpiry(new ServerEmitter(new SocketServerRef()));
    expiry.now = () => Date.now();
    const exp = 25 * 24 * 3600;
    const { socket, isDisconnected } = fakeSocket(exp);
    expiry.schedule(socket);
    jest.advanceTimersByTime(MAX_TIMER_DELAY_MS);
    expect(isDisconnected()).toBe(false);
    jest.advanceTimersByTime(exp * 1000 - MAX_TIMER_DELAY_MS);
    expect(isDisconnected()).toBe(true);
  });

  it('stops watching a cancelled connection and ignores tokens without exp', () => {
    const expiry = new SessionExpiry(new ServerEmitter(new SocketServerRef()));
    expiry.now = () => Date.now();
    const expiring = fakeSocket(5);
    const eternal = fakeSocket(undefined);
    expiry.schedule(expiring.socket);
    expiry.schedule(eternal.socket);
    expiry.cancel(expiring.socket);
    jest.advanceTimersByTime(60_000);
    expect(expiring.isDisconnected()).toBe(false);
    expect(eternal.isDisconnected()).toBe(false);
  });

  it('expires every connection filed under one second with one timer, and a refreshed one later', () => {
    const expiry = new SessionExpiry(new ServerEmitter(new SocketServerRef()));
    expiry.now = () => Date.now();
    const first = fakeSocket(10);
    const second = fakeSocket(10);
    const refreshed = fakeSocket(10);
    for (const { socket } of [first, second, refreshed]) expiry.schedule(socket);
    expect(jest.getTimerCount()).toBe(1);
    refreshed.socket.data.principal = { ...refreshed.socket.data.principal, exp: 20 };
    expiry.schedule(refreshed.socket);
    expect(jest.getTimerCount()).toBe(2);
    jest.advanceTimersByTime(10_000);
    expect([first.isDisconnected(), second.isDisconnected(), refreshed.isDisconnected()]).toEqual([
      true,
      true,
      false,
    ]);
    expiry.cancel(refreshed.socket);
    expect(jest.getTimerCount()).toBe(0);
  });
});
