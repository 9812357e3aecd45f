/** The small pure parts of the health watch: coarse durations (a warning's text changes rarely) and percentiles. */
import { describe, expect, it } from 'vitest';
import { percentile, roughly, worstState } from './health-service.js';

describe('health watch arithmetic', () => {
  it('says durations coarsely', () => {
    expect(roughly(20_000)).toBe('20 s');
    expect(roughly(5 * 60_000 + 20_000)).toBe('5 min');
    expect(roughly(75 * 60_000)).toBe('1 h');
    expect(roughly(47.9 * 3_600_000)).toBe('47 h');
    expect(roughly(100 * 3_600_000)).toBe('4 days');
  });
  it('takes the nearest-rank percentile and the worst state', () => {
    expect(percentile([], 0.9)).toBe(0);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 0.9)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 0.95)).toBe(100);
    expect(percentile([7], 0.5)).toBe(7);
    expect(worstState([{ state: 'healthy' }, { state: 'failing' }, { state: 'warning' }])).toBe('failing');
  });
});
