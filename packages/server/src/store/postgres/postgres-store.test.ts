/** The store contract on a real PostgreSQL: a database of its own per run (127.0.0.1:5432, trust auth). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runStoreContract } from '../store.contract.js';
import { createPostgresStore } from './index.js';

const ADMIN_URL = process.env.SWITCHBOARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

runStoreContract('postgres', async () => {
  const name = `switchboard_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    store: createPostgresStore(url.toString(), { poolSize: 4 }),
    dispose: async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
});
