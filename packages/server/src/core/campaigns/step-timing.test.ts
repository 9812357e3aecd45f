import { describe, expect, it } from 'vitest';
import { assignVariant, nextLocalTime } from './step-timing.js';

describe('campaign step timing', () => {
  it('finds the next local time of day in the recipient’s zone: the same day while ahead, else the next', () => {
    // 08:30 in Berlin (CET, UTC+1): 10:00 is still ahead today = 09:00 UTC
    expect(nextLocalTime(new Date('2026-01-15T07:30:00Z'), '10:00', 0, 'Europe/Berlin').toISOString()).toBe(
      '2026-01-15T09:00:00.000Z',
    );
    // 11:00 in Berlin: tomorrow's 10:00
    expect(nextLocalTime(new Date('2026-01-15T10:00:00Z'), '10:00', 0, 'Europe/Berlin').toISOString()).toBe(
      '2026-01-16T09:00:00.000Z',
    );
    // the day after, whatever the hour: 23:30 in New York (UTC-5) on the 15th → the 16th at 10:00 there
    expect(nextLocalTime(new Date('2026-01-16T04:30:00Z'), '10:00', 1, 'America/New_York').toISOString()).toBe(
      '2026-01-16T15:00:00.000Z',
    );
    // across the end of a month and a year, in a zone ahead of UTC by 14 hours
    expect(nextLocalTime(new Date('2026-12-31T09:00:00Z'), '09:00', 0, 'Pacific/Kiritimati').toISOString()).toBe(
      '2026-12-31T19:00:00.000Z',
    );
    // a DST change in between: Berlin moves to CEST (UTC+2) on 29 March 2026
    expect(nextLocalTime(new Date('2026-03-28T12:00:00Z'), '10:00', 1, 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T08:00:00.000Z',
    );
  });

  it('assigns variants by a stable hash, close to the split', () => {
    const split = [{ percent: 70 }, { percent: 30 }];
    const counts = [0, 0];
    for (let i = 0; i < 10_000; i++) {
      const v = assignVariant('cmp_1', 0, `ct_${i}`, split);
      counts[v] = (counts[v] ?? 0) + 1;
      // the same answer every time it is asked
      if (i < 100) expect(assignVariant('cmp_1', 0, `ct_${i}`, split)).toBe(v);
    }
    expect(Math.abs((counts[0] ?? 0) / 10_000 - 0.7)).toBeLessThan(0.02);
    // another step splits independently of the first
    const again = Array.from({ length: 200 }, (_, i) => assignVariant('cmp_1', 1, `ct_${i}`, split));
    const first = Array.from({ length: 200 }, (_, i) => assignVariant('cmp_1', 0, `ct_${i}`, split));
    expect(again).not.toEqual(first);
  });
});
