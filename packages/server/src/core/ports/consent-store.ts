/**
 * @module core/ports/consent-store
 * Consent: whether a customer address opted out of a channel type (STOP), when and how. Kept per identity
 * (workspace, channel type, normalized address) rather than per contact id, so a merge that moves the identity
 * keeps its consent with it. Implemented in store/sql/consent-queries.ts.
 */

/**
 * how a consent was last set: a keyword the customer wrote, the API, an import, an operator in the app, or the
 * provider reporting the customer's own choice there (VK's message_allow / message_deny)
 */
export const CONSENT_SOURCES = ['keyword', 'api', 'import', 'operator', 'provider'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

export interface ConsentRecord {
  workspaceId: string;
  channelType: string;
  address: string;
  optedOut: boolean;
  /** when the address opted out (kept after an opt-in: the last opt-out) */
  optedOutAt: string | null;
  source: ConsentSource;
  /** the keyword the customer wrote, when source is 'keyword' */
  keyword: string | null;
  updatedAt: string;
}

export interface ConsentStoreOps {
  getConsent(workspaceId: string, channelType: string, address: string): Promise<ConsentRecord | undefined>;
  /** insert or replace the consent of (workspace, channel type, address) */
  upsertConsent(row: ConsentRecord): Promise<void>;
  /** the consents of every identity of a contact, by channel type then address */
  listContactConsents(workspaceId: string, contactId: string): Promise<ConsentRecord[]>;
}
