/** @module core/ports — what core needs from the outside world; implemented in store/, bus/, app/. */
export * from './records.js';
export * from './store.js';
export * from './bus.js';
export * from './secret-box.js';
export * from './clock.js';
export * from './metrics.js';
export * from './logger.js';
export * from './media-store.js';
// routing area
export * from './routing-store.js';
