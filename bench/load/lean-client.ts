import { WebSocket } from 'ws';

type Handler = (payload: unknown) => void;

/** Engine.IO `4` (message) + Socket.IO `2` (event) / `3` (ack), then the ack id and the JSON. */
const PACKET = /^4([23])(\d*)(\[.*)$/s;

/**
 * A Socket.IO client over WebSocket that does only what the bench needs (connect with
 * `auth`, events, acknowledged commands, pong), so that 1,500 of them in the load
 * generator cost little next to the server they measure: socket.io-client spends several
 * times more CPU per received event, which would put the load generator, not the server,
 * on the latency's critical path. It speaks the same wire protocol (EIO 4, Socket.IO 5).
 */
export class LeanSocket {
  private readonly handlers = new Map<string, Handler>();
  private readonly pending = new Map<number, (answer: unknown) => void>();
  private nextAck = 0;

  private constructor(private readonly ws: WebSocket) {}

  static connect(url: string, token: string): Promise<LeanSocket> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: false,
    });
    const socket = new LeanSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('error', reject);
      ws.once('close', () => reject(new Error('closed during the handshake')));
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        if (text === '2') ws.send('3');
        else if (text.startsWith('0')) ws.send(`40${JSON.stringify({ token })}`);
        else if (text.startsWith('40')) resolve(socket);
        else if (text.startsWith('44')) reject(new Error(`connect_error ${text.slice(2)}`));
        else socket.onPacket(text);
      });
    });
  }

  on(event: string, handler: Handler): void {
    this.handlers.set(event, handler);
  }

  emitWithAck(event: string, payload: unknown): Promise<unknown> {
    const id = this.nextAck++;
    this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    return new Promise((resolve) => this.pending.set(id, resolve));
  }

  close(): void {
    this.ws.close();
  }

  private onPacket(text: string): void {
    const match = PACKET.exec(text);
    if (!match) return;
    const args = JSON.parse(match[3]) as unknown[];
    if (match[1] === '3') {
      const id = Number(match[2]);
      this.pending.get(id)?.(args[0]);
      this.pending.delete(id);
    } else {
      this.handlers.get(String(args[0]))?.(args[1]);
    }
  }
}
