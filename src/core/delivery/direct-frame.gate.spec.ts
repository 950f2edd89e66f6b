import { EventEmitter } from 'node:events';
import type { EngineConnection } from './slow-consumer.limiter.js';
import { directFrameSender } from './direct-frame.gate.js';

/** An Engine.IO connection as the gate reads it: open, on a quiet WebSocket. */
function connection(change: (c: FakeConnection) => void = () => undefined): EngineConnection {
  const c = new FakeConnection();
  c.on('packetCreate', () => undefined); // the slow-consumer limiter's listener
  change(c);
  return c as unknown as EngineConnection;
}

class FakeConnection extends EventEmitter {
  readyState = 'open';
  upgrading = false;
  writeBuffer: unknown[] = [];
  transport = {
    name: 'websocket',
    perMessageDeflate: false as unknown,
    socket: { readyState: 1, bufferedAmount: 0, _sender: { sendFrame: (): void => undefined } },
  };
}

describe('directFrameSender', () => {
  it("returns the WebSocket's sender for an open, quiet, uncompressed WebSocket", () => {
    const quiet = connection();
    const { socket } = (quiet as unknown as FakeConnection).transport;
    expect(directFrameSender(quiet)).toBe(socket._sender);
  });

  it.each<[string, (c: FakeConnection) => void]>([
    ['closing', (c) => (c.readyState = 'closing')],
    ['closed', (c) => (c.readyState = 'closed')],
    ['upgrading from polling', (c) => (c.upgrading = true)],
    ['a packet waiting in Engine.IO', (c) => c.writeBuffer.push({ type: 'message', data: '42[]' })],
    ['on long-polling', (c) => (c.transport.name = 'polling')],
    ['on WebTransport', (c) => (c.transport.name = 'webtransport')],
    ['with per-message deflate', (c) => (c.transport.perMessageDeflate = { threshold: 1024 })],
    ['whose WebSocket is closing', (c) => (c.transport.socket.readyState = 2)],
    ['with bytes the kernel has not taken', (c) => (c.transport.socket.bufferedAmount = 1)],
    ['with another packet listener (admin UI)', (c) => c.on('packetCreate', () => undefined)],
    ['whose ws has no frame sender', (c) => (c.transport.socket._sender = undefined as never)],
  ])('takes the normal path for a connection %s', (_, change) => {
    expect(directFrameSender(connection(change))).toBeUndefined();
  });
});
