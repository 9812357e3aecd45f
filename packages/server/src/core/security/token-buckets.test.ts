import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-buckets.js';

describe('refusing token buckets', () => {
  it('lets a burst through, refuses with the wait until the next token, refills at the rate', () => {
    let now = 0;
    const buckets = new TokenBuckets(() => now);
    const limit = { perMinute: 6, burst: 3 }; // a token every 10 s
    const take = () => buckets.take([{ key: 'a', limit }]);
    expect([take(), take(), take()]).toEqual([undefined, undefined, undefined]);
    expect(take()).toEqual({ index: 0, waitMs: 10_000 });
    now = 4000;
    expect(take()).toEqual({ index: 0, waitMs: 6000 });
    now = 10_000;
    expect(take()).toBeUndefined();
    expect(take()).toEqual({ index: 0, waitMs: 10_000 });
    // a long quiet time refills only up to the burst
    now = 10 * 60_000;
    expect([take(), take(), take()]).toEqual([undefined, undefined, undefined]);
    expect(take()?.index).toBe(0);
  });

  it('takes from every bucket of a request or from none, naming the first that refused', () => {
    let now = 0;
    const buckets = new TokenBuckets(() => now);
    const session = { perMinute: 60, burst: 2 };
    const address = { perMinute: 60, burst: 3 };
    const send = (s: string) =>
      buckets.take([
        { key: `s:${s}`, limit: session },
        { key: 'addr', limit: address },
      ]);
    expect(send('ana')).toBeUndefined();
    expect(send('ana')).toBeUndefined();
    // ana's session is empty: refused, and the address keeps its last token for ben
    expect(send('ana')).toEqual({ index: 0, waitMs: 1000 });
    expect(send('ben')).toBeUndefined();
    expect(send('ben')).toEqual({ index: 1, waitMs: 1000 });
    now = 1000;
    expect(send('ben')).toBeUndefined();
  });

  it('keeps memory bounded under a flood of keys by forgetting full buckets first', () => {
    let now = 0;
    const buckets = new TokenBuckets(() => now);
    const limit = { perMinute: 60, burst: 1 };
    for (let i = 0; i < 100_000; i++) buckets.take([{ key: `k${i}`, limit }]);
    expect(buckets.size).toBe(100_000);
    buckets.take([{ key: 'hot', limit }]);
    expect(buckets.size).toBeLessThanOrEqual(90_001);
    // a minute later every old bucket is full again: the next new key forgets them all
    now = 60_000;
    for (let i = 0; i < 10_000; i++) buckets.take([{ key: `n${i}`, limit }]);
    expect(buckets.size).toBeLessThan(20_000);
    // a bucket still in use is not forgotten while it is empty
    expect(buckets.take([{ key: 'n9999', limit }])).toEqual({ index: 0, waitMs: 1000 });
  });
});
