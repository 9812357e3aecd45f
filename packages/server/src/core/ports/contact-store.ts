/**
 * @module core/ports/contact-store
 * Contacts (the customers) and their identities (one address on one channel type). Implemented in
 * store/sql/contact-queries.ts.
 */
import type { Page, PageQuery } from './records.js';

export interface ContactRecord {
  id: string;
  workspaceId: string;
  name: string | null;
  attributes: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  /** present on a contact merged into another: the survivor's id (the record is a tombstone) */
  mergedInto?: string;
  /** the contact's own tags (0013_contact_tags); always present on a record read from the store */
  tags?: string[];
  /** present on an erased contact (DELETE /contacts/{id}): a blank row kept for its tombstoned messages */
  erasedAt?: string;
}

/** a PATCH of a contact: omitted fields keep their value; an attribute set to null is removed */
export interface ContactPatch {
  name?: string | null;
  attributes?: Record<string, unknown>;
  tags?: string[];
}

/** what a duplicate search looks for (core/contacts/contact-service.ts builds it from the contact) */
export interface DuplicateProbe {
  /** normalized phone numbers and emails of the contact (identities and `phone`/`email` attributes) */
  addresses: string[];
  /** the contact's name, compared case-insensitively */
  name: string | null;
}

/** what an erasure removed, for the caller to finish outside the transaction (media bytes) */
export interface ErasedContact {
  /** the media keys (attachment ids) whose bytes are to be deleted from the media store */
  mediaKeys: string[];
  messages: number;
  conversations: number;
}
export interface IdentityRecord {
  id: string;
  workspaceId: string;
  contactId: string;
  channelType: string;
  address: string;
  connectionId: string | null;
  createdAt: string;
}

/** what a contact search looks for (core/conversations/conversation-service.ts builds it from the typed text) */
export interface ContactSearch {
  /** found in the name, inside an identity address or at the start of an attribute value, case-insensitively */
  text: string;
  /** identity addresses matched exactly: every normalized spelling the text may stand for (phone, email) */
  addresses: string[];
  /** the digits of a typed phone number, found inside identity addresses (part of a number) */
  digits?: string | undefined;
  /** only contacts carrying this tag */
  tag?: string | undefined;
}

export interface ContactStoreOps {
  findIdentity(workspaceId: string, channelType: string, address: string): Promise<IdentityRecord | undefined>;
  insertContact(row: ContactRecord): Promise<void>;
  /** insert-or-ignore on (workspace, channel type, address); false when it already existed */
  insertIdentity(row: IdentityRecord): Promise<boolean>;
  deleteContact(id: string): Promise<void>;
  getContact(workspaceId: string, id: string): Promise<ContactRecord | undefined>;
  /** newest first; merged-away contacts (tombstones) are left out */
  listContacts(
    workspaceId: string,
    page: PageQuery,
    filter?: { tag?: string | undefined },
  ): Promise<Page<ContactRecord>>;
  /** live contacts (no tombstones) matching a search, newest first; an email among the addresses also matches an `email` attribute */
  searchContacts(workspaceId: string, search: ContactSearch, page: PageQuery): Promise<Page<ContactRecord>>;
  listIdentities(contactId: string): Promise<IdentityRecord[]>;
  updateContactName(id: string, name: string, at: string): Promise<void>;
  /** shallow-merges attributes into a contact (the webchat offline form's email) */
  mergeContactAttributes(id: string, attributes: Record<string, string>, at: string): Promise<void>;
  /** edits name, attributes (merged: null removes a key) and tags; read-modify-write inside the caller's transaction */
  updateContact(id: string, patch: ContactPatch, at: string): Promise<void>;
  /**
   * the contacts of a workspace with these ids, locked against other writers until the transaction ends, taken in
   * id order so two merges of overlapping contacts cannot deadlock (PostgreSQL: SELECT … FOR UPDATE; SQLite has a
   * single writer)
   */
  lockContacts(workspaceId: string, ids: string[]): Promise<ContactRecord[]>;
  /**
   * the live contact an id stands for, following merged_into; each row read is locked FOR KEY SHARE (PostgreSQL:
   * it waits for a merge's FOR UPDATE, not for ordinary edits of the row), so a writer waits for a merge in progress
   * and then follows it to the survivor. Undefined when the id is unknown.
   */
  liveContactId(workspaceId: string, id: string): Promise<string | undefined>;
  /**
   * merges `mergedId` into `survivorId` (both locked by the caller): identities, conversations with their messages,
   * attributes (the survivor's win; the overridden ones are returned and kept in the `contact.merged` timeline
   * entry) and tags; the merged contact stays as a tombstone
   */
  mergeContacts(survivorId: string, mergedId: string, actor: string, at: string): Promise<Record<string, unknown>>;
  /** live contacts other than `exceptId` sharing an address (identity or email/phone attribute) or the name */
  duplicateCandidates(
    workspaceId: string,
    exceptId: string,
    probe: DuplicateProbe,
    limit: number,
  ): Promise<ContactRecord[]>;
  /**
   * erases what identifies a contact: identities, attributes and name, its messages' content and addresses (the rows
   * stay as tombstones with their provider ids, so a provider retry is still a duplicate), attachments, conversation
   * addresses and previews, timeline entries, raw inbound events and queued events naming them
   */
  eraseContact(workspaceId: string, id: string, at: string): Promise<ErasedContact>;
}
