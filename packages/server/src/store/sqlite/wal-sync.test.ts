import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WalSync } from './wal-sync.js';

describe('WAL sync (group commit off the event loop)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-wal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is clean until a commit, then one sync makes every earlier commit durable', async () => {
    const file = join(dir, 'a.db-wal');
    writeFileSync(file, 'frames');
    const wal = new WalSync(file);
    expect(wal.dirty).toBe(false);
    await wal.barrier(); // nothing to wait for
    wal.noteCommit();
    wal.noteCommit();
    expect(wal.dirty).toBe(true);
    const waits = [wal.barrier(), wal.barrier(), wal.barrier()];
    await Promise.all(waits);
    expect(wal.dirty).toBe(false);
    wal.close();
  });

  it('makes a commit that came after a sync started wait for the next sync', async () => {
    const file = join(dir, 'b.db-wal');
    writeFileSync(file, 'frames');
    const wal = new WalSync(file);
    wal.noteCommit();
    const first = wal.barrier();
    wal.noteCommit(); // after the first sync started: not covered by it
    const second = wal.barrier();
    await first;
    expect(wal.dirty).toBe(true);
    await second;
    expect(wal.dirty).toBe(false);
    wal.close();
  });

  it('releases its waiters when there is no WAL file yet and on close', async () => {
    const wal = new WalSync(join(dir, 'missing', 'c.db-wal'));
    wal.noteCommit();
    await wal.barrier(); // no WAL file: nothing written through it, nothing to sync
    const closing = new WalSync(join(dir, 'd.db-wal'));
    writeFileSync(join(dir, 'd.db-wal'), 'x');
    closing.noteCommit();
    const pending = closing.barrier();
    closing.close();
    await pending;
    await closing.barrier();
  });
});
