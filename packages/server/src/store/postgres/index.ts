/**
 * @module store/postgres
 * The scaled store: PostgreSQL through pg's pool, same query layer and migrations as SQLite.
 */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../sql/schema.js';
import { KyselyStore } from '../sql/kysely-store.js';

export function createPostgresStore(connectionString: string, options: { poolSize?: number } = {}): KyselyStore {
  const pool = new pg.Pool({ connectionString, max: options.poolSize ?? 10 });
  // a dropped connection (server restart) is reported here; the pool replaces it on next use
  pool.on('error', () => undefined);
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return new KyselyStore(kysely, 'postgres');
}
