/**
 * @module core/ports/meta-connect-store
 * "Connect with Meta" in flight (core/meta-connect): one row per OAuth dialog a person opened — the hash of its
 * `state` (single use), the hash of the browser nonce it is bound to, who opened it for which channel, and once the
 * callback exchanged the code, the long-lived token, sealed. Rows live minutes. Implemented in
 * store/sql/meta-connect-queries.ts (0020_meta_connect).
 */

export interface MetaGrantRecord {
  id: string;
  workspaceId: string;
  userId: string;
  channelType: string;
  /** SHA-256 of the OAuth `state`, hex */
  stateHash: string;
  /** SHA-256 of the nonce in the browser cookie of whoever opened the dialog, hex */
  nonceHash: string;
  redirectUri: string;
  createdAt: string;
  expiresAt: string;
  /** when the callback consumed the state (null until then: a state is accepted once) */
  stateUsedAt: string | null;
  /** the long-lived user token, sealed with the SecretBox */
  token: string | null;
  tokenExpiresAt: string | null;
}

export interface MetaConnectStoreOps {
  insertMetaGrant(grant: MetaGrantRecord): Promise<void>;
  /** marks the state used if it is unused and unexpired at `at` (compare-and-set); answers the row it claimed */
  claimMetaState(stateHash: string, at: string): Promise<MetaGrantRecord | undefined>;
  setMetaGrantToken(id: string, token: string, tokenExpiresAt: string | null): Promise<void>;
  getMetaGrant(id: string): Promise<MetaGrantRecord | undefined>;
  /** forgets dialogs and grants that expired before `before` */
  deleteExpiredMetaGrants(before: string): Promise<number>;
}
