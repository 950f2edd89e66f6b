import type { RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { type ClientSocket, commandOk, connect } from '../support/socket.js';
import { GatewayPair } from './support/gateway-pair.js';
import { receiveOffsets } from './support/offsets.js';

const PUBLICATIONS = 150;

describe('redis: offsets and order with concurrent publishers on two instances', () => {
  const pair = new GatewayPair('ordering');
  let a: RunningGateway;
  let b: RunningGateway;

  beforeAll(async () => {
    [a, b] = await pair.start();
  });
  afterAll(() => pair.stop());

  it(`delivers ${PUBLICATIONS} concurrent publications to subscribers on both instances as 1..N, in order, once each`, async () => {
    const channel = 'public:ordered';
    const token = (sub: string): string => a.token({ sub });
    const subscribers = [
      await connect(a.url, token('sub-a')),
      await connect(b.url, token('sub-b')),
      await connect(b.url, token('poll-b'), { transports: ['polling'] }),
    ];
    pair.track(...subscribers);
    const epochs = new Set<string>();
    for (const socket of subscribers)
      epochs.add((await commandOk<{ epoch: string }>(socket, 'subscribe', { channel })).epoch);
    expect(epochs.size).toBe(1);
    // One more than published: the last one is a sentinel sent after all the others were
    // answered, so anything extra (a duplicate) would arrive before it and break the sequence.
    const received = subscribers.map((socket) => receiveOffsets(socket, 'tick', PUBLICATIONS + 1, 60_000));

    const service = a.token({ sub: 'backend', roles: ['service'] });
    // All requests in flight at once, alternating between the instances.
    const answers = await Promise.all(
      Array.from({ length: PUBLICATIONS }, (_, i) =>
        request<{ offset: number }>(i % 2 === 0 ? a.url : b.url, 'POST', '/api/v1/publish', {
          token: service,
          body: { channel, event: 'tick', data: { i } },
        }),
      ),
    );
    expect(answers.every((answer) => answer.status === 201)).toBe(true);
    const expected = Array.from({ length: PUBLICATIONS }, (_, i) => i + 1);
    expect(answers.map((answer) => answer.body.offset).sort((x, y) => x - y)).toEqual(expected);
    const sentinel = await request<{ offset: number }>(b.url, 'POST', '/api/v1/publish', {
      token: service,
      body: { channel, event: 'tick', data: { sentinel: true } },
    });
    expect(sentinel.body.offset).toBe(PUBLICATIONS + 1);
    for (const offsets of await Promise.all(received))
      expect(offsets).toEqual([...expected, PUBLICATIONS + 1]);
  });

  it('keeps chat.send from sockets on both instances contiguous and ordered for every room member', async () => {
    const room = 'ordered-chat';
    const member = (gateway: RunningGateway, sub: string): Promise<ClientSocket> =>
      connect(gateway.url, gateway.token({ sub, channels: ['chat:*'] }), {}).then((socket) => {
        pair.track(socket);
        return socket;
      });
    const senders = [await member(a, 'send-a'), await member(b, 'send-b')];
    const readers = [await member(a, 'read-a'), await member(b, 'read-b')];
    for (const socket of [...senders, ...readers])
      await commandOk(socket, 'subscribe', { channel: `chat:${room}` });
    const perSender = 15; // within the default rate-limit burst of one connection
    const total = 2 * perSender + 1; // the last one a sentinel, as above
    const received = readers.map((socket) => receiveOffsets(socket, 'chat.message', total, 60_000));
    await Promise.all(
      senders.flatMap((socket) =>
        Array.from({ length: perSender }, (_, i) => commandOk(socket, 'chat.send', { room, text: `m${i}` })),
      ),
    );
    await commandOk(senders[1], 'chat.send', { room, text: 'sentinel' });
    const expected = Array.from({ length: total }, (_, i) => i + 1);
    for (const offsets of await Promise.all(received)) expect(offsets).toEqual(expected);
  });
});
