import { CHAT_VOLATILE_EVENTS } from './modules/chat.js';
import { CORE_VOLATILE_EVENTS } from './server-events.js';

/** Every volatile event name: never stored, no offset, and no publication may use one. */
export const VOLATILE_EVENTS: readonly string[] = [...CORE_VOLATILE_EVENTS, ...CHAT_VOLATILE_EVENTS];
