/**
 * @module store/sql/body-scrub
 * Migration 0025_vk_rcs: VK's Callback API puts its `secret` inside the request body
 * (https://dev.vk.com/en/api/callback/getting-started), and raw events of VK connections were stored with it as
 * received, for the whole retention time and in `switchboard export`. This rewrites those bodies the way they are
 * stored now (channel-kit/stored-request.ts `storedBody`): the credential fields as a digest, every other byte as
 * it was. Idempotent: a body already in the stored form is left as it is.
 */
import type { Kysely } from 'kysely';
import { storedBody, type StoredBody } from '../../channel-kit/stored-request.js';
import type { Database } from './schema.js';

/**
 * The stored-body rules of the built-in channels when this migration shipped. A migration must do the same whenever
 * it runs, so it keeps its own copy; a test holds it equal to the connectors' `inbound.storedBody`.
 */
export const STORED_BODY_0025: Readonly<Record<string, StoredBody>> = {
  vk: { digestJsonFields: ['secret'] },
};

export async function scrubStoredBodies(db: Kysely<Database>): Promise<void> {
  const types = new Map(
    (await db.selectFrom('connections').select(['id', 'type']).execute()).map((c) => [c.id, c.type] as const),
  );
  const connectionIds = [...types].filter(([, type]) => STORED_BODY_0025[type] !== undefined).map(([id]) => id);
  if (connectionIds.length === 0) return;
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('inbound_events')
      .select(['id', 'connection_id', 'body'])
      .where('connection_id', 'in', connectionIds)
      .where('id', '>', after)
      .orderBy('id')
      .limit(500)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const spec = STORED_BODY_0025[types.get(row.connection_id) ?? ''];
      const body = Buffer.from(row.body);
      const next = storedBody(body, spec);
      if (!next.equals(body))
        await db.updateTable('inbound_events').set({ body: next }).where('id', '=', row.id).execute();
    }
    after = rows[rows.length - 1]?.id as string;
  }
}
