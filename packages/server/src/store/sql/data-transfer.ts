/**
 * @module store/sql/data-transfer
 * `switchboard export` / `import`: every table as JSON lines, in foreign-key order, so an embedded (SQLite)
 * install moves to PostgreSQL — or back — with its conversations, connections, secrets (still sealed: keep the
 * same master key) and pending work. Import is insert-or-ignore, so it can be re-run after an interruption.
 */
import { sql } from 'kysely';
import type { Database } from './schema.js';
import type { KyselyStore } from './kysely-store.js';

/**
 * parents before children; the key column(s) order the pages and are the conflict target of the re-runnable
 * import. A table absent here must be in NOT_TRANSFERRED with the reason (a test holds every table to one list).
 */
export const TRANSFER_TABLES: ReadonlyArray<readonly [keyof Database, string | readonly string[]]> = [
  ['workspaces', 'id'],
  ['users', 'id'],
  ['api_keys', 'id'],
  ['connections', 'id'],
  ['connection_logs', 'id'],
  // health: the first inbound seen (the first-message check) and the checks' last answers
  ['connection_health', 'connection_id'],
  // the last hour of provider calls: the error-rate and latency watch goes on where it was
  ['provider_calls', 'id'],
  ['contacts', 'id'],
  ['contact_identities', 'id'],
  // the web-chat cap on open conversations per visitor address keeps counting after the move
  ['visitor_addresses', ['connection_id', 'visitor_id']],
  ['conversations', 'id'],
  ['messages', 'id'],
  // the parts of a message a provider splits (e.g. VK attachments) still being gathered
  ['message_parts', ['connection_id', 'group_key', 'part_index']],
  // phone calls: their outcome and duration are the conversation's record
  ['calls', 'id'],
  ['message_status_events', 'id'],
  ['inbound_events', 'id'],
  ['outbox', 'seq'],
  ['attachments', 'id'],
  ['media_blobs', 'key'],
  ['templates', 'id'],
  ['rate_buckets', 'key'],
  ['dead_letters', 'id'],
  ['routing_rules', 'id'],
  ['teams', 'id'],
  ['team_members', 'id'],
  ['conversation_events', 'id'],
  ['routing_marks', 'message_id'],
  ['agents', 'id'],
  ['agent_connections', 'id'],
  ['agent_sessions', 'id'],
  ['agent_turns', 'id'],
  // opt-outs (STOP) must survive a move: sending to them again is what the customer refused
  ['consents', 'id'],
  // the master key's check value moves with the secrets it vouches for
  ['key_checks', 'id'],
  // when each admin notification last went: a move does not mail the same news again
  ['notification_marks', ['workspace_id', 'key']],
  // outgoing webhooks and their pending deliveries (signed with the sealed secret that moves with them)
  ['webhook_subscriptions', 'id'],
  ['webhook_deliveries', 'id'],
  // campaigns move mid-run: a job already sent stays sent on the other side (exactly once across the move)
  ['segments', 'id'],
  ['campaigns', 'id'],
  ['campaign_audience', ['campaign_id', 'contact_id']],
  ['campaign_recipients', 'id'],
  ['campaign_jobs', 'id'],
];

/** tables an export leaves out on purpose, and why */
export const NOT_TRANSFERRED: Readonly<Partial<Record<keyof Database, string>>> = {
  meta_connect_grants: 'single-use sign-in states that live for minutes; a move ends any sign-in under way',
};

const keyColumns = (key: string | readonly string[]): readonly string[] => (typeof key === 'string' ? [key] : key);

export interface TransferLine {
  table: string;
  row: Record<string, unknown>;
}

const encode = (row: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      Buffer.isBuffer(v) || v instanceof Uint8Array ? { $bytes: Buffer.from(v).toString('base64') } : v,
    ]),
  );
const decode = (row: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      v && typeof v === 'object' && '$bytes' in v ? Buffer.from(String((v as { $bytes: string }).$bytes), 'base64') : v,
    ]),
  );

export async function* exportDatabase(store: KyselyStore, pageSize = 500): AsyncGenerator<TransferLine> {
  const db = store.kysely;
  for (const [table, key] of TRANSFER_TABLES) {
    const columns = keyColumns(key);
    let after: unknown[] | undefined;
    for (;;) {
      let q = db.selectFrom(table).selectAll().limit(pageSize);
      for (const column of columns) q = q.orderBy(sql.ref(column));
      if (after !== undefined) {
        // keyset paging on a row value: both SQLite (3.15+) and PostgreSQL compare (a, b) > (x, y) in order
        const values = after;
        q = q.where(
          sql<boolean>`(${sql.join(columns.map((c) => sql.ref(c)))}) > (${sql.join(values.map((v) => sql.val(v)))})`,
        );
      }
      const rows = (await q.execute()) as Array<Record<string, unknown>>;
      for (const row of rows) yield { table, row: encode(row) };
      if (rows.length < pageSize) break;
      const last = rows[rows.length - 1] as Record<string, unknown>;
      after = columns.map((c) => last[c]);
    }
  }
}

export async function importDatabase(
  store: KyselyStore,
  lines: AsyncIterable<TransferLine>,
  batchSize = 200,
): Promise<Record<string, number>> {
  const db = store.kysely;
  const counts: Record<string, number> = {};
  const known = new Map(TRANSFER_TABLES.map(([t, k]) => [t as string, k]));
  let batch: Array<Record<string, unknown>> = [];
  let current: string | undefined;
  const flush = async () => {
    if (!current || batch.length === 0) return;
    const columns = keyColumns(known.get(current) as string | readonly string[]);
    await db
      .insertInto(current as keyof Database)
      .values(batch as never)
      .onConflict((oc) => oc.columns(columns as never).doNothing())
      .execute();
    counts[current] = (counts[current] ?? 0) + batch.length;
    batch = [];
  };
  for await (const line of lines) {
    if (!known.has(line.table)) throw new Error(`unknown table '${line.table}' in the export`);
    if (line.table !== current) {
      await flush();
      current = line.table;
    }
    batch.push(decode(line.row));
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  if (store.dialect === 'postgres') {
    // the outbox sequence must continue after the imported rows
    await sql`select setval(pg_get_serial_sequence('outbox', 'seq'), greatest((select coalesce(max(seq), 0) from outbox), 1))`.execute(
      db,
    );
  }
  return counts;
}
