import { parsePublication, parseReceipt, publicationHead, receiptHead } from './publication-json.js';

/** What the append script does with the head once it has the offset and epoch. */
const complete = (head: string, offset: number, epoch: string): string =>
  `${head},"offset":${offset},"epoch":"${epoch}"}`;

describe('publication JSON', () => {
  it('round-trips data the way a client sent it, including [] and large numbers', () => {
    const data = {
      list: [],
      nested: { empty: {} },
      big: Number.MAX_SAFE_INTEGER,
      float: 0.1 + 0.2,
      text: 'quote " and \\ and ünïcode',
    };
    const text = complete(publicationHead('chat:lobby', 'chat.message', data, 1_700_000_000_000), 7, 'k3j9');
    expect(parsePublication(text)).toEqual({
      channel: 'chat:lobby',
      event: 'chat.message',
      data: JSON.parse(JSON.stringify(data)),
      ts: 1_700_000_000_000,
      offset: 7,
      epoch: 'k3j9',
    });
  });

  it('stores an absent data as null', () => {
    const parsed = parsePublication(complete(publicationHead('public:x', 'e', undefined, 1), 1, 'e1'));
    expect(parsed.data).toBeNull();
  });

  it('refuses text that is not a complete publication', () => {
    expect(() => parsePublication('[1,2]')).toThrow('lacks');
    expect(() => parsePublication(`${publicationHead('public:x', 'e', 1, 1)}}`)).toThrow('lacks');
    expect(() => parsePublication('not json')).toThrow();
  });

  it('round-trips an idempotency record, with or without a receipt, and reads an older whole publication', () => {
    const head = receiptHead('chat:lobby', 'chat.message', 5, 'id "1"');
    expect(parseReceipt(complete(head, 3, 'k3j9'))).toEqual({
      channel: 'chat:lobby',
      event: 'chat.message',
      ts: 5,
      receipt: 'id "1"',
      offset: 3,
      epoch: 'k3j9',
    });
    expect(parseReceipt(complete(receiptHead('public:x', 'e', 1), 1, 'e1'))).toEqual({
      channel: 'public:x',
      event: 'e',
      ts: 1,
      offset: 1,
      epoch: 'e1',
    });
    const older = complete(publicationHead('public:x', 'e', { big: 1 }, 1), 2, 'e1');
    expect(parseReceipt(older)).toEqual({ channel: 'public:x', event: 'e', ts: 1, offset: 2, epoch: 'e1' });
    expect(() => parseReceipt('{"channel":"x"}')).toThrow('lacks');
  });
});
