/**
 * @module core/security/token-buckets
 * Refusing token buckets for abuse limits on public endpoints (webchat visitors): a bucket holds up to `burst`
 * tokens and refills at `perMinute`; a request takes one token from every bucket it is counted in, or — when any of
 * them is empty — from none, and is told how long until it would pass.
 *
 * A small module rather than @fastify/rate-limit: that plugin counts one key per route in a fixed window (twice the
 * limit fits around a window edge), while a visitor message is counted in two buckets at once (its session and its
 * client address) whose refusal must not spend the other's token, and the keys (a verified visitor id) are only known
 * inside the use case, after the token check. The outbound pacer (core/outbound/pacer.ts) waits for tokens; this
 * refuses instead. Buckets live in process memory (see docs/security.md, "Rate limits", for scaled mode).
 */

export interface BucketLimit {
  /** steady rate: tokens added per minute */
  perMinute: number;
  /** most tokens a bucket holds (the burst a quiet client may spend at once) */
  burst: number;
}

interface Bucket {
  tokens: number;
  updated: number;
  limit: BucketLimit;
}

/** how many buckets are kept before full ones are forgotten (a full bucket is the same as no bucket) */
const MAX_BUCKETS = 100_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * takes one token from each named bucket and answers undefined, or takes none and answers the first refusing
   * bucket's index with the milliseconds until it holds a token again
   */
  take(requests: ReadonlyArray<{ key: string; limit: BucketLimit }>): { index: number; waitMs: number } | undefined {
    const now = this.now();
    const buckets = requests.map(({ key, limit }) => this.refilled(key, limit, now));
    const index = buckets.findIndex((b) => b.tokens < 1);
    if (index >= 0) {
      const b = buckets[index] as Bucket;
      return { index, waitMs: Math.max(1, Math.ceil(((1 - b.tokens) / b.limit.perMinute) * 60_000)) };
    }
    for (const b of buckets) b.tokens -= 1;
    return undefined;
  }

  private refilled(key: string, limit: BucketLimit, now: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_BUCKETS) this.prune(now);
      b = { tokens: limit.burst, updated: now, limit };
      this.buckets.set(key, b);
      return b;
    }
    b.tokens = Math.min(limit.burst, b.tokens + (Math.max(0, now - b.updated) / 60_000) * limit.perMinute);
    b.updated = now;
    b.limit = limit;
    return b;
  }

  /** forgets buckets that have refilled; under a flood from more keys than that frees, the oldest (Map order) */
  private prune(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.updated) / 60_000) * b.limit.perMinute >= b.limit.burst) this.buckets.delete(key);
    }
    // down to 90 %, so a sustained flood does not scan the map on every new key
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= MAX_BUCKETS * 0.9) break;
      this.buckets.delete(key);
    }
  }

  /** how many buckets are held (tests) */
  get size(): number {
    return this.buckets.size;
  }
}
