import { EventEmitter } from 'node:events';
import type { GatewaySocket } from './gateway-socket.js';
import { loseTransport } from './transport-loss.js';

/** A connection that records what reached its transport and how it was closed. */
class FakeConnection extends EventEmitter {
  readonly sent: unknown[] = [];
  readonly closes: (boolean | undefined)[] = [];
  writeBuffer: unknown[] = [];
  readonly transport;

  constructor(name: 'polling' | 'websocket', writable: boolean) {
    super();
    const sent = this.sent;
    this.transport = {
      name,
      writable,
      send(packets: unknown[]): void {
        sent.push(...packets);
        this.writable = false;
      },
    };
  }

  close(discard?: boolean): void {
    this.closes.push(discard);
  }
}

const lose = (connection: FakeConnection): void =>
  loseTransport(connection as unknown as GatewaySocket['conn']);

describe('loseTransport', () => {
  it('WebSocket: closes the transport', () => {
    const connection = new FakeConnection('websocket', true);
    lose(connection);
    expect(connection.closes).toEqual([undefined]);
    expect(connection.sent).toEqual([]);
  });

  it('polling with a poll waiting: answers it with a no-op, then drops the session without a close packet', () => {
    const connection = new FakeConnection('polling', true);
    lose(connection);
    expect(connection.sent).toEqual([{ type: 'noop' }]);
    expect(connection.closes).toEqual([true]);
  });

  it('polling with packets queued: waits until they left with the next poll, then drops the session', () => {
    const connection = new FakeConnection('polling', false);
    connection.writeBuffer = [{ type: 'message', data: 'session.terminated' }];
    lose(connection);
    expect(connection.closes).toEqual([]);
    // The client's next poll takes the queue: Engine.IO flushes it and emits 'drain'.
    connection.writeBuffer = [];
    connection.emit('drain');
    expect(connection.sent).toEqual([]);
    expect(connection.closes).toEqual([true]);
  });
});
