import {
  CHANNEL_PATTERN,
  type CommandName,
  ErrorCode,
  EVENT_NAME_MAX_LENGTH,
  EVENT_NAME_PATTERN,
  NAME_PART_PATTERN,
  type ServerEvents,
} from '@switchboard/protocol';

/** JSON Schemas of the contract's payloads (contract §4–§5), for the AsyncAPI document. */
type Schema = Record<string, unknown>;

const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

export const CHANNEL = str({
  pattern: CHANNEL_PATTERN.source,
  examples: ['chat:lobby', 'user:alice', 'public:news'],
});
const ROOM = str({ pattern: NAME_PART_PATTERN.source });
const PRESENCE_USER = obj({ userId: str(), name: str() }, ['userId']);

export const SCHEMAS: Record<string, Schema> = {
  Channel: CHANNEL,
  StreamPosition: obj({ offset: int({ minimum: 0 }), epoch: str({ minLength: 1 }) }, ['offset', 'epoch']),
  PresenceUser: PRESENCE_USER,
  Publication: obj(
    {
      channel: ref('Channel'),
      event: str({ pattern: EVENT_NAME_PATTERN.source, maxLength: EVENT_NAME_MAX_LENGTH }),
      offset: int({ minimum: 1, description: 'Per channel, contiguous from 1 within an epoch' }),
      epoch: str({ minLength: 1, description: "One life of the channel's history" }),
      data: { description: 'Any JSON value' },
      ts: int({ description: 'Milliseconds since the epoch' }),
    },
    ['channel', 'event', 'offset', 'epoch', 'data', 'ts'],
  ),
  CommandError: obj(
    {
      code: str({
        enum: Object.values(ErrorCode),
      }),
      message: str(),
      details: {
        type: 'array',
        items: obj({ field: str(), messages: { type: 'array', items: str() } }, ['field', 'messages']),
      },
    },
    ['code', 'message', 'details'],
  ),
  AckError: obj({ ok: { const: false }, error: ref('CommandError') }, ['ok', 'error']),
  VolatileUserEvent: obj({ channel: ref('Channel'), event: str(), data: PRESENCE_USER, ts: int() }, [
    'channel',
    'event',
    'data',
    'ts',
  ]),
  SessionExpired: obj(
    { event: { const: 'session.expired' }, data: obj({ exp: int() }, ['exp']), ts: int() },
    ['event', 'data', 'ts'],
  ),
  SubscriptionRevoked: obj({ channel: ref('Channel'), event: { const: 'subscription.revoked' }, ts: int() }, [
    'channel',
    'event',
    'ts',
  ]),
  SessionTerminated: obj(
    {
      event: { const: 'session.terminated' },
      data: obj({ reason: str({ enum: ['disconnected', 'revoked'] }), reconnect: { type: 'boolean' } }, [
        'reason',
        'reconnect',
      ]),
      ts: int(),
    },
    ['event', 'data', 'ts'],
  ),
  ChannelPosition: obj(
    { channel: ref('Channel'), event: { const: 'channel.position' }, data: ref('StreamPosition'), ts: int() },
    ['channel', 'event', 'data', 'ts'],
  ),
  Exception: obj({ code: str(), message: str(), event: str() }, ['code', 'message', 'event']),
};

const ok = (data: Schema): Schema => ({
  oneOf: [obj({ ok: { const: true }, data }, ['ok', 'data']), ref('AckError')],
});

export interface CommandSpec {
  readonly summary: string;
  readonly payload: Schema;
  readonly reply: Schema;
}

/** Every client → server command and its ack. */
export const COMMANDS: Record<CommandName, CommandSpec> = {
  subscribe: {
    summary: 'Subscribe to a channel; with `since`, recover what was missed',
    payload: obj({ channel: ref('Channel'), since: ref('StreamPosition') }, ['channel']),
    reply: ok(
      obj(
        {
          channel: ref('Channel'),
          offset: int({ minimum: 0 }),
          epoch: str(),
          recovered: { type: 'boolean' },
          publications: { type: 'array', items: ref('Publication') },
        },
        ['channel', 'offset', 'epoch'],
      ),
    ),
  },
  unsubscribe: {
    summary: 'Stop receiving a channel',
    payload: obj({ channel: ref('Channel') }, ['channel']),
    reply: ok(obj({ channel: ref('Channel') }, ['channel'])),
  },
  presence: {
    summary: 'Users present in a presence channel (chat:)',
    payload: obj({ channel: ref('Channel') }, ['channel']),
    reply: ok(
      obj({ channel: ref('Channel'), users: { type: 'array', items: ref('PresenceUser') } }, [
        'channel',
        'users',
      ]),
    ),
  },
  'auth.refresh': {
    summary: "Replace the connection's token (same sub)",
    payload: obj({ token: str() }, ['token']),
    reply: ok(obj({ exp: int() })),
  },
  'chat.send': {
    summary: 'Post a chat.message to chat:{room}; a repeated clientId is a safe retry',
    payload: obj(
      { room: ROOM, text: str({ minLength: 1, maxLength: 4000 }), clientId: str({ maxLength: 128 }) },
      ['room', 'text'],
    ),
    reply: ok(obj({ id: str(), offset: int({ minimum: 1 }) }, ['id', 'offset'])),
  },
  'chat.typing': {
    summary: "Tell the room's other subscribers you are typing (volatile)",
    payload: obj({ room: ROOM }, ['room']),
    reply: ok(obj({})),
  },
};

/** Every server → client event. Publications use their own event name; these are the fixed ones. */
/** The fixed event names, plus the publications the gateway's own modules emit. */
type DocumentedEvent = keyof ServerEvents | 'publication' | 'chat.message' | 'notification';

export const EVENTS: Record<DocumentedEvent, { summary: string; payload: Schema }> = {
  publication: {
    summary: 'Any stored publication, emitted under its own `event` name',
    payload: ref('Publication'),
  },
  'chat.message': {
    summary:
      'A chat message publication (data: id, room, text, from { userId, name? }, clientId?); one a backend ' +
      'posted through REST has from { userId: <the service>, name: "System", system: true }',
    payload: ref('Publication'),
  },
  notification: {
    summary: 'A notification publication in user:{id} (data: id, title, body?, data?, createdAt)',
    payload: ref('Publication'),
  },
  'chat.typing': { summary: 'Someone is typing (volatile)', payload: ref('VolatileUserEvent') },
  'presence.join': {
    summary: "A user's first connection subscribed (volatile)",
    payload: ref('VolatileUserEvent'),
  },
  'presence.leave': {
    summary: "A user's last connection left (volatile)",
    payload: ref('VolatileUserEvent'),
  },
  'session.expired': {
    summary: 'The token expired without refresh; the server disconnects',
    payload: ref('SessionExpired'),
  },
  'subscription.revoked': {
    summary: 'A refreshed token no longer allows this channel, or the control API removed the user from it',
    payload: ref('SubscriptionRevoked'),
  },
  'session.terminated': {
    summary:
      'The control API ended this session (reason disconnected or revoked); with reconnect false the server disconnects',
    payload: ref('SessionTerminated'),
  },
  'channel.position': {
    summary:
      "The channel's top as stored, every POSITION_INTERVAL_SECONDS: a client behind it recovers with subscribe { since }",
    payload: ref('ChannelPosition'),
  },
  exception: { summary: 'A failed command that was sent without an ack callback', payload: ref('Exception') },
};
