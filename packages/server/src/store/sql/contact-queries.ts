/**
 * @module store/sql/contact-queries
 * The ContactStoreOps port (core/ports/contact-store.ts) over Kysely, for both dialects: contacts and their channel
 * identities.
 */
import { sql, type Selectable } from 'kysely';
import type { ContactIdentitiesTable, ContactsTable } from './schema.js';
import type {
  ContactRecord,
  ContactSearch,
  ContactStoreOps,
  IdentityRecord,
  Page,
  PageQuery,
} from '../../core/ports/index.js';
import { Queries, json, parseJson } from './queries.js';
import { page } from './pagination.js';

// rows come from Kysely or from the dialect's native statements (same `select *` shape)
function toContact(r: Selectable<ContactsTable>): ContactRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    attributes: parseJson<Record<string, unknown>>(r.attributes),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.merged_into ? { mergedInto: r.merged_into } : {}),
  };
}
function toIdentity(r: Selectable<ContactIdentitiesTable>): IdentityRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    contactId: r.contact_id,
    channelType: r.channel_type,
    address: r.address,
    connectionId: r.connection_id,
    createdAt: r.created_at,
  };
}

export class ContactQueries extends Queries implements ContactStoreOps {
  async findIdentity(workspaceId: string, channelType: string, address: string): Promise<IdentityRecord | undefined> {
    const r = this.hot
      ? this.hot.findIdentity(workspaceId, channelType, address)
      : await this.db
          .selectFrom('contact_identities')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('channel_type', '=', channelType)
          .where('address', '=', address)
          .executeTakeFirst();
    return r && toIdentity(r);
  }
  async insertContact(row: ContactRecord): Promise<void> {
    await this.db
      .insertInto('contacts')
      .values({
        id: row.id,
        workspace_id: row.workspaceId,
        name: row.name,
        attributes: json(row.attributes),
        created_at: row.createdAt,
        updated_at: row.updatedAt,
      })
      .execute();
  }
  async insertIdentity(row: IdentityRecord): Promise<boolean> {
    const r = await this.db
      .insertInto('contact_identities')
      .values({
        id: row.id,
        workspace_id: row.workspaceId,
        contact_id: row.contactId,
        channel_type: row.channelType,
        address: row.address,
        connection_id: row.connectionId,
        created_at: row.createdAt,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'channel_type', 'address']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
  async deleteContact(id: string): Promise<void> {
    await this.db.deleteFrom('contacts').where('id', '=', id).execute();
  }
  async getContact(workspaceId: string, id: string): Promise<ContactRecord | undefined> {
    const r = this.hot
      ? this.hot.getContact(workspaceId, id)
      : await this.db
          .selectFrom('contacts')
          .selectAll()
          .where('id', '=', id)
          .where('workspace_id', '=', workspaceId)
          .executeTakeFirst();
    return r && toContact(r);
  }
  async listContacts(workspaceId: string, q: PageQuery): Promise<Page<ContactRecord>> {
    let query = this.db
      .selectFrom('contacts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('merged_into', 'is', null);
    if (q.cursor) query = query.where('id', '<', q.cursor);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    return page(rows.map(toContact), q.limit);
  }
  async searchContacts(workspaceId: string, search: ContactSearch, q: PageQuery): Promise<Page<ContactRecord>> {
    const contains = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const like = (column: string, pattern: string) =>
      sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
    const emails = search.addresses.filter((a) => a.includes('@'));
    let query = this.db
      .selectFrom('contacts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('merged_into', 'is', null)
      .where((eb) =>
        eb.or([
          like('name', contains(search.text)),
          eb(
            'id',
            'in',
            eb
              .selectFrom('contact_identities')
              .select('contact_id')
              .where('workspace_id', '=', workspaceId)
              .where((ib) =>
                ib.or([
                  ...(search.addresses.length > 0 ? [ib('address', 'in', search.addresses)] : []),
                  like('address', contains(search.text)),
                  ...(search.digits ? [like('address', contains(search.digits))] : []),
                ]),
              ),
          ),
          // the email a customer left in a form (webchat) is an attribute, stored as JSON text by json()
          ...emails.map((e) => like('attributes', contains(`"email":${JSON.stringify(e)}`))),
        ]),
      );
    if (q.cursor) query = query.where('id', '<', q.cursor);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    return page(rows.map(toContact), q.limit);
  }
  async listIdentities(contactId: string): Promise<IdentityRecord[]> {
    const rows = await this.db
      .selectFrom('contact_identities')
      .selectAll()
      .where('contact_id', '=', contactId)
      .orderBy('id')
      .execute();
    return rows.map(toIdentity);
  }
  async updateContactName(id: string, name: string, at: string): Promise<void> {
    await this.db.updateTable('contacts').set({ name, updated_at: at }).where('id', '=', id).execute();
  }
  // webchat: attributes the customer gave (offline form email); read-modify-write inside the caller's transaction
  async mergeContactAttributes(id: string, attributes: Record<string, string>, at: string): Promise<void> {
    const row = await this.db.selectFrom('contacts').select('attributes').where('id', '=', id).executeTakeFirst();
    if (!row) return;
    const merged = { ...parseJson<Record<string, unknown>>(row.attributes), ...attributes };
    await this.db
      .updateTable('contacts')
      .set({ attributes: json(merged), updated_at: at })
      .where('id', '=', id)
      .execute();
  }
}
