import WebSocket from 'ws';

/**
 * Engine.IO v4 / Socket.IO v5 spoken by hand, for clients no library would be: one that never
 * reads, one that never polls, one that sends garbage. Frames are the protocol's text frames
 * (`0` open, `2` ping, `3` pong, `4` message; Socket.IO inside `4`: `0` connect, `2` event…).
 */
export const ENGINE_PATH = '/socket.io/?EIO=4&transport=';

/** Engine.IO's open packet (`0{…}`), as the handshake sends it. */
export interface OpenPacket {
  sid: string;
  upgrades: string[];
  pingInterval: number;
  pingTimeout: number;
  maxPayload: number;
}

/** The frames of a polling payload (records separated by the record separator, 0x1e). */
export function pollingFrames(payload: string): string[] {
  return payload === '' ? [] : payload.split('\x1e');
}

/** A raw WebSocket transport, recording every text frame it receives. */
export class RawWebSocket {
  readonly frames: string[] = [];
  /** The binary frames' bytes, in order (each is also in {@link frames} as `<binary n>`). */
  readonly binaries: Buffer[] = [];
  readonly closed: Promise<number>;
  private readonly waiters: { match: (frame: string) => boolean; resolve: (frame: string) => void }[] = [];
  /** Frames no {@link next} has taken yet. */
  private readonly unclaimed: string[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const frame = isBinary ? `<binary ${data.length}>` : data.toString();
      this.frames.push(frame);
      if (isBinary) this.binaries.push(Buffer.from(data));
      const waiter = this.waiters.find((w) => w.match(frame));
      if (!waiter) return void this.unclaimed.push(frame);
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(frame);
    });
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
  }

  /**
   * Opens the WebSocket (no Engine.IO frame exchanged yet); with `sid`, as the upgrade of that
   * polling session.
   */
  static connect(baseUrl: string, headers: Record<string, string> = {}, sid?: string): Promise<RawWebSocket> {
    const query = sid === undefined ? '' : `&sid=${sid}`;
    const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}${ENGINE_PATH}websocket${query}`, { headers });
    const client = new RawWebSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** Engine.IO open, then the Socket.IO connect of the default namespace with `auth`. */
  static async handshake(baseUrl: string, auth: Record<string, unknown>): Promise<RawWebSocket> {
    const client = await RawWebSocket.connect(baseUrl);
    await client.next((frame) => frame.startsWith('0{'));
    client.send(`40${JSON.stringify(auth)}`);
    const answer = await client.next((frame) => frame.startsWith('40') || frame.startsWith('44'));
    if (!answer.startsWith('40{')) throw new Error(`Socket.IO connect refused: ${answer}`);
    return client;
  }

  get open(): OpenPacket {
    const frame = this.frames.find((f) => f.startsWith('0{'));
    if (!frame) throw new Error('no open packet yet');
    return JSON.parse(frame.slice(1)) as OpenPacket;
  }

  send(frame: string | Buffer): void {
    this.ws.send(frame);
  }

  /** The first frame received from now on (or already received and unclaimed) matching `match`. */
  next(match: (frame: string) => boolean, timeoutMs = 10_000): Promise<string> {
    const waiting = this.unclaimed.findIndex(match);
    if (waiting >= 0) return Promise.resolve(this.unclaimed.splice(waiting, 1)[0]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching frame within ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref();
      this.waiters.push({
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  /** Sends a Socket.IO event with ack id `id` and resolves with the ack's payload. */
  async command(id: number, event: string, payload: unknown): Promise<unknown> {
    const answer = this.next((frame) => frame.startsWith(`43${id}[`));
    this.send(`42${id}${JSON.stringify([event, payload])}`);
    return (JSON.parse((await answer).slice(2 + String(id).length)) as unknown[])[0];
  }

  /** Stops reading from the TCP socket: the kernel buffers fill and the server's queue grows. */
  stopReading(): void {
    (this.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  resumeReading(): void {
    (this.ws as unknown as { _socket: { resume(): void } })._socket.resume();
  }

  close(): void {
    this.ws.terminate();
  }
}

/** A raw polling session: the handshake GET, then POSTs and GETs with its `sid`. */
export class RawPolling {
  private constructor(
    private readonly baseUrl: string,
    readonly sid: string,
    /** The handshake's open packet. */
    readonly open: OpenPacket,
  ) {}

  static async open(baseUrl: string): Promise<RawPolling> {
    const response = await fetch(`${baseUrl}${ENGINE_PATH}polling`);
    const body = await response.text();
    if (response.status !== 200 || !body.startsWith('0{'))
      throw new Error(`polling handshake answered ${response.status}: ${body}`);
    const open = JSON.parse(body.slice(1)) as OpenPacket;
    return new RawPolling(baseUrl, open.sid, open);
  }

  /** POSTs frames; resolves with the status and body (`ok` when taken). */
  async post(...frames: string[]): Promise<{ status: number; body: string }> {
    const response = await fetch(`${this.baseUrl}${ENGINE_PATH}polling&sid=${this.sid}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: frames.join('\x1e'),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: await response.text() };
  }

  /** One poll; resolves with the status and the frames it carried. */
  async poll(timeoutMs = 10_000): Promise<{ status: number; frames: string[] }> {
    const response = await fetch(`${this.baseUrl}${ENGINE_PATH}polling&sid=${this.sid}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    return { status: response.status, frames: response.status === 200 ? pollingFrames(body) : [body] };
  }
}
