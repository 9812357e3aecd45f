/**
 * WAL checkpoints off the event loop: once a store is busy, the worker's PASSIVE checkpoints let the WAL restart
 * (the writer's own automatic checkpoint is raised to 8,192 pages, so a WAL that stays small was checkpointed by
 * the worker), everything written stays readable after close and reopen, and a fresh store starts no worker.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('WAL checkpointer', () => {
  it('keeps the WAL small without checkpointing on the writer, and loses nothing', async () => {
    const file = join(dir, 'busy.db');
    const store = createSqliteStore(file);
    await store.migrate();
    // small transactions until the worker starts (~3.6 MB of WAL, checkpointed by the writer at 1,000 pages)
    for (let i = 0; i < 300; i++)
      await store.transaction(async (tx) =>
        tx.insertWorkspace({ id: `small_${i}`, name: `${i}`, createdAt: new Date().toISOString() }),
      );
    const big = 'x'.repeat(12_000); // 3+ pages per transaction: ~2,400 WAL frames (~10 MB) over the run
    for (let i = 0; i < 600; i++) {
      if (i % 100 === 0) await new Promise((r) => setTimeout(r, 450)); // a quiet moment, as between bursts of traffic
      await store.transaction(async (tx) =>
        tx.insertWorkspace({ id: `ws_${i}`, name: `${i}${big}`, createdAt: new Date().toISOString() }),
      );
    }
    // the WAL file never shrinks: its size is the most it ever held. Checkpointed by the writer alone it reaches
    // ~18 MB here (the raised threshold: 8,192 pages); the worker restarts it at every quiet moment
    expect(statSync(`${file}-wal`).size).toBeLessThan(6 * 1024 * 1024);
    await store.close();
    const reopened = createSqliteStore(file);
    expect((await reopened.getWorkspace('ws_599'))?.name.startsWith('599')).toBe(true);
    expect((await reopened.getWorkspace('ws_0'))?.name.length).toBe(12_001);
    await reopened.close();
  }, 30_000);
});
