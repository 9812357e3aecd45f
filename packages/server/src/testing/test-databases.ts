/**
 * @module testing/test-databases
 * Real databases for tests: a fresh PostgreSQL database per run on the machine's server (trust auth, dropped
 * afterwards, so parallel runs never collide), and a store on either dialect for tests that run on both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Store } from '../core/ports/index.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import { createPostgresStore } from '../store/postgres/index.js';

export const PG_ADMIN_URL = process.env.SWITCHBOARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function admin(statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

/** a new, empty PostgreSQL database named `switchboard_<prefix>_<random>`; `drop` removes it */
export async function freshPostgresDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `switchboard_${prefix}_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

export interface TestStore {
  store: Store;
  dispose(): Promise<void>;
}

/** a store on SQLite (a temporary file) or on a fresh PostgreSQL database, removed again by `dispose` */
export async function openTestStore(dialect: 'sqlite' | 'postgres', prefix: string, poolSize = 4): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `switchboard-${prefix}-`));
    const store = createSqliteStore(join(dir, 'test.db'));
    return {
      store,
      dispose: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const database = await freshPostgresDatabase(prefix);
  const store = createPostgresStore(database.url, { poolSize });
  return {
    store,
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
}
