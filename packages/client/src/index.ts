/**
 * `@switchboard/client`: the Switchboard client SDK, framework-free, for browsers and Node.
 * The browser bundle (`/vendor/switchboard-client.js` on the gateway) exposes the same as the
 * global `Switchboard`.
 */
export { SwitchboardClient, CLIENT_DEFAULTS } from './switchboard-client.js';
export { ChatCommands } from './chat-commands.js';
export type { ChatSendOptions, ChatSendResult, CommandOptions } from './chat-commands.js';
export { Subscription } from './subscription.js';
export { SwitchboardError } from './switchboard-error.js';
export type { ClientErrorCode, SwitchboardErrorCode } from './switchboard-error.js';
export { ChannelSequencer } from './channel-sequencer.js';
export type { Resync, SequencerStep } from './channel-sequencer.js';
export type { TokenProvider } from './token-keeper.js';
export { tokenExpiry } from './token-schedule.js';
export { TypedEmitter } from './typed-emitter.js';
export type * from './client.types.js';
