/** The SQLite files are private to the hub's user: created 0600 (with the -wal and -shm), and tightened when older. */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from './index.js';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
const FILES = ['', '-wal', '-shm'];

describe('sqlite file modes', () => {
  const root = mkdtempSync(join(tmpdir(), 'switchboard-modes-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates the directory 0700 and the database, -wal and -shm 0600 whatever the umask allows', async () => {
    const file = join(root, 'new', 'switchboard.db');
    const store = createSqliteStore(file);
    await store.migrate();
    expect([mode(join(root, 'new')), ...FILES.map((s) => mode(`${file}${s}`))]).toEqual(['700', '600', '600', '600']);
    await store.close();
  });

  it('tightens a database an older version left 0644', async () => {
    const file = join(root, 'old.db');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec('create table t (x)');
    for (const s of FILES) chmodSync(`${file}${s}`, 0o644);
    const store = createSqliteStore(file);
    await store.migrate();
    expect(FILES.map((s) => mode(`${file}${s}`))).toEqual(['600', '600', '600']);
    await store.close();
    old.close();
  });
});
