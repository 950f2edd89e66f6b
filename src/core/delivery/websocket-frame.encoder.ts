/** FIN set, no RSV bits (no compression), opcode 1: one unfragmented text frame. */
const FINAL_TEXT_FRAME = 0x81;

/**
 * One WebSocket text frame (RFC 6455 §5.2) as a server sends it, unmasked, carrying `text`:
 * header and payload in one buffer, so that handing it to a socket is one write. Built once
 * per publication and shared by every WebSocket it goes to, it is never modified afterwards.
 */
export function encodeWebSocketTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FINAL_TEXT_FRAME;
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    // A 64-bit length; Buffer lengths fit in its low 48 bits.
    frame[1] = 127;
    frame.writeUInt16BE(0, 2);
    frame.writeUIntBE(length, 4, 6);
  }
  frame.write(text, header, 'utf8');
  return frame;
}
