import { EventEmitter } from 'node:events';
import { jest } from '@jest/globals';
import type { GatewaySocket } from './gateway-socket.js';
import { CLIENT_CLOSE_GRACE_MS, serverDisconnect } from './server-disconnect.js';

/** A socket on `transport` that records how it was disconnected and whether its connection closed. */
function fakeSocket(transport: 'polling' | 'websocket') {
  class FakeConnection extends EventEmitter {
    readonly transport = { name: transport };
    closed = 0;
    close(): void {
      this.closed++;
      this.emit('close');
    }
  }
  const connection = new FakeConnection();
  const calls: (boolean | undefined)[] = [];
  const socket = { conn: connection, disconnect: (close?: boolean) => calls.push(close) };
  return { socket: socket as unknown as GatewaySocket, connection, calls };
}

describe('serverDisconnect', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('WebSocket: the namespace and the connection at once, as Socket.IO does', () => {
    const { socket, calls } = fakeSocket('websocket');
    serverDisconnect(socket);
    expect(calls).toEqual([true]);
  });

  it('polling: the namespace only; the client closes its own transport, and nothing else happens', () => {
    const { socket, connection, calls } = fakeSocket('polling');
    serverDisconnect(socket);
    expect(calls).toEqual([undefined]);
    connection.close(); // the client's close packet
    jest.advanceTimersByTime(CLIENT_CLOSE_GRACE_MS);
    expect(connection.closed).toBe(1);
  });

  it('polling: a client that does not close its transport has it closed after the grace period', () => {
    const { socket, connection } = fakeSocket('polling');
    serverDisconnect(socket);
    jest.advanceTimersByTime(CLIENT_CLOSE_GRACE_MS - 1);
    expect(connection.closed).toBe(0);
    jest.advanceTimersByTime(1);
    expect(connection.closed).toBe(1);
  });
});
