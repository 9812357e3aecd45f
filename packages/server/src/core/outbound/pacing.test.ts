import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.js';
import { pacedLimit, TokenBucketPacer } from './pacer.js';
import { senderRateLimit } from './outbound-worker.js';

describe('backoff', () => {
  it('grows exponentially with jitter, is capped, and never undercuts retry-after', () => {
    expect(retryDelayMs(1, 1000, 60_000, undefined, () => 0.5)).toBe(1000);
    expect(retryDelayMs(3, 1000, 60_000, undefined, () => 0.5)).toBe(4000);
    expect(retryDelayMs(20, 1000, 60_000, undefined, () => 0.5)).toBe(60_000);
    expect(retryDelayMs(1, 1000, 60_000, undefined, () => 0)).toBe(800);
    expect(retryDelayMs(1, 1000, 60_000, 34_000, () => 0.5)).toBe(34_000);
  });
});

describe('token bucket pacer', () => {
  it('lets a burst through, then holds the sustained rate', async () => {
    const pacer = new TokenBucketPacer();
    const limit = { perSecond: 50, burst: 5 };
    const started = Date.now();
    for (let i = 0; i < 15; i++) await pacer.take('k', limit);
    const elapsed = Date.now() - started;
    // 5 immediately, 10 more at 50/s = 200 ms
    expect(elapsed).toBeGreaterThanOrEqual(180);
    expect(elapsed).toBeLessThan(1000);
  });
  it('keeps keys independent and honours a pause', async () => {
    const pacer = new TokenBucketPacer();
    const limit = { perSecond: 1, burst: 1 };
    await pacer.take('x', limit);
    const t0 = Date.now();
    await pacer.take('y', limit);
    expect(Date.now() - t0).toBeLessThan(50);
    pacer.pause('z', Date.now() + 150);
    const t1 = Date.now();
    await pacer.take('z', { perSecond: 100, burst: 10 });
    expect(Date.now() - t1).toBeGreaterThanOrEqual(140);
  });
});

describe('pacing lanes', () => {
  it('a conversational taker goes before campaign takers already waiting on the same bucket', async () => {
    const pacer = new TokenBucketPacer();
    const limit = { perSecond: 20, burst: 10 }; // paced: 19.8/s, a burst of 1
    const order: string[] = [];
    await pacer.take('s', limit); // the burst is spent
    const campaign = Array.from({ length: 6 }, (_, i) =>
      pacer.take('s', limit, undefined, 'campaign').then(() => order.push(`c${i}`)),
    );
    await new Promise((r) => setTimeout(r, 5));
    const reply = pacer.take('s', limit).then(() => order.push('reply'));
    await Promise.all([...campaign, reply]);
    // the reply took the first token that came, ahead of six campaign messages queued before it
    expect(order[0]).toBe('reply');
    expect(order.slice(1)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
  });
});

describe('paced limits', () => {
  it('paces 1 % under the published rate with a tenth of its burst, never below one', () => {
    expect(pacedLimit({ perSecond: 80, burst: 80 })).toEqual({ perSecond: 79.2, burst: 8 });
    expect(pacedLimit({ perSecond: 1, burst: 1 })).toEqual({ perSecond: 0.99, burst: 1 });
  });
  it("takes a connection's configured messagesPerSecond over the channel default", () => {
    const channel = { perSecond: 80, burst: 80 };
    expect(senderRateLimit(channel, {})).toBe(channel);
    expect(senderRateLimit(channel, { messagesPerSecond: 20 })).toEqual({ perSecond: 20, burst: 20 });
    expect(senderRateLimit(channel, { messagesPerSecond: 'fast' })).toBe(channel);
    expect(senderRateLimit(undefined, { messagesPerSecond: 20 })).toBeUndefined();
  });
  it('never exceeds the limit, and wastes no more of it than the timers of this machine do', async () => {
    const pacer = new TokenBucketPacer();
    const limit = { perSecond: 200, burst: 10 };
    for (let i = 0; i < 9; i++) await pacer.take('steady', limit); // the burst
    const started = performance.now();
    for (let i = 0; i < 100; i++) await pacer.take('steady', limit);
    const rate = 100 / ((performance.now() - started) / 1000);
    // the best a timer-driven sender reaches here and now: 100 sleeps of 5 ms (a loaded machine fires them late)
    const timed = performance.now();
    for (let i = 0; i < 100; i++) await new Promise((r) => setTimeout(r, 5));
    const timerRate = 100 / ((performance.now() - timed) / 1000);
    expect(rate).toBeLessThanOrEqual(200);
    expect(rate).toBeGreaterThan(Math.min(200, timerRate) * 0.9);
  });
});
