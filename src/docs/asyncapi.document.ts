import { APP_VERSION } from '../config/app-version.js';
import { COMMANDS, EVENTS, SCHEMAS } from './json-schemas.js';

/**
 * The AsyncAPI 3 description of the Socket.IO interface, built from the same catalog the
 * tests check against the live gateway, so a command cannot exist undocumented. It has no
 * `servers`: where the gateway is, only a request to it can tell (see AsyncApiController).
 */
export function buildAsyncApiDocument(): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const channelMessages: Record<string, unknown> = {};
  const socket = { $ref: '#/channels/socket' };

  for (const [name, spec] of Object.entries(COMMANDS)) {
    const id = `command.${name}`;
    const replyId = `reply.${name}`;
    messages[id] = { name, summary: spec.summary, payload: spec.payload };
    messages[replyId] = { name: `${name} (ack)`, payload: spec.reply };
    channelMessages[id] = { $ref: `#/components/messages/${id}` };
    channelMessages[replyId] = { $ref: `#/components/messages/${replyId}` };
    operations[name] = {
      action: 'receive',
      summary: spec.summary,
      channel: socket,
      messages: [{ $ref: `#/channels/socket/messages/${id}` }],
      reply: { channel: socket, messages: [{ $ref: `#/channels/socket/messages/${replyId}` }] },
    };
  }
  for (const [name, spec] of Object.entries(EVENTS)) {
    const id = `event.${name}`;
    messages[id] = { name, summary: spec.summary, payload: spec.payload };
    channelMessages[id] = { $ref: `#/components/messages/${id}` };
    operations[`emit.${name}`] = {
      action: 'send',
      summary: spec.summary,
      channel: socket,
      messages: [{ $ref: `#/channels/socket/messages/${id}` }],
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Switchboard',
      version: APP_VERSION,
      description:
        'Socket.IO v4 interface of the Switchboard gateway: path /socket.io, namespace /, transports polling and websocket. ' +
        'Authenticate with a JWT in the handshake `auth.token` (or `Authorization: Bearer`). Every command takes an ack ' +
        'callback answered with `{ ok: true, data }` or `{ ok: false, error }`.',
    },
    defaultContentType: 'application/json',
    channels: { socket: { address: '/', title: 'Default Socket.IO namespace', messages: channelMessages } },
    operations,
    components: { schemas: SCHEMAS, messages },
  };
}
