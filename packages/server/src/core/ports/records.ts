/**
 * @module core/ports/records
 * What every store port shares: keyset pages. The records themselves live beside the port of their aggregate
 * (user-store, connection-store, …). Dialect-neutral throughout: timestamps are ISO-8601 UTC strings, JSON columns
 * are parsed objects.
 */

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
export interface PageQuery {
  limit: number;
  cursor?: string | undefined;
}
