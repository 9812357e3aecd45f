/**
 * `switchboard export` / `import` carry every table: each table the migrations create is either transferred or
 * listed with the reason it is not, and tables keyed on several columns page and re-import like the others.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestStore, type TestStore } from '../../testing/test-databases.js';
import { newId } from '../../model/index.js';
import type { KyselyStore } from './kysely-store.js';
import {
  exportDatabase,
  importDatabase,
  NOT_TRANSFERRED,
  TRANSFER_TABLES,
  type TransferLine,
} from './data-transfer.js';

const opened: TestStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.dispose();
});

async function migrated(dialect: 'sqlite' | 'postgres'): Promise<KyselyStore> {
  const t = await openTestStore(dialect, 'transfer');
  opened.push(t);
  await t.store.migrate();
  return t.store as KyselyStore;
}

async function tablesOf(store: KyselyStore): Promise<string[]> {
  const rows =
    store.dialect === 'postgres'
      ? await sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = 'public'`.execute(store.kysely)
      : await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(store.kysely);
  return rows.rows
    .map((r) => r.name)
    .filter((n) => !n.startsWith('kysely_') && !n.startsWith('sqlite_'))
    .sort();
}

async function* replay(lines: TransferLine[]): AsyncGenerator<TransferLine> {
  yield* lines;
}

describe.each(['sqlite', 'postgres'] as const)('data transfer on %s', (dialect) => {
  it('names every table the migrations create: transferred, or left out with a reason', async () => {
    const store = await migrated(dialect);
    const transferred = TRANSFER_TABLES.map(([t]) => t as string);
    const left = Object.keys(NOT_TRANSFERRED);
    expect(transferred.filter((t) => left.includes(t))).toEqual([]);
    expect(new Set(transferred).size).toBe(transferred.length);
    const named = new Set([...transferred, ...left]);
    expect((await tablesOf(store)).filter((t) => !named.has(t))).toEqual([]);
    // and nothing is named that does not exist
    const existing = new Set(await tablesOf(store));
    expect([...named].filter((t) => !existing.has(t))).toEqual([]);
  });

  it('pages a table keyed on several columns and re-imports it once, insert-or-ignore', async () => {
    const source = await migrated(dialect);
    const ws = newId('ws');
    const at = new Date().toISOString();
    await source.insertWorkspace({ id: ws, name: 'w', createdAt: at });
    const connection = {
      id: newId('conn'),
      workspaceId: ws,
      type: 'webchat',
      name: 'c',
      description: '',
      config: {},
      status: 'STOPPED',
      statusReason: null,
      deprecated: false,
      createdAt: at,
      updatedAt: at,
    } as const;
    await source.insertConnection(connection);
    // more rows than a page, sharing the first key column: the keyset must step over the composite key
    for (let i = 0; i < 7; i++) await source.recordVisitorAddress(connection.id, `vis_${i}`, `addr-${i % 2}`, at);

    const lines: TransferLine[] = [];
    for await (const line of exportDatabase(source, 3)) lines.push(line);
    const visitors = lines.filter((l) => l.table === 'visitor_addresses').map((l) => l.row.visitor_id);
    expect(visitors).toEqual(['vis_0', 'vis_1', 'vis_2', 'vis_3', 'vis_4', 'vis_5', 'vis_6']);

    const target = await migrated(dialect);
    const counts = await importDatabase(target, replay(lines), 2);
    expect(counts.visitor_addresses).toBe(7);
    // a second run (after an interruption) inserts nothing twice
    await importDatabase(target, replay(lines), 2);
    const rows = await target.kysely.selectFrom('visitor_addresses').select(['visitor_id']).execute();
    expect(rows.length).toBe(7);
    expect(await target.countAddressConversations(connection.id, 'addr-0', at)).toBe(4);
  });
});
