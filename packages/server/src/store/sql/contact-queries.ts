/**
 * @module store/sql/contact-queries
 * The ContactStoreOps port (core/ports/contact-store.ts) over Kysely, for both dialects: contacts and their channel
 * identities.
 */
import { PostgresAdapter, sql, type Selectable } from 'kysely';
import type { ContactIdentitiesTable, ContactsTable } from './schema.js';
import type {
  ContactPatch,
  ContactRecord,
  ContactSearch,
  ContactStoreOps,
  DuplicateProbe,
  ErasedContact,
  IdentityRecord,
  Page,
  PageQuery,
} from '../../core/ports/index.js';
import { mergeContactRows } from './identity-normalization.js';
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
    tags: r.tags ? parseJson<string[]>(r.tags) : [],
    ...(r.erased_at ? { erasedAt: r.erased_at } : {}),
  };
}

/** what an erased message's content becomes: a text the API and the app show as it is */
export const ERASED_CONTENT = { type: 'text', text: '(erased)' } as const;

const likeText = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const tagPattern = (tag: string) => likeText(JSON.stringify(tag));
const likeEscape = (text: string) => text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
/**
 * attribute values in the attributes JSON text: a string value that starts with the text, or a number or boolean
 * equal to it — matched after the `":` that ends a key, so a key alone never matches
 */
const attributeValuePatterns = (text: string): string[] => [
  `%":"${likeEscape(JSON.stringify(text).slice(1, -1))}%`,
  `%":${likeEscape(text)},%`,
  `%":${likeEscape(text)}}%`,
];
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
        ...(row.tags ? { tags: json(row.tags) } : {}),
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
  async listContacts(
    workspaceId: string,
    q: PageQuery,
    filter: { tag?: string | undefined } = {},
  ): Promise<Page<ContactRecord>> {
    let query = this.db
      .selectFrom('contacts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('merged_into', 'is', null)
      .where('erased_at', 'is', null);
    // tags are a JSON array in text: a tag matches as its quoted JSON spelling
    if (filter.tag !== undefined)
      query = query.where(sql<boolean>`lower(tags) like ${tagPattern(filter.tag)} escape '\\'`);
    if (q.cursor) query = query.where('id', '<', q.cursor);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    return page(rows.map(toContact), q.limit);
  }
  async searchContacts(workspaceId: string, search: ContactSearch, q: PageQuery): Promise<Page<ContactRecord>> {
    const contains = likeText;
    const like = (column: string, pattern: string) =>
      sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
    const emails = search.addresses.filter((a) => a.includes('@'));
    let query = this.db
      .selectFrom('contacts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('merged_into', 'is', null)
      .where('erased_at', 'is', null)
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
          ...(search.text.trim().length >= 2
            ? attributeValuePatterns(search.text.trim()).map((p) => like('attributes', p))
            : []),
        ]),
      );
    if (search.tag !== undefined) query = query.where(like('tags', tagPattern(search.tag)));
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
  async updateContact(id: string, patch: ContactPatch, at: string): Promise<void> {
    const row = await this.db.selectFrom('contacts').select(['attributes']).where('id', '=', id).executeTakeFirst();
    if (!row) return;
    let attributes: Record<string, unknown> | undefined;
    if (patch.attributes) {
      attributes = { ...parseJson<Record<string, unknown>>(row.attributes) };
      for (const [key, value] of Object.entries(patch.attributes)) {
        if (value === null) delete attributes[key];
        else attributes[key] = value;
      }
    }
    await this.db
      .updateTable('contacts')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(attributes ? { attributes: json(attributes) } : {}),
        ...(patch.tags ? { tags: json(patch.tags) } : {}),
        updated_at: at,
      })
      .where('id', '=', id)
      .execute();
  }
  private get postgres(): boolean {
    return this.db.getExecutor().adapter instanceof PostgresAdapter;
  }
  async lockContacts(workspaceId: string, ids: string[]): Promise<ContactRecord[]> {
    const sorted = [...new Set(ids)].sort();
    const rows: Selectable<ContactsTable>[] = [];
    // one row at a time in id order: a single `where id in (…) for update` locks in whatever order the plan reads
    for (const id of sorted) {
      const query = this.db
        .selectFrom('contacts')
        .selectAll()
        .where('id', '=', id)
        .where('workspace_id', '=', workspaceId);
      const row = await (this.postgres ? query.forUpdate() : query).executeTakeFirst();
      if (row) rows.push(row);
    }
    return rows.map(toContact);
  }
  async liveContactId(workspaceId: string, id: string): Promise<string | undefined> {
    let current = id;
    for (let hops = 0; hops < 100; hops++) {
      const query = this.db
        .selectFrom('contacts')
        .select(['id', 'merged_into'])
        .where('id', '=', current)
        .where('workspace_id', '=', workspaceId);
      const row = await (this.postgres ? query.forKeyShare() : query).executeTakeFirst();
      if (!row) return undefined;
      if (!row.merged_into) return row.id;
      current = row.merged_into;
    }
    throw new Error(`merged_into chain from ${id} does not end`);
  }
  async mergeContacts(
    survivorId: string,
    mergedId: string,
    actor: string,
    at: string,
  ): Promise<Record<string, unknown>> {
    const rows = await this.db
      .selectFrom('contacts')
      .select(['id', 'name', 'attributes', 'tags'])
      .where('id', 'in', [survivorId, mergedId])
      .execute();
    const survivor = rows.find((r) => r.id === survivorId);
    const merged = rows.find((r) => r.id === mergedId);
    if (!survivor || !merged || survivorId === mergedId) throw new Error('merge needs two distinct contacts');
    const overridden = await mergeContactRows(this.db, survivor, merged, { reason: 'api' }, actor, at);
    const tags = [...new Set([...parseJson<string[]>(survivor.tags), ...parseJson<string[]>(merged.tags)])];
    await this.db
      .updateTable('contacts')
      .set({ tags: json(tags) })
      .where('id', '=', survivorId)
      .execute();
    return overridden;
  }
  async duplicateCandidates(
    workspaceId: string,
    exceptId: string,
    probe: DuplicateProbe,
    limit: number,
  ): Promise<ContactRecord[]> {
    const attributeLikes = probe.addresses.flatMap((a) =>
      ['email', 'phone'].map(
        (key) => sql<boolean>`lower(attributes) like ${likeText(`"${key}":${JSON.stringify(a)}`)} escape '\\'`,
      ),
    );
    const rows = await this.db
      .selectFrom('contacts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '!=', exceptId)
      .where('merged_into', 'is', null)
      .where('erased_at', 'is', null)
      .where((eb) =>
        eb.or([
          ...(probe.addresses.length > 0
            ? [
                eb(
                  'id',
                  'in',
                  eb
                    .selectFrom('contact_identities')
                    .select('contact_id')
                    .where('workspace_id', '=', workspaceId)
                    .where('address', 'in', probe.addresses),
                ),
              ]
            : []),
          ...attributeLikes,
          ...(probe.name && probe.name.trim() !== ''
            ? [sql<boolean>`lower(name) = ${probe.name.trim().toLowerCase()}`]
            : []),
        ]),
      )
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toContact);
  }
  async eraseContact(workspaceId: string, id: string, at: string): Promise<ErasedContact> {
    // the contact and every tombstone merged into it (their rows still carry the names and attributes they had)
    const ids = [id];
    for (let i = 0; i < ids.length; i++) {
      const merged = await this.db
        .selectFrom('contacts')
        .select('id')
        .where('merged_into', '=', ids[i] as string)
        .where('workspace_id', '=', workspaceId)
        .execute();
      ids.push(...merged.map((m) => m.id));
    }
    const identities = await this.db
      .selectFrom('contact_identities')
      .select(['address', 'connection_id', 'channel_type'])
      .where('contact_id', 'in', ids)
      .execute();
    const conversations = await this.db
      .selectFrom('conversations')
      .select(['id', 'connection_id', 'address'])
      .where('contact_id', 'in', ids)
      .execute();
    const conversationIds = conversations.map((c) => c.id);
    const messages =
      conversationIds.length === 0
        ? []
        : await this.db
            .selectFrom('messages')
            .select(['id', 'provider_message_id'])
            .where('conversation_id', 'in', conversationIds)
            .execute();
    const messageIds = messages.map((m) => m.id);
    const attachments: string[] = [];
    for (let i = 0; i < messageIds.length; i += 500) {
      const chunk = messageIds.slice(i, i + 500);
      const rows = await this.db.selectFrom('attachments').select('id').where('message_id', 'in', chunk).execute();
      attachments.push(...rows.map((r) => r.id));
      await this.db.deleteFrom('attachments').where('message_id', 'in', chunk).execute();
      // the rows stay, with their provider ids: a provider retrying one of them is still a duplicate
      await this.db
        .updateTable('messages')
        .set({
          content: json(ERASED_CONTENT),
          from_addr: '',
          to_addr: '',
          metadata: json({ erased: at }),
          status_detail: null,
          deleted_content: null,
        })
        .where('id', 'in', chunk)
        .execute();
    }
    // the profile pictures channels fetched for these contacts
    const pictures = await this.db.selectFrom('attachments').select('id').where('contact_id', 'in', ids).execute();
    if (pictures.length > 0) {
      attachments.push(...pictures.map((r) => r.id));
      await this.db.deleteFrom('attachments').where('contact_id', 'in', ids).execute();
    }
    if (conversationIds.length > 0) {
      await this.db
        .updateTable('conversations')
        .set({
          address: '',
          last_message_preview: null,
          tags: '[]',
          status: 'resolved',
          open_key: null,
          updated_at: at,
        })
        .where('id', 'in', conversationIds)
        .execute();
      // timeline entries (notes, merges naming addresses) and the events queued about these conversations
      await this.db.deleteFrom('conversation_events').where('conversation_id', 'in', conversationIds).execute();
      // the calls keep their outcome and duration, not the customer's number
      await this.db
        .updateTable('calls')
        .set({ from_addr: '', to_addr: '', updated_at: at })
        .where('conversation_id', 'in', conversationIds)
        .execute();
    }
    const keys = [...conversationIds, ...ids];
    for (let i = 0; i < keys.length; i += 200) {
      const chunk = keys.slice(i, i + 200);
      await this.db
        .deleteFrom('outbox')
        .where((eb) => eb.or([eb('key', 'in', chunk), ...chunk.map((k) => eb('payload', 'like', `%${k}%`))]))
        .execute();
      await this.db
        .deleteFrom('webhook_deliveries')
        .where((eb) => eb.or(chunk.map((k) => eb('body', 'like', `%${k}%`))))
        .execute();
      await this.db
        .deleteFrom('dead_letters')
        .where((eb) => eb.or([eb('key', 'in', chunk), ...chunk.map((k) => eb('payload', 'like', `%${k}%`))]))
        .execute();
    }
    // raw provider requests carrying the customer: matched by their messages' provider ids and their addresses
    const needles = [
      ...messages.map((m) => m.provider_message_id).filter((p): p is string => Boolean(p)),
      ...identities.map((i) => i.address),
      ...conversations.map((c) => c.address),
    ]
      .filter((n) => n.length >= 3)
      .map((n) => Buffer.from(n));
    const connectionIds = [
      ...new Set([...conversations.map((c) => c.connection_id), ...identities.map((i) => i.connection_id)]),
    ].filter((c): c is string => c !== null);
    if (needles.length > 0 && connectionIds.length > 0) {
      let after = '';
      for (;;) {
        const batch = await this.db
          .selectFrom('inbound_events')
          .select(['id', 'body', 'url'])
          .where('connection_id', 'in', connectionIds)
          // a pending request is still to be processed (perhaps another customer's): erasure leaves it alone
          .where('status', '!=', 'pending')
          .where('id', '>', after)
          .orderBy('id')
          .limit(200)
          .execute();
        if (batch.length === 0) break;
        after = (batch[batch.length - 1] as { id: string }).id;
        const hits = batch
          .filter((e) => needles.some((n) => Buffer.from(e.body).includes(n) || e.url.includes(n.toString())))
          .map((e) => e.id);
        if (hits.length > 0) await this.db.deleteFrom('inbound_events').where('id', 'in', hits).execute();
      }
    }
    if (connectionIds.length > 0) {
      const visitorIds = identities.map((i) => i.address);
      if (visitorIds.length > 0)
        await this.db
          .deleteFrom('visitor_addresses')
          .where('connection_id', 'in', connectionIds)
          .where('visitor_id', 'in', visitorIds)
          .execute();
    }
    // their opt-outs name their addresses: they go with the identities (a customer who writes again starts fresh)
    for (const i of identities)
      await this.db
        .deleteFrom('consents')
        .where('workspace_id', '=', workspaceId)
        .where('channel_type', '=', i.channel_type)
        .where('address', '=', i.address)
        .execute();
    await this.db.deleteFrom('contact_identities').where('contact_id', 'in', ids).execute();
    await this.db
      .updateTable('contacts')
      .set({ name: null, attributes: '{}', tags: '[]', erased_at: at, updated_at: at })
      .where('id', 'in', ids)
      .execute();
    return { mediaKeys: attachments, messages: messages.length, conversations: conversations.length };
  }
}
