/**
 * @module core/outbound/store-pacer
 * The pacer of the scaled mode: one token bucket per key kept in the shared database, so a connection's rate
 * limit holds across all worker processes together, not per process. Each take is one atomic statement that
 * reserves the next slot (the bucket may go into debt); the caller sleeps until its slot.
 */
import type { RateLimit } from '../../channel-kit/index.js';
import type { PacingStoreOps } from '../ports/index.js';
import { pacedLimit, type Pacer, type PacingLane } from './pacer.js';

export class StorePacer implements Pacer {
  constructor(
    private readonly store: PacingStoreOps,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async take(
    key: string,
    published: RateLimit,
    signal?: AbortSignal,
    lane: PacingLane = 'conversation',
  ): Promise<void> {
    const limit = pacedLimit(published);
    if (lane === 'campaign') {
      // a campaign takes only a token that is there now and never goes into debt; conversational takers reserve
      // (into debt), so across every process they are ahead of campaign traffic by at most one slot
      for (;;) {
        const wait = await this.store.takeTokenIfAvailable(key, limit.perSecond, limit.burst, this.now());
        if (wait <= 0) return;
        await this.sleep(Math.max(1, wait), signal);
      }
    }
    const wait = await this.store.reserveToken(key, limit.perSecond, limit.burst, this.now());
    if (wait <= 0) return;
    await this.sleep(wait, signal);
  }

  private sleep(wait: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, wait);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(new Error('aborted'));
        },
        { once: true },
      );
    });
  }

  pause(key: string, untilMs: number, limit?: RateLimit): void {
    // the provider's retry-after is a debt on the shared bucket: every process waits it out
    void this.store
      .pauseBucket(key, limit ? pacedLimit(limit).perSecond : 1, untilMs, this.now())
      .catch(() => undefined);
  }
}
