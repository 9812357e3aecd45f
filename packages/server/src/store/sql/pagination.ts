/**
 * @module store/sql/pagination
 * Keyset pages for both SQL modules: queries fetch `limit + 1` rows ordered by id; the extra row only says that
 * another page exists, and the last returned id is the cursor.
 */
import type { Page } from '../../core/ports/index.js';

export function page<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  return { data, nextCursor: more ? (data[data.length - 1]?.id ?? null) : null };
}
