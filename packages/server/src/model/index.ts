/** @module model — normalized types and schemas shared by every layer. No I/O. */
export * from './content.js';
export * from './message.js';
export * from './inbound.js';
export * from './events.js';
export * from './ids.js';
export * from './call.js';
