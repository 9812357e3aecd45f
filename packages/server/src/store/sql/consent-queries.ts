/**
 * @module store/sql/consent-queries
 * The ConsentStoreOps port (core/ports/consent-store.ts) over Kysely, for both dialects: one row per (workspace,
 * channel type, address) in consents (0014_consent), replaced on every change.
 */
import type { Selectable } from 'kysely';
import { newId } from '../../model/index.js';
import type { ConsentRecord, ConsentSource, ConsentStoreOps } from '../../core/ports/index.js';
import type { ConsentsTable } from './schema.js';
import { Queries } from './queries.js';

const toConsent = (r: Selectable<ConsentsTable>): ConsentRecord => ({
  workspaceId: r.workspace_id,
  channelType: r.channel_type,
  address: r.address,
  optedOut: Number(r.opted_out) === 1,
  optedOutAt: r.opted_out_at,
  source: r.source as ConsentSource,
  keyword: r.keyword,
  updatedAt: r.updated_at,
});

export class ConsentQueries extends Queries implements ConsentStoreOps {
  async getConsent(workspaceId: string, channelType: string, address: string): Promise<ConsentRecord | undefined> {
    const row = await this.db
      .selectFrom('consents')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('channel_type', '=', channelType)
      .where('address', '=', address)
      .executeTakeFirst();
    return row && toConsent(row);
  }

  /** the row keeps the id of its first write */
  async upsertConsent(row: ConsentRecord): Promise<void> {
    const values = {
      opted_out: row.optedOut ? 1 : 0,
      opted_out_at: row.optedOutAt,
      source: row.source,
      keyword: row.keyword,
      updated_at: row.updatedAt,
    };
    await this.db
      .insertInto('consents')
      .values({
        id: newId('cns'),
        workspace_id: row.workspaceId,
        channel_type: row.channelType,
        address: row.address,
        ...values,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'channel_type', 'address']).doUpdateSet(values))
      .execute();
  }

  async listContactConsents(workspaceId: string, contactId: string): Promise<ConsentRecord[]> {
    const rows = await this.db
      .selectFrom('consents')
      .innerJoin('contact_identities as i', (j) =>
        j
          .onRef('i.workspace_id', '=', 'consents.workspace_id')
          .onRef('i.channel_type', '=', 'consents.channel_type')
          .onRef('i.address', '=', 'consents.address'),
      )
      .selectAll('consents')
      .where('consents.workspace_id', '=', workspaceId)
      .where('i.contact_id', '=', contactId)
      .orderBy('consents.channel_type')
      .orderBy('consents.address')
      .execute();
    return rows.map(toConsent);
  }
}
