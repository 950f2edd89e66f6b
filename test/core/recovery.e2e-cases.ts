import { startGateway, type RunningGateway } from '../support/gateway.js';
import { publish } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { collect, commandOk } from '../support/socket.js';
import { eventually } from '../support/wait.js';

interface Publication {
  channel: string;
  event: string;
  offset: number;
  epoch: string;
  data: unknown;
  ts: number;
}
interface Subscribed {
  channel: string;
  offset: number;
  epoch: string;
  recovered?: boolean;
  publications?: Publication[];
}

async function publishMany(
  gateway: RunningGateway,
  channel: string,
  from: number,
  to: number,
): Promise<void> {
  for (let n = from; n <= to; n++) await publish(gateway, channel, 'rec.event', { n });
}

describe('recovery (single instance)', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway({ HISTORY_SIZE: '5' });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  const token = (): string => gateway.token({ sub: 'rex' });

  it('recovers exactly the missed publications, in order, after a reconnect', async () => {
    const first = await pool.connect(token());
    const { epoch } = await commandOk<Subscribed>(first, 'subscribe', { channel: 'public:rec-a' });
    const seen = collect<Publication>(first, 'rec.event');
    await publishMany(gateway, 'public:rec-a', 1, 3);
    await eventually(() => seen.length === 3, { what: 'three live publications' });
    first.close();

    await publishMany(gateway, 'public:rec-a', 4, 7);
    const second = await pool.connect(token());
    const last = seen[seen.length - 1];
    const answer = await commandOk<Subscribed>(second, 'subscribe', {
      channel: 'public:rec-a',
      since: { offset: last.offset, epoch: last.epoch },
    });
    expect(answer).toEqual({
      channel: 'public:rec-a',
      offset: 7,
      epoch,
      recovered: true,
      publications: [4, 5, 6, 7].map((n) => ({
        channel: 'public:rec-a',
        event: 'rec.event',
        offset: n,
        epoch,
        data: { n },
        ts: expect.any(Number),
      })),
    });
  });

  it('recovers nothing to miss at the top', async () => {
    await publishMany(gateway, 'public:rec-top', 1, 2);
    const socket = await pool.connect(token());
    const top = await commandOk<Subscribed>(socket, 'subscribe', { channel: 'public:rec-top' });
    await commandOk(socket, 'unsubscribe', { channel: 'public:rec-top' });
    const answer = await commandOk<Subscribed>(socket, 'subscribe', {
      channel: 'public:rec-top',
      since: { offset: top.offset, epoch: top.epoch },
    });
    expect(answer).toEqual({ ...top, recovered: true, publications: [] });
  });

  it('recovers from the oldest offset still in history, and not from before it', async () => {
    await publishMany(gateway, 'public:rec-old', 1, 8);
    const socket = await pool.connect(token());
    const { epoch } = await commandOk<Subscribed>(socket, 'subscribe', { channel: 'public:rec-old' });
    await commandOk(socket, 'unsubscribe', { channel: 'public:rec-old' });
    const edge = await commandOk<Subscribed>(socket, 'subscribe', {
      channel: 'public:rec-old',
      since: { offset: 3, epoch },
    });
    expect(edge.recovered).toBe(true);
    expect(edge.publications?.map((p) => p.offset)).toEqual([4, 5, 6, 7, 8]);

    await commandOk(socket, 'unsubscribe', { channel: 'public:rec-old' });
    const tooOld = await commandOk<Subscribed>(socket, 'subscribe', {
      channel: 'public:rec-old',
      since: { offset: 2, epoch },
    });
    expect(tooOld).toMatchObject({ channel: 'public:rec-old', offset: 8, epoch, recovered: false });
    expect(tooOld.publications ?? []).toEqual([]);
  });

  it.each([
    ['a wrong epoch', (epoch: string) => ({ offset: 1, epoch: `${epoch}x` })],
    ['an offset beyond the top', (epoch: string) => ({ offset: 99, epoch })],
  ])('answers recovered:false for %s', async (_name, since) => {
    const channel = `public:rec-${Math.random().toString(36).slice(2, 8)}`;
    await publishMany(gateway, channel, 1, 2);
    const socket = await pool.connect(token());
    const top = await commandOk<Subscribed>(socket, 'subscribe', { channel });
    await commandOk(socket, 'unsubscribe', { channel });
    const answer = await commandOk<Subscribed>(socket, 'subscribe', { channel, since: since(top.epoch) });
    expect(answer).toMatchObject({ channel, offset: 2, epoch: top.epoch, recovered: false });
    expect(answer.publications ?? []).toEqual([]);
  });
});

/**
 * Publishes 100 publications after offset 5 while a client re-subscribes `since` offset 5,
 * the subscribe leaving after `head` publish calls were answered.
 */
async function raceRecovery(
  gateway: RunningGateway,
  pool: SocketPool,
  head: number,
): Promise<{ answer: Subscribed; live: Publication[] }> {
  const channel = `public:race-${head}-${Math.random().toString(36).slice(2, 8)}`;
  await publishMany(gateway, channel, 1, 5);
  const socket = await pool.connect(gateway.token({ sub: 'rex' }));
  const { epoch } = await commandOk<Subscribed>(socket, 'subscribe', { channel });
  await commandOk(socket, 'unsubscribe', { channel });
  const live = collect<Publication>(socket, 'rec.event');
  let acked = 0;
  let markHead!: () => void;
  const headReached = new Promise<void>((resolve) => (markHead = resolve));
  if (head === 0) markHead();
  const publishing = Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      publish(gateway, channel, 'rec.event', { n: 6 + i }).then(() => {
        if (++acked === head) markHead();
      }),
    ),
  );
  await headReached;
  const answer = await commandOk<Subscribed>(socket, 'subscribe', { channel, since: { offset: 5, epoch } });
  await publishing;
  return { answer, live };
}

/** Offsets seen in `publications` and live; a duplicate must carry the same data. */
function union(answer: Subscribed, live: Publication[]): Map<number, unknown> {
  const all = new Map<number, unknown>();
  for (const p of [...(answer.publications ?? []), ...live]) {
    if (all.has(p.offset)) expect(p.data).toEqual(all.get(p.offset));
    all.set(p.offset, p.data);
  }
  return all;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const isSorted = (offsets: number[]): boolean => offsets.every((o, i) => i === 0 || offsets[i - 1] < o);

describe('recovery racing concurrent publishes', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway({ HISTORY_SIZE: '100' });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it.each([0, 10, 50])(
    'loses no publication when the subscribe leaves after %i publish acks',
    async (head) => {
      const { answer, live } = await raceRecovery(gateway, pool, head);
      expect(answer.recovered).toBe(true);
      const offsets = await eventually(
        () => {
          const keys = [...union(answer, live).keys()].sort((a, b) => a - b);
          return keys.length >= 100 && keys;
        },
        { timeoutMs: 20_000, what: 'offsets 6..105' },
      );
      expect(offsets).toEqual(range(6, 105));
      expect(isSorted(answer.publications?.map((p) => p.offset) ?? [])).toBe(true);
      expect(isSorted(live.map((p) => p.offset))).toBe(true);
    },
    60_000,
  );
});

describe('an unrecoverable subscribe racing concurrent publishes', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway({ HISTORY_SIZE: '5' });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it.each([10, 50])(
    'still delivers everything above its answered top live (subscribe after %i acks)',
    async (head) => {
      const { answer, live } = await raceRecovery(gateway, pool, head);
      expect(answer.recovered).toBe(false);
      expect(answer.publications ?? []).toEqual([]);
      const expected = range(answer.offset + 1, 105);
      const after = await eventually(
        () => {
          const offsets = live.map((p) => p.offset).filter((o) => o > answer.offset);
          return offsets.length >= expected.length && offsets;
        },
        { timeoutMs: 20_000, what: `offsets ${answer.offset + 1}..105` },
      );
      expect(after).toEqual(expected);
    },
    60_000,
  );
});
