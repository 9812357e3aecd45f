/**
 * @module core/ports/pacing-store
 * Shared send pacing: a token bucket per key (a connection's sender number) that every process draws from, so a
 * provider's rate limit holds across all workers together. A take is a reservation: tokens may go negative and the
 * caller sleeps until its slot. Implemented in store/sql/pacing-queries.ts.
 */

export interface PacingStoreOps {
  /** takes one token; answers how long to wait (ms) until the reserved slot */
  reserveToken(key: string, perSecond: number, burst: number, nowMs: number): Promise<number>;
  /**
   * takes one token only if the bucket holds one now (no debt); answers 0 when taken, else how long (ms) until one
   * token will be there — the campaign lane, which must never stand in the way of reservations
   */
  takeTokenIfAvailable(key: string, perSecond: number, burst: number, nowMs: number): Promise<number>;
  /** nobody on this bucket sends before untilMs (the provider said retry-after) */
  pauseBucket(key: string, perSecond: number, untilMs: number, nowMs: number): Promise<void>;
}
