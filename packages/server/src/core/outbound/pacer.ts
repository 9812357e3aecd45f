/**
 * @module core/outbound/pacer
 * Token buckets keyed by connection, sender number or recipient, so we send at the provider's published rate
 * instead of discovering it through 429s. Waiters on one key are served first-come first-served.
 * In-process: a scaled deployment shares the limit through the store-backed pacer (bus/ issue) behind this shape.
 */
import type { RateLimit } from '../../channel-kit/index.js';

export interface Pacer {
  /** resolves when one message may go out under `limit` for `key` */
  take(key: string, limit: RateLimit, signal?: AbortSignal): Promise<void>;
  /** the provider told us to back off (429 retry-after): nobody on this key sends before `untilMs` */
  pause(key: string, untilMs: number, limit?: RateLimit): void;
}

interface Bucket {
  tokens: number;
  updated: number;
  pausedUntil: number;
  tail: Promise<void>;
}

/**
 * What we actually pace at: 1 % under the provider's published rate, with a tenth of its burst. Pacing exactly at
 * the limit leaves the provider's bucket at zero, where the network's jitter (two requests arriving closer than
 * they left) is enough for a 429; the 1 % absorbs that. A small burst keeps every window close to the rate: a
 * sender that fell behind catches up at most a tenth of a second's worth at once, not a whole second's.
 */
export function pacedLimit(limit: RateLimit): RateLimit {
  return { perSecond: limit.perSecond * 0.99, burst: Math.max(1, Math.floor(limit.burst * 0.1)) };
}

export class TokenBucketPacer implements Pacer {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now() + performance.timeOrigin) {}

  take(key: string, published: RateLimit, signal?: AbortSignal): Promise<void> {
    const limit = pacedLimit(published);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: limit.burst, updated: this.now(), pausedUntil: 0, tail: Promise.resolve() };
      this.buckets.set(key, bucket);
    }
    const b = bucket;
    const turn = b.tail.then(() => this.waitForToken(b, limit, signal));
    b.tail = turn.catch(() => undefined);
    return turn;
  }

  pause(key: string, untilMs: number): void {
    const b = this.buckets.get(key);
    if (b) b.pausedUntil = Math.max(b.pausedUntil, untilMs);
    else this.buckets.set(key, { tokens: 0, updated: this.now(), pausedUntil: untilMs, tail: Promise.resolve() });
  }

  private async waitForToken(b: Bucket, limit: RateLimit, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new Error('aborted');
      const now = this.now();
      b.tokens = Math.min(limit.burst, b.tokens + ((now - b.updated) / 1000) * limit.perSecond);
      b.updated = now;
      const pausedFor = b.pausedUntil - now;
      if (pausedFor <= 0 && b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      const wait = Math.max(pausedFor, ((1 - b.tokens) / limit.perSecond) * 1000, 1);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
