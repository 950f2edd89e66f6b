import type { CommandDescription } from '../core/connections/commands/command-table.js';
import { CORE_EVENTS, PublicationDto } from '../core/delivery/core-events.dto.js';
import type { EventDeclaration, NamespaceDeclaration } from '../core/index.js';
import { CHANNEL_PATTERN, ErrorCode, NAME_PART_PATTERN } from '@switchboard/protocol';
import { PayloadSchemas, type Schema } from './payload-schemas.js';

/** What the document is generated from: the live gateway's own declarations. */
export interface AsyncApiSources {
  /** Every namespace, as its module declared it (with events other modules declared for it). */
  readonly namespaces: readonly NamespaceDeclaration[];
  /** Every command the dispatcher knows, with its `@Command` doc and `@Payload()` DTO. */
  readonly commands: readonly CommandDescription[];
  readonly version: string;
}

const CONNECTION = 'connection';
const channelRef = (id: string): Schema => ({ $ref: `#/channels/${id}` });
const messageRef = (channel: string, id: string): Schema => ({
  $ref: `#/channels/${channel}/messages/${id}`,
});

/** The protocol's own shapes: the ack error envelope and a channel name. */
const FIXED_SCHEMAS: Record<string, Schema> = {
  Channel: { type: 'string', pattern: CHANNEL_PATTERN.source, examples: ['chat:lobby', 'user:alice'] },
  CommandError: {
    type: 'object',
    required: ['code', 'message', 'details'],
    properties: {
      code: { type: 'string', enum: Object.values(ErrorCode) },
      message: { type: 'string' },
      details: {
        type: 'array',
        items: {
          type: 'object',
          required: ['field', 'messages'],
          properties: { field: { type: 'string' }, messages: { type: 'array', items: { type: 'string' } } },
        },
      },
    },
  },
  AckError: {
    type: 'object',
    required: ['ok', 'error'],
    properties: { ok: { const: false }, error: { $ref: '#/components/schemas/CommandError' } },
  },
};

/**
 * The AsyncAPI 3 document of the Socket.IO interface, generated from the namespaces' and
 * commands' own declarations and their class-validator DTOs: a module that adds a namespace,
 * an event or a command appears here without touching this file, and cannot drift from it.
 *
 * Channels: one per namespace (`chat:{name}`, its events, and the core's per-channel events
 * that apply to it), and `connection` for the commands and the events sent to one connection.
 */
export function buildAsyncApiDocument(sources: AsyncApiSources): Record<string, unknown> {
  const schemas = new PayloadSchemas();
  const channels: Record<string, Schema> = {};
  const operations: Record<string, Schema> = {};
  const messages: Record<string, Schema> = {};

  const connectionMessages: Record<string, Schema> = {};
  for (const command of [...sources.commands].sort((a, b) => a.name.localeCompare(b.name))) {
    const id = `command.${command.name}`;
    const replyId = `reply.${command.name}`;
    const summary = command.doc?.summary ?? command.name;
    messages[id] = {
      name: command.name,
      summary,
      payload: command.payload
        ? schemas.ref(command.payload, { closed: true })
        : { description: 'Any JSON value' },
    };
    messages[replyId] = { name: `${command.name} (ack)`, payload: ackOf(command, schemas) };
    connectionMessages[id] = { $ref: `#/components/messages/${id}` };
    connectionMessages[replyId] = { $ref: `#/components/messages/${replyId}` };
    operations[command.name] = {
      action: 'receive',
      summary,
      channel: channelRef(CONNECTION),
      messages: [messageRef(CONNECTION, id)],
      reply: { channel: channelRef(CONNECTION), messages: [messageRef(CONNECTION, replyId)] },
    };
  }
  for (const [event, declaration] of Object.entries(CORE_EVENTS)) {
    if (declaration.scope !== 'connection') continue;
    addEvent(CONNECTION, event, declaration);
  }
  channels[CONNECTION] = {
    address: '/',
    title: 'One Socket.IO connection',
    description:
      'The default namespace of the Socket.IO server (path /socket.io). Commands are emitted with an ack callback ' +
      'and answered `{ ok: true, data }` or `{ ok: false, error }`.',
    messages: connectionMessages,
  };

  for (const namespace of [...sources.namespaces].sort((a, b) => a.namespace.localeCompare(b.namespace))) {
    const events: Record<string, EventDeclaration> = { ...namespace.events };
    for (const [event, declaration] of Object.entries(CORE_EVENTS)) {
      if (appliesTo(declaration.scope, namespace)) events[event] = declaration;
    }
    channels[namespace.namespace] = {
      address: `${namespace.namespace}:{name}`,
      title: `${namespace.namespace}: channels`,
      description: `${namespace.summary} History: ${yesNo(namespace.history)}. Presence: ${yesNo(namespace.presence)}.`,
      parameters: { name: { description: `The channel's name part, ${NAME_PART_PATTERN.source}` } },
      messages: {},
    };
    for (const [event, declaration] of Object.entries(events))
      addEvent(namespace.namespace, event, declaration);
  }

  function addEvent(channel: string, event: string, declaration: EventDeclaration): void {
    const id = `${channel}.${event}`;
    messages[id] = {
      name: event,
      summary: declaration.summary,
      payload: eventPayload(event, declaration, schemas),
    };
    ((channels[channel]?.messages as Record<string, Schema> | undefined) ?? connectionMessages)[id] = {
      $ref: `#/components/messages/${id}`,
    };
    operations[`send.${id}`] = {
      action: 'send',
      summary: declaration.summary,
      channel: channelRef(channel),
      messages: [messageRef(channel, id)],
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Switchboard',
      version: sources.version,
      description:
        'Socket.IO v4 interface of the Switchboard gateway: path /socket.io, namespace /, transports polling and ' +
        'websocket. Authenticate with a JWT in the handshake `auth.token` (or `Authorization: Bearer`). Stored ' +
        'publications are emitted under their own event name with a Publication payload (offset, epoch, data); ' +
        'volatile events carry no offset.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { schemas: { ...FIXED_SCHEMAS, ...schemas.components() }, messages },
  };
}

function ackOf(command: CommandDescription, schemas: PayloadSchemas): Schema {
  const reply = command.doc?.reply;
  const data = reply ? schemas.ref(reply) : { type: 'object' };
  return {
    oneOf: [
      { type: 'object', required: ['ok', 'data'], properties: { ok: { const: true }, data } },
      { $ref: '#/components/schemas/AckError' },
    ],
  };
}

/** A stored event is a Publication whose `data` has the declared shape; a volatile one is its own payload. */
function eventPayload(event: string, declaration: EventDeclaration, schemas: PayloadSchemas): Schema {
  if (declaration.volatile)
    return declaration.data ? schemas.ref(declaration.data) : { description: 'Any JSON value' };
  return {
    allOf: [
      schemas.ref(PublicationDto),
      {
        type: 'object',
        properties: {
          event: { const: event },
          data: declaration.data ? schemas.ref(declaration.data) : { description: 'Any JSON value' },
        },
      },
    ],
  };
}

function appliesTo(scope: string, namespace: NamespaceDeclaration): boolean {
  if (scope === 'every channel') return true;
  if (scope === 'history channels') return namespace.history;
  if (scope === 'presence channels') return namespace.presence;
  return false;
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');
