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

  it('never reports a commit durable after one failed sync, even if a later sync succeeds', async () => {
    const file = join(dir, 'e.db-wal');
    writeFileSync(file, 'frames');
    const wal = new WalSync(file);
    // the disk reports a write-back error once (EIO), then syncs "fine" with the lost pages dropped
    let calls = 0;
    const real = (wal as unknown as { sync: () => Promise<void> }).sync.bind(wal);
    (wal as unknown as { sync: () => Promise<void> }).sync = () =>
      ++calls === 1 ? Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })) : real();
    wal.noteCommit();
    const first = wal.barrier();
    wal.noteCommit();
    const second = wal.barrier();
    await expect(first).rejects.toThrow(/could not be synced.*EIO/);
    await expect(second).rejects.toThrow(/writes are refused until a restart/);
    wal.noteCommit();
    await expect(wal.barrier()).rejects.toThrow(/could not be synced/);
    expect(wal.failed?.message).toContain('EIO');
    expect(calls).toBe(1);
    wal.close();
  });
});
