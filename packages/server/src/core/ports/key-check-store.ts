/**
 * @module core/ports/key-check-store
 * The master key's check value: a known text sealed with the key the first time a database is used, so a start with
 * another key (or none) is refused before anything tries to open a secret (core/security/key-check.ts). Implemented
 * in store/sql/key-check-queries.ts.
 */

export interface KeyCheckStoreOps {
  /** the sealed check value, or undefined for a database that has none yet */
  getKeyCheck(): Promise<string | undefined>;
  /** stores the check value unless one is stored already (another process may have won: read it back) */
  insertKeyCheck(sealed: string, at: string): Promise<void>;
  /** one sealed value from wherever secrets are kept (connection and agent configs, webhook subscription secrets) */
  findSealedSecret(): Promise<string | undefined>;
}
