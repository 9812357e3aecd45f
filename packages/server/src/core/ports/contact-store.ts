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
  /** found in the name or inside an identity address, case-insensitively */
  text: string;
  /** identity addresses matched exactly: every normalized spelling the text may stand for (phone, email) */
  addresses: string[];
  /** the digits of a typed phone number, found inside identity addresses (part of a number) */
  digits?: string | undefined;
}

export interface ContactStoreOps {
  findIdentity(workspaceId: string, channelType: string, address: string): Promise<IdentityRecord | undefined>;
  insertContact(row: ContactRecord): Promise<void>;
  /** insert-or-ignore on (workspace, channel type, address); false when it already existed */
  insertIdentity(row: IdentityRecord): Promise<boolean>;
  deleteContact(id: string): Promise<void>;
  getContact(workspaceId: string, id: string): Promise<ContactRecord | undefined>;
  /** newest first; merged-away contacts (tombstones) are left out */
  listContacts(workspaceId: string, page: PageQuery): Promise<Page<ContactRecord>>;
  /** live contacts (no tombstones) matching a search, newest first; an email among the addresses also matches an `email` attribute */
  searchContacts(workspaceId: string, search: ContactSearch, page: PageQuery): Promise<Page<ContactRecord>>;
  listIdentities(contactId: string): Promise<IdentityRecord[]>;
  updateContactName(id: string, name: string, at: string): Promise<void>;
  /** shallow-merges attributes into a contact (the webchat offline form's email) */
  mergeContactAttributes(id: string, attributes: Record<string, string>, at: string): Promise<void>;
}
