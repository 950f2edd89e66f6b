import { Encoder, PacketType } from 'socket.io-parser';
import { publicationParser, SerializedPublication } from './publication-parser.js';

describe('publicationParser', () => {
  const publication = {
    channel: 'public:a',
    event: 'news',
    data: { n: [1, 2], s: 'é"' },
    ts: 5,
    offset: 3,
    epoch: 'e',
  };
  const stock = new Encoder();
  const encoder = new publicationParser.Encoder();

  it('writes a serialised publication exactly as Socket.IO would write the object', () => {
    const json = JSON.stringify(publication);
    for (const nsp of ['/', '/custom']) {
      const expected = stock.encode({ type: PacketType.EVENT, nsp, data: ['news', publication] });
      const actual = encoder.encode({
        type: PacketType.EVENT,
        nsp,
        data: ['news', new SerializedPublication(json)],
      });
      expect(actual).toEqual(expected);
    }
  });

  it('leaves every other packet to Socket.IO', () => {
    const binary = { type: PacketType.EVENT, nsp: '/', data: ['file', Buffer.from([1, 2])] };
    const withAck = { type: PacketType.EVENT, nsp: '/', id: 7, data: ['news', publication] };
    expect(encoder.encode(binary)).toEqual(stock.encode(binary));
    expect(encoder.encode(withAck)).toEqual(stock.encode(withAck));
  });

  it('refuses a serialised publication anywhere else, where it would go out as {"json": …}', () => {
    const serialized = new SerializedPublication(JSON.stringify(publication));
    const withAck = { type: PacketType.EVENT, nsp: '/', id: 1, data: ['news', serialized] };
    const extraArgument = { type: PacketType.EVENT, nsp: '/', data: ['news', serialized, 2] };
    for (const packet of [withAck, extraArgument]) {
      expect(() => {
        encoder.encode(packet);
      }).toThrow('one argument');
    }
  });
});
