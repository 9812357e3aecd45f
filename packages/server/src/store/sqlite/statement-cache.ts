/**
 * @module store/sqlite/statement-cache
 * Kysely's SQLite driver prepares every statement anew (`db.prepare(sql)` per query, ~8 % of the hub's CPU under
 * webhook load). This wraps the better-sqlite3 handle given to the dialect so a statement is prepared once per SQL
 * text and reused; parameters still bind per call, so nothing about the queries changes.
 */
import type { Database as BetterSqliteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** the hot statements number in the dozens; multi-row inserts vary by row count, hence the bound */
const DEFAULT_CAPACITY = 512;

export class StatementCachingDatabase implements SqliteDatabase {
  private readonly cache = new Map<string, Statement>();

  constructor(
    readonly raw: BetterSqliteDatabase,
    private readonly onClose: () => void = () => undefined,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  prepare(sql: string): SqliteStatement {
    const hit = this.cache.get(sql);
    // a statement still iterating (a streamed select) cannot run again until done: give that caller its own
    if (hit && !hit.busy) {
      // least recently used goes first: re-insert on every hit
      this.cache.delete(sql);
      this.cache.set(sql, hit);
      return hit as unknown as SqliteStatement;
    }
    const stmt = this.raw.prepare(sql);
    if (!hit) {
      this.cache.set(sql, stmt);
      if (this.cache.size > this.capacity) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
    }
    return stmt as unknown as SqliteStatement;
  }

  close(): void {
    this.cache.clear();
    this.onClose();
    this.raw.close();
  }
}
