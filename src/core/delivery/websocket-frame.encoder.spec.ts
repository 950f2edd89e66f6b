import type { EventEmitter } from 'node:events';
import * as ws from 'ws';
import { encodeWebSocketTextFrame } from './websocket-frame.encoder.js';

/** The `ws` library's frame writer and reader (exported, but not in its published types). */
const { Sender, Receiver } = ws as unknown as {
  Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] };
  Receiver: new (options: { isServer: boolean }) => EventEmitter & { write(chunk: Buffer): void };
};

/** The frame the `ws` library itself would write for `text` (a server's: unmasked). */
function framedByWs(text: string): Buffer {
  const options = { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true };
  return Buffer.concat(Sender.frame(Buffer.from(text), options));
}

/** Comparable in O(n) with a readable difference (Jest's deep equality of big buffers is slow). */
const shape = (frame: Buffer) => ({ header: frame.subarray(0, 10).toString('hex'), length: frame.length });

describe('encodeWebSocketTextFrame', () => {
  // Each length-field size at its edges (7-bit up to 125, 16-bit up to 65535, then 64-bit).
  const lengths = [0, 1, 125, 126, 127, 65_535, 65_536, 200_000];

  it.each(lengths)('writes a %i-byte text frame exactly as ws would', (length) => {
    const text = 'a'.repeat(length);
    const [mine, theirs] = [encodeWebSocketTextFrame(text), framedByWs(text)];
    expect({ ...shape(mine), same: mine.equals(theirs) }).toEqual({ ...shape(theirs), same: true });
  });

  it('counts the payload in UTF-8 bytes, not characters', () => {
    const text = `42["news",${JSON.stringify({ s: 'é"😀'.repeat(40) })}]`;
    const frame = encodeWebSocketTextFrame(text);
    expect(frame).toEqual(framedByWs(text));
    expect(frame.length - 4).toBe(Buffer.byteLength(text));
  });

  it('is read back by a WebSocket receiver as the same text message', async () => {
    const text = `42["news",{"n":"${'x'.repeat(300)}"}]`;
    const receiver = new Receiver({ isServer: false });
    const received = new Promise<[Buffer, boolean]>((resolve) =>
      receiver.on('message', (data: Buffer, isBinary: boolean) => resolve([data, isBinary])),
    );
    receiver.write(encodeWebSocketTextFrame(text));
    const [data, isBinary] = await received;
    expect({ text: data.toString(), isBinary }).toEqual({ text, isBinary: false });
  });
});
