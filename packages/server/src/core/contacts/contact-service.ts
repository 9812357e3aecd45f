/**
 * @module core/contacts/contact-service
 * Contacts 360 beyond reading: create with identities, edit, merge two contacts into one, suggest duplicates, erase
 * (the right to erasure) and export everything the hub holds about one contact. Every address goes through the
 * channel type's normalization (core/contacts/address-normalizer.ts), so any spelling meets the one identity.
 */
import { AppError, notFound } from '../errors.js';
import { eventRow } from '../events.js';
import { newId } from '../../model/index.js';
import type {
  ContactPatch,
  ContactRecord,
  ConversationRecord,
  IdentityRecord,
  MessageRecord,
  NewOutboxRow,
} from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import { normalizeEmail, normalizePhone, requireAddress, searchSpellings } from './address-normalizer.js';
import { defaultRegionOf } from '../../channel-kit/index.js';

export interface NewIdentityInput {
  channelType: string;
  address: string;
  /** the connection whose `defaultRegion` reads a national phone number (optional) */
  connectionId?: string | undefined;
}
export interface NewContactInput {
  name?: string | null | undefined;
  attributes?: Record<string, unknown> | undefined;
  tags?: string[] | undefined;
  identities?: NewIdentityInput[] | undefined;
}

export interface DuplicateReason {
  /** what the two contacts share: a normalized phone number, an email, or the name (on another channel) */
  kind: 'phone' | 'email' | 'name';
  value: string;
}
export interface DuplicateSuggestion {
  contact: ContactRecord;
  identities: IdentityRecord[];
  reasons: DuplicateReason[];
}

export interface ContactExport {
  contact: ContactRecord;
  identities: IdentityRecord[];
  conversations: Array<ConversationRecord & { messages: MessageRecord[] }>;
}

/**
 * `phone` and `email` attributes are stored in the spelling identities use when they can be read (a phone number
 * internationally, an email with its domain lower-cased), so a duplicate search and a search meet them; one that
 * cannot be read is kept as written (an attribute is the customer's data, not an address the hub sends to)
 */
function normalizedAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  const out = { ...attributes };
  if (typeof out.phone === 'string') {
    const phone = normalizePhone(out.phone);
    if (phone.ok) out.phone = phone.address;
  }
  if (typeof out.email === 'string') {
    const email = normalizeEmail(out.email);
    if (email.ok) out.email = email.address;
  }
  return out;
}

/** the default regions of the workspace's phone connections: a number typed nationally is read in each */
export async function phoneRegions(deps: Pick<CoreDeps, 'store' | 'registry'>, workspaceId: string): Promise<string[]> {
  const regions = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await deps.store.listConnections(workspaceId, { limit: 200, cursor });
    for (const c of page.data) {
      const region = deps.registry.get(c.type)?.addressKind === 'phone' ? defaultRegionOf(c.config) : undefined;
      if (region) regions.add(region);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return [...regions];
}

/** how many duplicate suggestions one contact gets */
const DUPLICATE_LIMIT = 20;
const PAGE = 200;

export class ContactService {
  constructor(private readonly deps: CoreDeps) {}

  /** a live contact of the workspace; a merged-away one is a conflict naming its survivor */
  private async live(workspaceId: string, id: string): Promise<ContactRecord> {
    const contact = await this.deps.store.getContact(workspaceId, id);
    if (!contact || contact.erasedAt !== undefined) throw notFound('contact');
    if (contact.mergedInto !== undefined)
      throw new AppError('CONFLICT', `contact ${id} was merged into ${contact.mergedInto}`, {
        mergedInto: contact.mergedInto,
      });
    return contact;
  }

  private async normalizeIdentities(
    workspaceId: string,
    identities: NewIdentityInput[],
  ): Promise<Array<{ channelType: string; address: string; connectionId: string | null }>> {
    const out: Array<{ channelType: string; address: string; connectionId: string | null }> = [];
    for (const [i, identity] of identities.entries()) {
      const connector = this.deps.registry.get(identity.channelType);
      if (!connector)
        throw new AppError('VALIDATION', `identities.${i}.channelType: unknown channel type ${identity.channelType}`, {
          fields: [{ field: `identities.${i}.channelType`, message: 'unknown channel type' }],
        });
      let config: Record<string, unknown> = {};
      if (identity.connectionId) {
        const connection = await this.deps.store.getConnection(workspaceId, identity.connectionId);
        if (!connection || connection.type !== identity.channelType)
          throw new AppError('VALIDATION', `identities.${i}.connectionId: no ${identity.channelType} connection`, {
            fields: [{ field: `identities.${i}.connectionId`, message: 'unknown connection of this channel type' }],
          });
        config = connection.config;
      }
      const address = requireAddress(
        { kind: connector.addressKind, defaultRegion: defaultRegionOf(config) },
        identity.address,
        `identities.${i}.address`,
      );
      out.push({ channelType: identity.channelType, address, connectionId: identity.connectionId ?? null });
    }
    return out;
  }

  async create(workspaceId: string, input: NewContactInput): Promise<ContactRecord> {
    const identities = await this.normalizeIdentities(workspaceId, input.identities ?? []);
    const now = this.deps.clock.now().toISOString();
    const contact: ContactRecord = {
      id: newId('ct'),
      workspaceId,
      name: input.name ?? null,
      attributes: normalizedAttributes(
        Object.fromEntries(Object.entries(input.attributes ?? {}).filter(([, v]) => v !== null)),
      ),
      tags: [...new Set(input.tags ?? [])],
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.store.transaction(async (tx) => {
      await tx.insertContact(contact);
      for (const [i, identity] of identities.entries()) {
        const inserted = await tx.insertIdentity({
          id: newId('cid'),
          workspaceId,
          contactId: contact.id,
          ...identity,
          createdAt: now,
        });
        if (!inserted) {
          const holder = await tx.findIdentity(workspaceId, identity.channelType, identity.address);
          const owner = holder ? ((await tx.liveContactId(workspaceId, holder.contactId)) ?? holder.contactId) : '';
          throw new AppError(
            'CONFLICT',
            `identities.${i}: ${identity.channelType} ${identity.address} already belongs to contact ${owner}`,
            { field: `identities.${i}.address`, contactId: owner },
          );
        }
      }
      const outbox: NewOutboxRow[] = [
        eventRow('contact.created', workspaceId, { contact: { id: contact.id, name: contact.name } }),
      ];
      await tx.insertOutbox(outbox, now);
    });
    this.deps.afterCommit();
    return contact;
  }

  async update(workspaceId: string, id: string, patch: ContactPatch): Promise<ContactRecord> {
    await this.live(workspaceId, id);
    const now = this.deps.clock.now().toISOString();
    await this.deps.store.transaction(async (tx) => {
      // locked, so a merge taking this contact cannot interleave with the read-modify-write of its attributes
      const [locked] = await tx.lockContacts(workspaceId, [id]);
      if (!locked || locked.mergedInto !== undefined || locked.erasedAt !== undefined) throw notFound('contact');
      await tx.updateContact(
        id,
        {
          ...patch,
          ...(patch.attributes ? { attributes: normalizedAttributes(patch.attributes) } : {}),
          ...(patch.tags ? { tags: [...new Set(patch.tags)] } : {}),
        },
        now,
      );
    });
    return this.live(workspaceId, id);
  }

  /**
   * merges `otherId` into `id`: both are locked in id order inside one transaction, so concurrent merges cannot
   * deadlock and a message arriving meanwhile waits and lands on the survivor (conversation-writer follows
   * merged_into). Returns the survivor and the other contact's attribute values it overrode.
   */
  async merge(
    workspaceId: string,
    id: string,
    otherId: string,
    actor: string,
  ): Promise<{ contact: ContactRecord; conflicts: Record<string, unknown> }> {
    if (id === otherId)
      throw new AppError('VALIDATION', 'otherContactId: a contact cannot be merged into itself', {
        fields: [{ field: 'otherContactId', message: 'the same contact' }],
      });
    const now = this.deps.clock.now().toISOString();
    const conflicts = await onDeadlockRetry(() =>
      this.deps.store.transaction(async (tx) => {
        const locked = await tx.lockContacts(workspaceId, [id, otherId]);
        for (const [which, cid] of [
          ['id', id],
          ['otherContactId', otherId],
        ] as const) {
          const c = locked.find((l) => l.id === cid);
          if (!c || c.erasedAt !== undefined) throw notFound(which === 'id' ? 'contact' : 'other contact');
          if (c.mergedInto !== undefined)
            throw new AppError('CONFLICT', `contact ${cid} was already merged into ${c.mergedInto}`, {
              field: which,
              mergedInto: c.mergedInto,
            });
        }
        return tx.mergeContacts(id, otherId, actor, now);
      }),
    );
    return { contact: await this.live(workspaceId, id), conflicts };
  }

  /**
   * contacts that may be the same person: sharing a normalized phone number or email (an identity on any channel
   * or an `email`/`phone` attribute), or carrying the same name while reached on another channel. Only suggested:
   * a name alone never merges anything.
   */
  async duplicates(workspaceId: string, id: string): Promise<DuplicateSuggestion[]> {
    const contact = await this.live(workspaceId, id);
    const identities = await this.deps.store.listIdentities(id);
    const regions = await phoneRegions(this.deps, workspaceId);
    const own = this.addressesOf(contact, identities, regions);
    const suggestions: DuplicateSuggestion[] = [];
    const channels = new Set(identities.map((i) => i.channelType));
    for (const candidate of await this.deps.store.duplicateCandidates(
      workspaceId,
      id,
      { addresses: [...own.keys()], name: contact.name },
      DUPLICATE_LIMIT,
    )) {
      const theirs = await this.deps.store.listIdentities(candidate.id);
      const reasons: DuplicateReason[] = [];
      for (const [address, kind] of this.addressesOf(candidate, theirs, regions))
        if (own.has(address)) reasons.push({ kind, value: address });
      const sameName =
        contact.name !== null &&
        candidate.name !== null &&
        contact.name.trim().toLowerCase() === candidate.name.trim().toLowerCase();
      if (sameName && theirs.some((i) => !channels.has(i.channelType)))
        reasons.push({ kind: 'name', value: candidate.name as string });
      if (reasons.length > 0) suggestions.push({ contact: candidate, identities: theirs, reasons });
    }
    return suggestions;
  }

  /** a contact's phone numbers and emails in their normalized spellings, with their kind */
  private addressesOf(
    contact: ContactRecord,
    identities: IdentityRecord[],
    regions: readonly string[],
  ): Map<string, 'phone' | 'email'> {
    const out = new Map<string, 'phone' | 'email'>();
    for (const i of identities) {
      const kind = this.deps.registry.get(i.channelType)?.addressKind;
      if (kind === 'phone' || kind === 'email') out.set(i.address, kind);
    }
    const email = contact.attributes.email;
    if (typeof email === 'string') {
      const normalized = normalizeEmail(email);
      if (normalized.ok) out.set(normalized.address, 'email');
    }
    const phone = contact.attributes.phone;
    if (typeof phone === 'string')
      for (const spelling of searchSpellings(phone, regions)) if (spelling.startsWith('+')) out.set(spelling, 'phone');
    return out;
  }

  /**
   * erases a contact and what identifies them (the right to erasure): identities, name, attributes, tags, their
   * messages' content and addresses, attachments and media bytes, previews, timeline entries, raw inbound events and
   * queued events. Message rows stay as tombstones with their provider ids, so a provider retry is still a duplicate.
   */
  async erase(workspaceId: string, id: string): Promise<{ messages: number; conversations: number }> {
    const contact = await this.deps.store.getContact(workspaceId, id);
    if (!contact || contact.erasedAt !== undefined) throw notFound('contact');
    if (contact.mergedInto !== undefined)
      throw new AppError('CONFLICT', `contact ${id} was merged into ${contact.mergedInto}: erase that one`, {
        mergedInto: contact.mergedInto,
      });
    const now = this.deps.clock.now().toISOString();
    const erased = await this.deps.store.transaction(async (tx) => {
      await tx.lockContacts(workspaceId, [id]);
      return tx.eraseContact(workspaceId, id, now);
    });
    for (const key of erased.mediaKeys) await this.deps.media.delete(key);
    await this.deps.store.checkpoint();
    this.deps.log.info({ contactId: id, messages: erased.messages }, 'contact erased');
    return { messages: erased.messages, conversations: erased.conversations };
  }

  /** everything the hub holds about one contact, as one document */
  async export(workspaceId: string, id: string): Promise<ContactExport> {
    const contact = await this.live(workspaceId, id);
    const identities = await this.deps.store.listIdentities(id);
    const conversations: ContactExport['conversations'] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.listConversations(workspaceId, { contactId: id }, { limit: PAGE, cursor });
      for (const c of page.data) {
        const messages: MessageRecord[] = [];
        let mc: string | undefined;
        do {
          const mp = await this.deps.store.listMessages(c.id, { limit: PAGE, cursor: mc });
          messages.push(...mp.data);
          mc = mp.nextCursor ?? undefined;
        } while (mc);
        conversations.push({ ...c, messages });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { contact, identities, conversations };
  }
}

/**
 * Runs a transaction again when the database chose it as the victim of a deadlock or a serialization conflict
 * (SQLSTATE 40P01 / 40001: PostgreSQL rolled it back whole, so running it again is safe — the body only touches the
 * database). A merge locks its two contacts in id order, but an inbound message arriving for one of them meanwhile
 * locks the contact's rows in its own order (https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-DEADLOCKS).
 */
async function onDeadlockRetry<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
    }
  }
}
