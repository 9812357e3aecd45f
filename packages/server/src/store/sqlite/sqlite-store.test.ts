import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreContract } from '../store.contract.js';
import { createSqliteStore } from './index.js';

runStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-store-'));
  return {
    store: createSqliteStore(join(dir, 'test.db')),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
