import { describe, expect, it } from 'vitest';
import { KeyedBuckets } from './token-bucket.js';

describe('KeyedBuckets', () => {
  it('allows a burst, then refills at the configured rate', () => {
    const b = new KeyedBuckets({ capacity: 2, refillPerSecond: 1 });
    expect(b.take('k', 0)).toEqual({ ok: true });
    expect(b.take('k', 0)).toEqual({ ok: true });
    expect(b.take('k', 0)).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(b.take('other', 0)).toEqual({ ok: true });
    expect(b.take('k', 500)).toEqual({ ok: false, retryAfterMs: 500 });
    expect(b.take('k', 1000)).toEqual({ ok: true });
  });
});
