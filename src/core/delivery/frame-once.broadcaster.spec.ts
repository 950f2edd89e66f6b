import { EventEmitter } from 'node:events';
import type { Server } from 'socket.io';
import { Encoder } from 'socket.io-parser';
import { FrameOnceBroadcaster } from './frame-once.broadcaster.js';

interface Written {
  readonly socket: string;
  readonly path: 'direct' | 'engine';
  readonly bytes: Buffer;
  readonly text?: string;
  readonly options?: { wsPreEncodedFrame?: Buffer[] };
}

interface FakeConnection extends EventEmitter {
  readonly writeBuffer: unknown[];
}

/** A connected socket whose Engine.IO connection records what each path is handed. */
class FakeSocket {
  readonly conn: FakeConnection;

  constructor(
    readonly id: string,
    written: Written[],
    transport: 'websocket' | 'polling',
  ) {
    const sender = {
      sendFrame: (list: Buffer[]) => written.push({ socket: id, path: 'direct', bytes: list[0] }),
    };
    this.conn = Object.assign(new EventEmitter(), {
      readyState: 'open',
      upgrading: false,
      writeBuffer: [] as unknown[],
      transport: { name: transport, socket: { readyState: 1, bufferedAmount: 0, _sender: sender } },
      write: (text: string, options: Written['options']) =>
        written.push({ socket: id, path: 'engine', bytes: Buffer.from(`4${text}`), text, options }),
    });
  }
}

function fakeServer(sockets: FakeSocket[], room: string, emitted: unknown[][]): Server {
  return {
    encoder: new Encoder(),
    sockets: {
      adapter: { rooms: new Map([[room, new Set(sockets.map((s) => s.id).concat('in-handshake'))]]) },
      sockets: new Map(sockets.map((s) => [s.id, s])),
    },
    local: { to: () => ({ emit: (...args: unknown[]) => emitted.push(args) }) },
  } as unknown as Server;
}

describe('FrameOnceBroadcaster', () => {
  const publication = {
    channel: 'public:a',
    event: 'news',
    offset: 7,
    epoch: 'e',
    data: { s: 'é'.repeat(100) },
    ts: 1,
  };
  const expectedText = `2${JSON.stringify(['news', publication])}`;

  function broadcast(
    setUp: (sockets: FakeSocket[]) => void = () => undefined,
    payload: unknown = publication,
  ) {
    const written: Written[] = [];
    const emitted: unknown[][] = [];
    const sockets = [
      new FakeSocket('ws-1', written, 'websocket'),
      new FakeSocket('poll', written, 'polling'),
      new FakeSocket('ws-2', written, 'websocket'),
    ];
    setUp(sockets);
    const broadcaster = new FrameOnceBroadcaster();
    broadcaster.broadcast(fakeServer(sockets, 'room', emitted), 'room', 'news', payload);
    return { written, emitted, counts: broadcaster.counts };
  }

  it('hands every open WebSocket the same frame object, and the rest the same packet through Engine.IO', () => {
    const { written, counts } = broadcast();
    expect(written.map((w) => [w.socket, w.path])).toEqual([
      ['ws-1', 'direct'],
      ['poll', 'engine'],
      ['ws-2', 'direct'],
    ]);
    const [first, polling, second] = written;
    expect(second.bytes).toBe(first.bytes);
    expect(polling.text).toBe(expectedText);
    // A WebSocket on the normal path would send that same frame (Engine.IO's pre-encoded path).
    expect(polling.options?.wsPreEncodedFrame?.[0]).toBe(first.bytes);
    expect(counts).toEqual({ direct: 2, engine: 1 });
  });

  it('frames the Engine.IO message of the Socket.IO packet as an unmasked text frame', () => {
    const { written } = broadcast();
    const message = `4${expectedText}`;
    const frame = written[0].bytes;
    expect(frame[0]).toBe(0x81);
    expect(frame[1]).toBe(126);
    expect(frame.readUInt16BE(2)).toBe(Buffer.byteLength(message));
    expect(frame.subarray(4).toString()).toBe(message);
  });

  it('sends through Engine.IO, behind it, to a WebSocket with a packet already waiting', () => {
    const { written } = broadcast((sockets) => sockets[2].conn.writeBuffer.push({ type: 'message' }));
    expect(written.map((w) => [w.socket, w.path])).toEqual([
      ['ws-1', 'direct'],
      ['poll', 'engine'],
      ['ws-2', 'engine'],
    ]);
  });

  it("tells a socket's onAnyOutgoing listeners, as Socket.IO's broadcast does", () => {
    const told: unknown[] = [];
    broadcast((sockets) =>
      Object.assign(sockets[0], {
        notifyOutgoingListeners: (packet: { data: unknown }) => told.push(packet.data),
      }),
    );
    expect(told).toEqual([['news', publication]]);
  });

  it('leaves a payload with binary attachments to Socket.IO', () => {
    const binary = { ...publication, data: Buffer.from([1, 2, 3]) };
    const { written, emitted } = broadcast(undefined, binary);
    expect(written).toEqual([]);
    expect(emitted).toEqual([['news', binary]]);
  });
});
