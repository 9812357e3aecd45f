import { describe, expect, it } from 'vitest';
import { TurnBatcher } from './turn-batcher.js';

describe('turn batcher', () => {
  it('hands the calls of one event-loop turn to one run, each caller getting its own result', async () => {
    const runs: number[][] = [];
    const batcher = new TurnBatcher<number, number>(async (items) => {
      runs.push(items);
      return items.map((n) => n * 10);
    }, 100);
    expect(await Promise.all([1, 2, 3].map((n) => batcher.add(n)))).toEqual([10, 20, 30]);
    expect(await batcher.add(4)).toBe(40);
    expect(runs).toEqual([[1, 2, 3], [4]]);
  });
  it('flushes at maxBatch without waiting for the turn to end, and rejects every caller of a failed run', async () => {
    const runs: number[][] = [];
    const batcher = new TurnBatcher<number, number>(async (items) => {
      runs.push(items);
      if (items.includes(3)) throw new Error('disk full');
      return items;
    }, 2);
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    expect(runs).toEqual([[1, 2], [3, 4], [5]]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
  });
});
