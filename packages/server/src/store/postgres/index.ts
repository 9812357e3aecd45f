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
  // a dropped connection (a database restart) is reported on the pool for idle clients and on the client itself
  // for checked-out ones; without a listener the latter crashes the process. The query in flight fails on its
  // own (and is retried by whoever ran it); the pool opens a new connection on next use.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return new KyselyStore(kysely, 'postgres');
}
