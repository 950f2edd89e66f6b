import { Decoder, Encoder, type Packet, PacketType } from 'socket.io-parser';

/** A publication already serialised as JSON (a Redis feed message), sent as it is. */
export class SerializedPublication {
  constructor(readonly json: string) {}
}

/**
 * Socket.IO's own encoder, except for an event whose one argument is a
 * {@link SerializedPublication}: its packet is built around the stored JSON, once per
 * publication, instead of parsing the feed message and serialising it again (and walking it
 * for binary attachments, which a JSON text cannot hold). The decoder is Socket.IO's.
 */
class PublicationEncoder extends Encoder {
  override encode(packet: Packet): ReturnType<Encoder['encode']> {
    const data: unknown = packet.data;
    if (packet.type === PacketType.EVENT && packet.id === undefined && isSerializedEvent(data)) {
      const nsp = packet.nsp && packet.nsp !== '/' ? `${packet.nsp},` : '';
      return [`${PacketType.EVENT}${nsp}[${JSON.stringify(data[0])},${data[1].json}]`];
    }
    // Anywhere else (an ack, more arguments) Socket.IO would send it as `{"json": …}`: refuse.
    if (Array.isArray(data) && data.some((item) => item instanceof SerializedPublication)) {
      throw new Error('a serialised publication goes only as the one argument of an event without ack');
    }
    return super.encode(packet);
  }
}

function isSerializedEvent(data: unknown): data is [string, SerializedPublication] {
  return Array.isArray(data) && data.length === 2 && data[1] instanceof SerializedPublication;
}

/** The `parser` option of the Socket.IO server. */
export const publicationParser = { Encoder: PublicationEncoder, Decoder };
