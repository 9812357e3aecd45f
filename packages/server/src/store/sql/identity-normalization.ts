/**
 * @module store/sql/identity-normalization
 * Migration 0010_normalize_identities: identities stored before addresses were normalized (a wa_id `15550101234`
 * next to an API spelling `+1 (555) 010-1234`) get the one spelling the hub now writes, and the contacts that thereby
 * share an identity are merged. The survivor is the oldest contact; conversations (with their messages), identities
 * and attributes move to it — its own attribute values win, the others are added and the overridden ones recorded
 * in the merge's timeline entry — and the merged-away contact stays as a tombstone (`merged_into`), so old ids can
 * still answer. Every step is idempotent: a second run finds every address normalized and changes nothing.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AddressKind } from '../../channel-kit/index.js';
import { providerAddress } from '../../core/contacts/address-normalizer.js';
import { newId } from '../../model/index.js';
import type { Database } from './schema.js';

/**
 * The address kinds of the channel types as their connectors declared them when this migration shipped. A
 * migration must do the same thing whenever it runs, so it keeps its own copy; a test holds it equal to the
 * connectors' `addressKind` (channel types not listed are opaque: kept as sent).
 */
export const ADDRESS_KINDS_0010: Readonly<Record<string, AddressKind>> = {
  whatsapp: 'phone',
  'whatsapp-onpremise': 'phone',
  'twilio-sms': 'phone',
  'vonage-sms': 'phone',
  'sms-gateway': 'phone',
  'twilio-voice': 'phone',
  sip: 'phone',
  email: 'email',
  bird: 'phone',
  rcs: 'phone',
  infobip: 'phone',
};

/** the timeline entry each merge leaves in the conversations that moved to the survivor */
export const CONTACT_MERGED = 'contact.merged';

type Db = Kysely<Database> | Transaction<Database>;
type Dialect = 'sqlite' | 'postgres';
interface Identity {
  id: string;
  workspace_id: string;
  contact_id: string;
  channel_type: string;
  address: string;
  connection_id: string | null;
}

export async function normalizeIdentities(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const typed = db as unknown as Kysely<Database>;
  // SQLite runs Kysely migrations outside a transaction (no transactional DDL in its adapter): take one here
  if (typed.isTransaction) await run(typed, dialect);
  else await typed.transaction().execute((trx) => run(trx, dialect));
}

/**
 * Migration 0034_email_case: email addresses are folded to lower case whole, local part included (they were folded
 * in the domain only, while the email connector folded mail senders whole, so `Ana@…` typed by an operator and
 * `ana@…` writing in were two identities). The normalization above runs again with the new rule — identities,
 * conversations, and contacts merged where two spellings met — and the consents of email addresses are folded with
 * them: of two spellings' consents the newer decision stays, so an opt-out is never lost to a spelling.
 */
export async function foldEmailCase(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const typed = db as unknown as Kysely<Database>;
  const both = async (trx: Db) => {
    await run(trx, dialect);
    await foldConsents(trx);
  };
  if (typed.isTransaction) await both(typed);
  else await typed.transaction().execute(both);
}

async function foldConsents(db: Db): Promise<void> {
  const types = Object.entries(ADDRESS_KINDS_0010)
    .filter(([, kind]) => kind === 'email')
    .map(([type]) => type);
  const rows = await db
    .selectFrom('consents')
    .select(['id', 'workspace_id', 'channel_type', 'address', 'updated_at'])
    .where('channel_type', 'in', types)
    // newest first: the first row of a spelling group is the decision that stays
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .execute();
  const kept = new Set<string>();
  for (const row of rows) {
    const address = providerAddress({ kind: 'email' }, row.address);
    const key = `${row.workspace_id}\u0000${row.channel_type}\u0000${address}`;
    if (kept.has(key)) {
      await db.deleteFrom('consents').where('id', '=', row.id).execute();
      continue;
    }
    kept.add(key);
    if (address !== row.address) {
      // the folded spelling may be held by an older row not reached yet: it goes when its turn comes
      await db
        .deleteFrom('consents')
        .where('workspace_id', '=', row.workspace_id)
        .where('channel_type', '=', row.channel_type)
        .where('address', '=', address)
        .where('id', '!=', row.id)
        .execute();
      await db.updateTable('consents').set({ address }).where('id', '=', row.id).execute();
    }
  }
}

async function run(db: Db, dialect: Dialect): Promise<void> {
  const columns =
    (await db.introspection.getTables()).find((t) => t.name === 'contacts')?.columns.map((c) => c.name) ?? [];
  if (!columns.includes('merged_into'))
    await db.schema.alterTable('contacts').addColumn('merged_into', 'text').execute();
  // no writer may add an identity in an old spelling or open a conversation for a contact being merged while this
  // runs; readers go on. SQLite: the statement below makes this transaction the writer at once (a deferred one
  // that only read could not commit after another writer did).
  if (dialect === 'postgres')
    await sql`lock table contacts, contact_identities, conversations, conversation_events in share row exclusive mode`.execute(
      db,
    );
  else await sql`update contacts set id = id where 0 = 1`.execute(db);

  const now = new Date().toISOString();
  const regions = new Map<string, string | undefined>();
  for (const c of await db.selectFrom('connections').select(['id', 'config']).execute())
    regions.set(c.id, regionOf(c.config));
  const rulesFor = (channelType: string, connectionId: string | null) => ({
    kind: ADDRESS_KINDS_0010[channelType] ?? 'opaque',
    defaultRegion: connectionId ? regions.get(connectionId) : undefined,
  });
  const types = Object.keys(ADDRESS_KINDS_0010);

  const identities = await db
    .selectFrom('contact_identities')
    .select(['id', 'workspace_id', 'contact_id', 'channel_type', 'address', 'connection_id'])
    .where('channel_type', 'in', types)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const key = (i: Pick<Identity, 'workspace_id' | 'channel_type' | 'address'>) =>
    `${i.workspace_id}\u0000${i.channel_type}\u0000${i.address}`;
  const byAddress = new Map<string, Identity>(identities.map((i) => [key(i), i]));
  for (const identity of identities) {
    const address = providerAddress(rulesFor(identity.channel_type, identity.connection_id), identity.address);
    if (address === identity.address) continue;
    const holder = byAddress.get(key({ ...identity, address }));
    byAddress.delete(key(identity));
    if (!holder) {
      await db.updateTable('contact_identities').set({ address }).where('id', '=', identity.id).execute();
      identity.address = address;
      byAddress.set(key(identity), identity);
      continue;
    }
    // another spelling of the same address already has an identity: this one is a duplicate of it
    await db.deleteFrom('contact_identities').where('id', '=', identity.id).execute();
    const [a, b] = await Promise.all([resolve(db, identity.contact_id), resolve(db, holder.contact_id)]);
    if (a !== b)
      await merge(db, a, b, { channelType: identity.channel_type, address, spellings: [identity.address] }, now);
  }
  // a conversation carries the address it is sent to: the same spelling as its identity
  const conversations = await db
    .selectFrom('conversations')
    .select(['id', 'channel_type', 'address', 'connection_id'])
    .where('channel_type', 'in', types)
    .execute();
  for (const c of conversations) {
    const address = providerAddress(rulesFor(c.channel_type, c.connection_id), c.address);
    if (address !== c.address) await db.updateTable('conversations').set({ address }).where('id', '=', c.id).execute();
  }
}

function regionOf(config: string): string | undefined {
  try {
    const parsed = JSON.parse(config) as { defaultRegion?: unknown };
    return typeof parsed.defaultRegion === 'string' ? parsed.defaultRegion : undefined;
  } catch {
    return undefined;
  }
}

/** the live contact an id stands for, following merged_into */
async function resolve(db: Db, contactId: string): Promise<string> {
  let id = contactId;
  for (let hops = 0; hops < 100; hops++) {
    const row = await db.selectFrom('contacts').select('merged_into').where('id', '=', id).executeTakeFirst();
    if (!row?.merged_into) return id;
    id = row.merged_into;
  }
  throw new Error(`merged_into chain from ${contactId} does not end`);
}

const openKey = (connectionId: string, contactId: string, threadKey: string | null) =>
  `${connectionId}:${contactId}:${threadKey ?? ''}`;

/** merges two live contacts: the older survives, the other becomes its tombstone */
async function merge(
  db: Db,
  first: string,
  second: string,
  reason: { channelType: string; address: string; spellings: string[] },
  now: string,
): Promise<void> {
  const contacts = await db
    .selectFrom('contacts')
    .select(['id', 'name', 'attributes', 'created_at'])
    .where('id', 'in', [first, second])
    .execute();
  contacts.sort((x, y) =>
    x.created_at === y.created_at ? (x.id < y.id ? -1 : 1) : x.created_at < y.created_at ? -1 : 1,
  );
  const [survivor, merged] = contacts;
  if (!survivor || !merged) return;
  await mergeContactRows(db, survivor, merged, reason, 'system:migration', now);
}

/** the two contacts of a merge as their rows stand (attributes as stored JSON text) */
export interface MergeParty {
  id: string;
  name: string | null;
  attributes: string;
}

/**
 * Moves everything of `merged` to `survivor` and leaves `merged` as its tombstone: identities, conversations (their
 * messages go with them), attributes (the survivor's values win, the merged contact's other keys are added) and
 * a `contact.merged` timeline entry carrying `details` and the values the survivor overrode, which are returned.
 * The caller holds both contacts against other writers (migration 0010: a table lock; the API merge: row locks).
 * Tags are the caller's (0010 ran before contacts had any).
 */
export async function mergeContactRows(
  db: Db,
  survivor: MergeParty,
  merged: MergeParty,
  details: Record<string, unknown>,
  actor: string,
  now: string,
): Promise<Record<string, unknown>> {
  const kept = JSON.parse(survivor.attributes) as Record<string, unknown>;
  const taken = JSON.parse(merged.attributes) as Record<string, unknown>;
  const overridden = Object.fromEntries(
    Object.entries(taken).filter(([k, v]) => k in kept && JSON.stringify(kept[k]) !== JSON.stringify(v)),
  );
  await db
    .updateTable('contacts')
    .set({ attributes: JSON.stringify({ ...taken, ...kept }), name: survivor.name ?? merged.name, updated_at: now })
    .where('id', '=', survivor.id)
    .execute();
  await db
    .updateTable('contact_identities')
    .set({ contact_id: survivor.id })
    .where('contact_id', '=', merged.id)
    .execute();

  const moved = await db
    .selectFrom('conversations')
    .selectAll()
    .where('contact_id', '=', merged.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const entry = {
    mergedContactId: merged.id,
    intoContactId: survivor.id,
    ...details,
    overriddenAttributes: overridden,
  };
  const timeline: Array<{ conversationId: string; workspaceId: string; data: Record<string, unknown> }> = [];
  for (const c of moved) {
    let stillOpen = c.open_key !== null;
    let resolvedByMerge = false;
    if (stillOpen) {
      // both contacts had an open conversation on this connection and thread: one stays open (the more recent),
      // the other is resolved, so the next customer message has exactly one conversation to land in
      const rival = await db
        .selectFrom('conversations')
        .select(['id', 'last_message_at'])
        .where('open_key', '=', openKey(c.connection_id, survivor.id, c.thread_key))
        .executeTakeFirst();
      if (rival) {
        if ((c.last_message_at ?? '') > (rival.last_message_at ?? '')) {
          await db
            .updateTable('conversations')
            .set({ status: 'resolved', open_key: null, updated_at: now })
            .where('id', '=', rival.id)
            .execute();
          timeline.push({
            conversationId: rival.id,
            workspaceId: c.workspace_id,
            data: { ...entry, resolvedByMerge: true, continuedIn: c.id },
          });
        } else {
          stillOpen = false;
          resolvedByMerge = true;
        }
      }
    }
    await db
      .updateTable('conversations')
      .set({
        contact_id: survivor.id,
        open_key: stillOpen ? openKey(c.connection_id, survivor.id, c.thread_key) : null,
        ...(resolvedByMerge ? { status: 'resolved' } : {}),
        updated_at: now,
      })
      .where('id', '=', c.id)
      .execute();
    timeline.push({
      conversationId: c.id,
      workspaceId: c.workspace_id,
      data: { ...entry, ...(resolvedByMerge ? { resolvedByMerge: true } : {}) },
    });
  }
  if (moved.length === 0) {
    // nothing moved: the entry goes to the survivor's newest conversation, where an operator will look
    const newest = await db
      .selectFrom('conversations')
      .select(['id', 'workspace_id'])
      .where('contact_id', '=', survivor.id)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (newest) timeline.push({ conversationId: newest.id, workspaceId: newest.workspace_id, data: entry });
  }
  for (const t of timeline) {
    await db
      .insertInto('conversation_events')
      .values({
        id: newId('tev'),
        workspace_id: t.workspaceId,
        conversation_id: t.conversationId,
        type: CONTACT_MERGED,
        actor,
        data: JSON.stringify(t.data),
        at: now,
      })
      .execute();
  }
  await db
    .updateTable('contacts')
    .set({ merged_into: survivor.id, updated_at: now })
    .where('id', '=', merged.id)
    .execute();
  return overridden;
}
