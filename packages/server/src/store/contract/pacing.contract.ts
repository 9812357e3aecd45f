/** Store contract, pacing: one token bucket per key shared by every process. */
import { describe, expect, it } from 'vitest';
import type { StoreContext } from './context.js';

export function pacingContract(ctx: StoreContext): void {
  describe('pacing', () => {
    it('paces through one shared token bucket: burst, then slots at the rate, paused by retry-after', async () => {
      const { store } = ctx;
      const t0 = 1_000_000;
      const waits: number[] = [];
      // 3 burst tokens at 10/s; 6 takes at the same instant → 0,0,0 then slots 100, 200, 300 ms later
      for (let i = 0; i < 6; i++) waits.push(await store.reserveToken('bucket-a', 10, 3, t0));
      expect(waits).toEqual([0, 0, 0, 100, 200, 300]);
      // a second later the debt is repaid and the bucket refilled (capped at the burst)
      expect(await store.reserveToken('bucket-a', 10, 3, t0 + 2000)).toBe(0);
      // concurrent takers (several processes) never get more than burst + rate × time
      const concurrent = await Promise.all(Array.from({ length: 20 }, () => store.reserveToken('bucket-b', 5, 2, t0)));
      expect(concurrent.filter((w) => w === 0)).toHaveLength(2);
      expect([...concurrent].sort((a, b) => a - b).slice(2)).toEqual(
        Array.from({ length: 18 }, (_, i) => (i + 1) * 200),
      );
      await store.pauseBucket('bucket-c', 10, t0 + 5000, t0);
      expect(await store.reserveToken('bucket-c', 10, 3, t0)).toBe(5100);
    });

    it("a pause deepens an existing bucket's debt but never forgives it, and a pause in the past does nothing", async () => {
      const { store } = ctx;
      const t0 = 2_000_000;
      await store.pauseBucket('bucket-d', 10, t0 - 1000, t0);
      expect(await store.reserveToken('bucket-d', 10, 3, t0)).toBe(0);
      await store.pauseBucket('bucket-d', 10, t0 + 3000, t0);
      await store.pauseBucket('bucket-d', 10, t0 + 1000, t0); // a shorter pause keeps the longer one
      expect(await store.reserveToken('bucket-d', 10, 3, t0)).toBe(3100);
    });

    it('the campaign lane takes only a token that is there and never goes into debt', async () => {
      const { store } = ctx;
      const t0 = 3_000_000;
      // 2 tokens at 10/s: two takes now, the third is told to come back in 100 ms and takes nothing
      expect(await store.takeTokenIfAvailable('bucket-e', 10, 2, t0)).toBe(0);
      expect(await store.takeTokenIfAvailable('bucket-e', 10, 2, t0)).toBe(0);
      expect(await store.takeTokenIfAvailable('bucket-e', 10, 2, t0)).toBe(100);
      // nothing was reserved: a reservation at the same instant gets the first slot (100 ms), not a later one
      expect(await store.reserveToken('bucket-e', 10, 2, t0)).toBe(100);
      // the reservation's debt holds the campaign lane back until it is repaid
      expect(await store.takeTokenIfAvailable('bucket-e', 10, 2, t0 + 100)).toBe(100);
      expect(await store.takeTokenIfAvailable('bucket-e', 10, 2, t0 + 200)).toBe(0);
    });
  });
}
