/** The store contract on a real PostgreSQL: a database of its own per run (127.0.0.1:5432, trust auth). */
import { runStoreContract } from '../store.contract.js';
import { freshPostgresDatabase } from '../../testing/test-databases.js';
import { createPostgresStore } from './index.js';

runStoreContract('postgres', async () => {
  const database = await freshPostgresDatabase('test');
  return { store: createPostgresStore(database.url, { poolSize: 4 }), dispose: () => database.drop() };
});
