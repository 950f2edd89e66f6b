import type { Deployment } from '../deployment.js';
import { closeAll, command, connect, pool, sign, sleep } from '../load/clients.js';
import type { BenchSocket } from '../load/clients.js';
import { latencies, round } from '../stats.js';

export interface ChatLoad {
  readonly clients: number;
  readonly rooms: number;
  /** Each round, one member of every room sends one message. */
  readonly rounds: number;
  readonly roundIntervalMs: number;
}

export type ChatResult = {
  readonly sends: number;
  readonly expected: number;
  readonly delivered: number;
  /** `chat.send` emitted → its acknowledgement, at the sender. */
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
  /** `chat.send` emitted → `chat.message` received, at every member of the room. */
  readonly deliveryP50Ms: number;
  readonly deliveryP99Ms: number;
  readonly cpuUsPerSend: number;
};

interface ChatMessage {
  readonly data: { readonly text: string };
}

const DRAIN_MS = 15_000;

/** `clients` members spread over `rooms` chat rooms; rounds of one `chat.send` per room. */
export async function runChat(deployment: Deployment, load: ChatLoad): Promise<ChatResult> {
  const urls = deployment.urls;
  const deliveries: number[] = [];
  let expected = 0;
  let settle: (() => void) | undefined;
  const room = (i: number): string => `bench-${i % load.rooms}`;
  const sockets: BenchSocket[] = [];
  try {
    const joined = await pool(load.clients, 25, async (i) => {
      const token = sign({ sub: `chat-${i}`, name: `Member ${i}`, channels: ['chat:*'] });
      const socket = await connect(urls[i % urls.length], token, 'websocket');
      socket.on('chat.message', (payload) => {
        const { data } = payload as ChatMessage;
        deliveries.push(performance.now() - Number(data.text));
        if (deliveries.length >= expected) settle?.();
      });
      await command(socket, 'subscribe', { channel: `chat:${room(i)}` });
      return socket;
    });
    sockets.push(...joined);
    const perRoom = load.clients / load.rooms;
    // Socket i is a member of room(i); the send time travels as the message text.
    const send = async (i: number, acks: number[]): Promise<void> => {
      const sentAt = performance.now();
      await command(sockets[i], 'chat.send', { room: room(i), text: String(sentAt) });
      acks.push(performance.now() - sentAt);
    };
    // One warm-up round, outside the measurement.
    expected = perRoom * load.rooms;
    await Promise.all(Array.from({ length: load.rooms }, (_, r) => send(r, [])));
    await waitFor(
      () => deliveries.length >= expected,
      (resolve) => (settle = resolve),
    );
    deliveries.length = 0;

    const acks: number[] = [];
    const sends = load.rounds * load.rooms;
    expected = sends * perRoom;
    const cpuBefore = deployment.cpuSeconds();
    await deployment.profiled(async () => {
      const calls: Promise<void>[] = [];
      for (let turn = 0; turn < load.rounds; turn++) {
        // Member `turn` of each room: the members of room r are r, r + rooms, r + 2·rooms, …
        const member = (turn % perRoom) * load.rooms;
        for (let r = 0; r < load.rooms; r++) calls.push(send(member + r, acks));
        await sleep(load.roundIntervalMs);
      }
      await Promise.all(calls);
      await waitFor(
        () => deliveries.length >= expected,
        (resolve) => (settle = resolve),
      );
    });
    const cpuSeconds = deployment.cpuSeconds() - cpuBefore;
    const ack = latencies(acks);
    const delivery = latencies(deliveries);
    return {
      sends,
      expected,
      delivered: deliveries.length,
      ackP50Ms: ack.p50Ms,
      ackP99Ms: ack.p99Ms,
      deliveryP50Ms: delivery.p50Ms,
      deliveryP99Ms: delivery.p99Ms,
      cpuUsPerSend: round((cpuSeconds * 1e6) / sends, 1),
    };
  } finally {
    closeAll(sockets);
  }
}

function waitFor(done: () => boolean, register: (resolve: () => void) => void): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, DRAIN_MS);
    register(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
