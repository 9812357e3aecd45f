/**
 * @module store/sqlite
 * The embedded store: one SQLite file in WAL mode, durable before anything is acknowledged (an acknowledged
 * webhook survives a crash or a power cut). Commits run with synchronous=NORMAL and every write is answered only
 * once the WAL holding it has been fdatasync'ed — on the thread pool, one sync for many commits
 * (store/sqlite/wal-sync, durable-driver). Prepared statements are cached (statement-cache) and the inbound
 * pipeline's per-message statements skip Kysely inside transactions (hot-statements).
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely } from 'kysely';
import type { Database } from '../sql/schema.js';
import { KyselyStore } from '../sql/kysely-store.js';
import { StatementCachingDatabase } from './statement-cache.js';
import { SqliteHotStatements } from './hot-statements.js';
import { WalSync } from './wal-sync.js';
import { WalCheckpointer } from './checkpointer.js';
import { DurableSqliteDialect } from './durable-driver.js';
import { SqliteDriver } from './driver.js';
import type { SharedWriteLock } from './write-lock.js';

/**
 * The database holds sealed secrets, raw provider events and conversations: only the hub's user may read it. The
 * directory is created 0700 and the file 0600 before SQLite opens it; SQLite gives the -wal and -shm files the
 * permissions of the database file (findCreateFileMode in https://www.sqlite.org/src/file/src/os_unix.c), and
 * files an older version created 0644 are tightened.
 */
function keepPrivate(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600);
}

export interface SqliteStoreOptions {
  /**
   * another thread of this process writes to the same file (app/processing-thread.ts): every write transaction and
   * every write outside one takes this lock first (store/sqlite/write-lock)
   */
  writeLock?: SharedWriteLock;
}

export function createSqliteStore(file: string, options: SqliteStoreOptions = {}): KyselyStore {
  const lock = options.writeLock;
  const inMemory = file === ':memory:';
  if (!inMemory) keepPrivate(file);
  const database = new SqliteDriver(file);
  database.pragma('journal_mode = WAL');
  const wal = inMemory ? undefined : new WalSync(`${file}-wal`);
  const checkpointer = inMemory ? undefined : new WalCheckpointer(file, database);
  // durability comes from the WAL sync before answering (wal-sync), not from an fsync inside each COMMIT
  database.pragma(wal ? 'synchronous = NORMAL' : 'synchronous = FULL');
  database.pragma('foreign_keys = ON');
  // deleted and overwritten rows are zeroed in the file, not left in free pages: erasure and retention really remove
  database.pragma('secure_delete = ON');
  database.pragma('busy_timeout = 5000');
  const dialect = new DurableSqliteDialect(
    {
      database: new StatementCachingDatabase(database, () => {
        checkpointer?.close();
        wal?.close();
      }),
    },
    database,
    wal,
    lock,
  );
  const kysely = new Kysely<Database>({ dialect });
  // IMMEDIATE: a transaction takes the write lock when it begins, waiting for it under busy_timeout. With a second
  // connection writing (the processing thread, app/processing-thread.ts) a DEFERRED one that read first and wrote
  // after the other's commit would fail at once with SQLITE_BUSY (its snapshot is stale; the busy handler is not
  // called for that case: https://www.sqlite.org/rescode.html#busy_snapshot). With one connection it changes nothing.
  const begin = database.prepare('begin immediate');
  const commit = database.prepare('commit');
  const rollback = database.prepare('rollback');
  const runTransaction = async <T>(body: (db: Kysely<Database>) => Promise<T>): Promise<T> => {
    // the connection is held for the whole body (nothing else runs statements on it meanwhile)
    const result = await kysely.connection().execute(async (db) => {
      // taken while holding the connection, as a write outside a transaction does (durable-driver): one order, so
      // a transaction and a statement of the same thread never wait for each other
      await lock?.acquire();
      try {
        begin.run();
        try {
          const value = await body(db);
          commit.run();
          wal?.noteCommit();
          checkpointer?.noteCommit();
          return value;
        } catch (error) {
          if (database.inTransaction) rollback.run();
          throw error;
        }
      } finally {
        // freed at the commit: the WAL sync below needs no lock, and the other thread may write meanwhile
        lock?.release();
      }
    });
    // the caller hears back once the commit is on disk
    await wal?.barrier();
    return result;
  };
  return new KyselyStore(kysely, 'sqlite', new SqliteHotStatements(database), runTransaction);
}
