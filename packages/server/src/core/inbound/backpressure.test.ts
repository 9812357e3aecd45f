/**
 * The ingest bound over a real (empty) SQLite store: refused at the bound, resumed only under 90 % of it, the
 * estimate replaced by each read of the store, and a nearly full disk refusing whatever the backlog.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../ports/index.js';
import { openTestStore, type TestStore } from '../../testing/test-databases.js';
import { IngestBackpressure } from './backpressure.js';

describe('ingest back-pressure', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore('sqlite', 'backpressure');
    await t.store.migrate();
  });
  afterAll(() => t.dispose());

  it('refuses at the bound and resumes under 90 % of it; a read of the store replaces the estimate', async () => {
    const bp = new IngestBackpressure(t.store, systemClock, { maxBacklog: 10, minFreeBytes: 0 });
    await bp.start();
    bp.stop();
    expect(bp.admit()).toEqual({ ok: true });
    bp.stored(9);
    expect(bp.admit()).toEqual({ ok: true });
    bp.stored(1);
    expect(bp.admit()).toEqual({ ok: false, reason: 'backlog', retryAfterSeconds: 5 });
    expect(bp.snapshot().pending).toBe(10);
    // the store holds none of them (they were only counted): the read brings the figure back to 0
    await bp.refresh();
    expect(bp.snapshot()).toEqual({ pending: 0, lagSeconds: 0 });
    bp.stored(9);
    // still refusing: 9 is not under 90 % of 10
    expect(bp.admit().ok).toBe(false);
    await bp.refresh();
    expect(bp.admit()).toEqual({ ok: true });
    bp.stored(9);
    expect(bp.admit()).toEqual({ ok: true });
  });

  it('refuses while the disk has less free space than the minimum, whatever the backlog', async () => {
    let free = 50;
    const bp = new IngestBackpressure(t.store, systemClock, {
      maxBacklog: 0,
      minFreeBytes: 100,
      freeBytes: async () => free,
    });
    await bp.start();
    bp.stop();
    expect(bp.admit()).toEqual({ ok: false, reason: 'disk', retryAfterSeconds: 60 });
    free = 1000;
    expect(bp.admit().ok).toBe(false); // until the next read
    await bp.refresh();
    expect(bp.admit()).toEqual({ ok: true });
  });
});
