/**
 * The durable SQLite dialect answers a write only after the WAL holding it is synced — and after a sync failure it
 * answers nothing at all, reads included, so /healthz fails and the process is restarted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { DurableSqliteDialect } from './durable-driver.js';
import { WalSync } from './wal-sync.js';

describe('durable SQLite dialect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-durable-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('syncs before answering a write (RETURNING included), and refuses every query after a failed sync', async () => {
    const file = join(dir, 'a.db');
    const raw = new BetterSqlite3(file);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    const wal = new WalSync(`${file}-wal`);
    let syncs = 0;
    let fail = false;
    const real = (wal as unknown as { sync: () => Promise<void> }).sync.bind(wal);
    (wal as unknown as { sync: () => Promise<void> }).sync = () => {
      syncs++;
      return fail ? Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })) : real();
    };
    const db = new Kysely<{ t: { id: number; v: string } }>({
      dialect: new DurableSqliteDialect({ database: raw }, raw, wal),
    });
    await sql`create table t (id integer primary key, v text)`.execute(db);
    await db.insertInto('t').values({ id: 1, v: 'a' }).execute();
    expect(syncs).toBeGreaterThan(0);
    const before = syncs;
    // a write with RETURNING runs as a reader (no affected-row count) and must still wait for the sync
    expect(await db.updateTable('t').set({ v: 'b' }).where('id', '=', 1).returning('v').execute()).toEqual([
      { v: 'b' },
    ]);
    expect(syncs).toBeGreaterThan(before);

    fail = true;
    await expect(db.insertInto('t').values({ id: 2, v: 'c' }).execute()).rejects.toThrow(/could not be synced/);
    fail = false; // the disk "recovers": nothing is trusted until a restart anyway
    await expect(sql`select 1`.execute(db)).rejects.toThrow(/writes are refused until a restart/);
    await expect(db.insertInto('t').values({ id: 3, v: 'd' }).execute()).rejects.toThrow(/could not be synced/);
    await db.destroy();
  });
});
