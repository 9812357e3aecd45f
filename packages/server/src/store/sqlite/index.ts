/**
 * @module store/sqlite
 * The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a transaction that returned is on
 * disk before we acknowledge the provider (an acknowledged webhook survives a crash or a power cut).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../sql/schema.js';
import { KyselyStore } from '../sql/kysely-store.js';

export function createSqliteStore(file: string): KyselyStore {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new BetterSqlite3(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return new KyselyStore(kysely, 'sqlite');
}
