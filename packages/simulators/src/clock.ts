// The simulated wall clock: real time plus an offset that tests advance to cross 24 h windows and expiries.

export class SimClock {
  private offsetMs = 0;

  /** Milliseconds since the epoch, as the simulated provider sees it. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Unix seconds (what both providers put in payloads). */
  unix(): number {
    return Math.floor(this.now() / 1000);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('advanceClock needs a non-negative number of milliseconds');
    this.offsetMs += ms;
  }
}
