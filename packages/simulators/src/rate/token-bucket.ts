// Keyed token buckets: the flood-control primitive behind both simulators' rate limits.

export interface BucketSpec {
  /** Tokens available in a burst. */
  capacity: number;
  /** Tokens refilled per second. */
  refillPerSecond: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const PRUNE_ABOVE = 10_000;

export class KeyedBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private spec: BucketSpec) {}

  setSpec(spec: BucketSpec): void {
    this.spec = spec;
  }

  /** Takes one token for `key` at time `now` (ms), or says how long until one is available. */
  take(key: string, now: number, spec: BucketSpec = this.spec): TakeResult {
    if (spec.capacity <= 0 || spec.refillPerSecond <= 0) return { ok: true };
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size > PRUNE_ABOVE) this.prune(now, spec);
      b = { tokens: spec.capacity, updatedAt: now };
      this.buckets.set(key, b);
    }
    const elapsed = Math.max(0, now - b.updatedAt) / 1000;
    b.tokens = Math.min(spec.capacity, b.tokens + elapsed * spec.refillPerSecond);
    b.updatedAt = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - b.tokens) / spec.refillPerSecond) * 1000) };
  }

  /** Empties the bucket for `key`: the next take fails until it refills. */
  drain(key: string, now: number): void {
    this.buckets.set(key, { tokens: 0, updatedAt: now });
  }

  clear(): void {
    this.buckets.clear();
  }

  private prune(now: number, spec: BucketSpec): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.updatedAt) / 1000) * spec.refillPerSecond >= spec.capacity) this.buckets.delete(key);
    }
  }
}
