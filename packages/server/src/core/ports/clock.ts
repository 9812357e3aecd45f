/** @module core/ports/clock — time as a dependency, so window and retry rules are testable. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
