/**
 * @module store/sql/visitor-queries
 * The VisitorStoreOps port (core/ports/visitor-store.ts) over Kysely, for both dialects: which (hashed) address each
 * webchat visitor wrote from, counted against the open-conversation cap per address.
 */
import { sql } from 'kysely';
import type { VisitorStoreOps } from '../../core/ports/index.js';
import { Queries } from './queries.js';

/** the visitor (v.) holds an unresolved conversation on v.connection_id */
const holdsOpen = sql<boolean>`exists (select 1 from conversations c where c.connection_id = v.connection_id and c.address = v.visitor_id and c.status <> 'resolved')`;
/** the visitor's first message since v.recorded_at has not opened its conversation yet */
const pending = (since: string) =>
  sql<boolean>`(v.recorded_at >= ${since} and not exists (select 1 from conversations c where c.connection_id = v.connection_id and c.address = v.visitor_id and c.created_at >= v.recorded_at))`;

export class VisitorQueries extends Queries implements VisitorStoreOps {
  async recordVisitorAddress(connectionId: string, visitorId: string, addressKey: string, at: string): Promise<void> {
    await this.db
      .insertInto('visitor_addresses')
      .values({ connection_id: connectionId, visitor_id: visitorId, address_key: addressKey, recorded_at: at })
      .onConflict((oc) =>
        oc.columns(['connection_id', 'visitor_id']).doUpdateSet({ address_key: addressKey, recorded_at: at }),
      )
      .execute();
  }

  async visitorHoldsConversation(connectionId: string, visitorId: string, pendingSince: string): Promise<boolean> {
    const r = await sql<{ n: number | string }>`
      select (case when exists (select 1 from conversations c where c.connection_id = ${connectionId} and c.address = ${visitorId} and c.status <> 'resolved')
        or exists (select 1 from visitor_addresses v where v.connection_id = ${connectionId} and v.visitor_id = ${visitorId} and ${pending(pendingSince)})
        then 1 else 0 end) as n`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0) === 1;
  }

  async countAddressConversations(connectionId: string, addressKey: string, pendingSince: string): Promise<number> {
    const r = await sql<{ n: number | string }>`
      select count(*) as n from visitor_addresses v
      where v.connection_id = ${connectionId} and v.address_key = ${addressKey} and (${holdsOpen} or ${pending(pendingSince)})`.execute(
      this.db,
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  async pruneVisitorAddresses(before: string): Promise<number> {
    const r = await sql`delete from visitor_addresses where recorded_at < ${before}
      and not exists (select 1 from conversations c where c.connection_id = visitor_addresses.connection_id and c.address = visitor_addresses.visitor_id and c.status <> 'resolved')`.execute(
      this.db,
    );
    return Number(r.numAffectedRows ?? 0);
  }
}
