import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { barrier, serviceToken } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { type ClientSocket, collect, command, commandOk, waitForEvent } from '../support/socket.js';

interface ChatMessage {
  channel: string;
  event: string;
  offset: number;
  epoch: string;
  data: {
    id: string;
    room: string;
    text: string;
    from: { userId: string; name?: string };
    clientId?: string;
  };
  ts: number;
}
interface Sent {
  id: string;
  offset: number;
}

describe('chat (single instance)', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  const member = (sub: string, name = sub.toUpperCase()): Promise<ClientSocket> =>
    pool.connect(gateway.token({ sub, name, channels: ['chat:room-*'] }));

  it('publishes a trimmed chat.message with { id, room, text, from } and answers { id, offset }', async () => {
    const alice = await member('alice');
    const bob = await member('bob');
    const { epoch } = await commandOk<{ epoch: string }>(bob, 'subscribe', { channel: 'chat:room-1' });
    const arrived = waitForEvent<ChatMessage>(bob, 'chat.message');
    // The sender need not be subscribed: the permission to use a room is its grant.
    const sent = await commandOk<Sent>(alice, 'chat.send', { room: 'room-1', text: '  hello bob \n' });
    expect(sent).toEqual({ id: expect.any(String), offset: 1 });
    expect(await arrived).toEqual({
      channel: 'chat:room-1',
      event: 'chat.message',
      offset: 1,
      epoch,
      data: { id: sent.id, room: 'room-1', text: 'hello bob', from: { userId: 'alice', name: 'ALICE' } },
      ts: expect.any(Number),
    });
  });

  it('carries clientId in the message when given', async () => {
    const alice = await member('alice');
    await commandOk(alice, 'subscribe', { channel: 'chat:room-2' });
    const arrived = waitForEvent<ChatMessage>(alice, 'chat.message');
    const sent = await commandOk<Sent>(alice, 'chat.send', { room: 'room-2', text: 'hi', clientId: 'c-1' });
    expect((await arrived).data).toEqual({
      id: sent.id,
      room: 'room-2',
      text: 'hi',
      from: { userId: 'alice', name: 'ALICE' },
      clientId: 'c-1',
    });
  });

  it('accepts 1 and 4000 characters after trimming, and refuses 0 and 4001', async () => {
    const alice = await member('alice');
    await commandOk(alice, 'chat.send', { room: 'room-3', text: 'x' });
    await commandOk(alice, 'chat.send', { room: 'room-3', text: ` ${'y'.repeat(4000)} ` });
    for (const text of ['', '   \n\t', 'z'.repeat(4001)]) {
      const answer = await command(alice, 'chat.send', { room: 'room-3', text });
      expect(answer.ok).toBe(false);
      if (answer.ok) continue;
      expect(answer.error.code).toBe('BAD_REQUEST');
      expect(answer.error.details.map((detail) => detail.field)).toEqual(['text']);
    }
    const page = await request<{ offset: number }>(
      gateway.url,
      'GET',
      '/api/v1/channels/chat:room-3/history',
      {
        token: serviceToken(gateway),
      },
    );
    expect(page.body.offset).toBe(2);
  });

  it('refuses chat.send and chat.typing in a room the token does not grant', async () => {
    const alice = await member('alice');
    for (const [name, payload] of [
      ['chat.send', { room: 'secret', text: 'psst' }],
      ['chat.typing', { room: 'secret' }],
    ] as const) {
      expect(await command(alice, name, payload)).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: expect.any(String), details: [] },
      });
    }
  });

  it('answers a repeated clientId with the first { id, offset } and publishes nothing new', async () => {
    const alice = await member('alice');
    const bob = await member('bob');
    await commandOk(bob, 'subscribe', { channel: 'chat:room-4' });
    const seen = collect<ChatMessage>(bob, 'chat.message');
    const first = await commandOk<Sent>(alice, 'chat.send', {
      room: 'room-4',
      text: 'once',
      clientId: 'k-1',
    });
    const retry = await commandOk<Sent>(alice, 'chat.send', {
      room: 'room-4',
      text: 'once',
      clientId: 'k-1',
    });
    const changed = await commandOk<Sent>(alice, 'chat.send', {
      room: 'room-4',
      text: 'edited',
      clientId: 'k-1',
    });
    expect(retry).toEqual(first);
    expect(changed).toEqual(first);
    // The same clientId from another user is another message.
    const bobs = await commandOk<Sent>(bob, 'chat.send', { room: 'room-4', text: 'mine', clientId: 'k-1' });
    expect(bobs.offset).toBe(first.offset + 1);
    expect(bobs.id).not.toBe(first.id);
    await barrier(gateway, bob, 'chat:room-4');
    expect(seen.map((m) => [m.offset, m.data.text])).toEqual([
      [first.offset, 'once'],
      [bobs.offset, 'mine'],
    ]);
  });

  it('sends chat.typing to the other subscribers only, as a volatile event', async () => {
    const alice = await member('alice');
    const bob = await member('bob');
    const carol = await member('carol');
    for (const socket of [alice, bob, carol])
      await commandOk(socket, 'subscribe', { channel: 'chat:room-5' });
    const aliceTyping = collect(alice, 'chat.typing');
    const toBob = waitForEvent(bob, 'chat.typing');
    const toCarol = waitForEvent(carol, 'chat.typing');
    expect(await commandOk(alice, 'chat.typing', { room: 'room-5' })).toEqual({});
    const expected = {
      channel: 'chat:room-5',
      event: 'chat.typing',
      data: { userId: 'alice', name: 'ALICE' },
      ts: expect.any(Number),
    };
    expect(await toBob).toEqual(expected);
    expect(await toCarol).toEqual(expected);
    // The server would have written the event to alice before her ack, had she been a target.
    await barrier(gateway, alice, 'chat:room-5');
    expect(aliceTyping).toEqual([]);
    const page = await request<{ offset: number }>(
      gateway.url,
      'GET',
      '/api/v1/channels/chat:room-5/history',
      {
        token: serviceToken(gateway),
      },
    );
    expect(page.body.offset).toBe(1); // only the barrier: typing is never stored
  });
});
