/**
 * `@switchboard/protocol`: the Switchboard wire protocol. Types for every command, event and
 * payload, the error codes, and the channel- and event-name rules. It imports nothing, so the
 * server, the SDK and any other client can share it.
 */
export * from './channel-name.js';
export * from './errors.js';
export type * from './publication.js';
export * from './server-events.js';
export * from './commands.js';
export * from './chat.js';
export * from './volatile-events.js';
export * from './event-name.js';
export * from './rest.js';
export * from './hooks.js';
