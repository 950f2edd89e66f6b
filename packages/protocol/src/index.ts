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
export type * from './publication-events.js';
// The built-in modules' wire types; any other module's: `@switchboard/protocol/modules/<name>`.
export * from './modules/chat.js';
export type * from './modules/notifications.js';
export * from './volatile-events.js';
export * from './event-name.js';
export * from './rest.js';
export * from './hooks.js';
