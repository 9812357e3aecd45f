/**
 * @module store/sqlite/durable-driver
 * Kysely's SQLite dialect with the WAL group commit of store/sqlite/wal-sync: a write (outside a transaction, or a
 * transaction's commit) settles only after its connection is released (so other queries go on) and the WAL holding
 * it is on disk. Reads do not wait, with one exception: reads of the outbox, because what they return leaves the
 * process (bus, realtime, webhooks) without a later write of ours — they settle once every commit made before
 * them is on disk, so no event ever announces something a power cut could still take back.
 */
import {
  SqliteDialect,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';
import type { Database as BetterSqliteDatabase } from 'better-sqlite3';
import type { WalSync } from './wal-sync.js';
import type { SharedWriteLock } from './write-lock.js';

const OUTBOX_READ = /^select .* from "outbox"/i;
const WRITE = /^\s*(insert|update|delete|replace)\b/i;

class DurableConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly raw: BetterSqliteDatabase,
    private readonly wal: WalSync,
    private readonly lock: SharedWriteLock | undefined,
  ) {}

  /** set while the connection is out: the caller must hear back only after a WAL sync */
  mustSync = false;

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // after a failed WAL sync nothing the database says can be trusted to survive: every query fails (and /healthz
    // with it), so the process is restarted and crash recovery replays the WAL
    if (this.wal.failed) throw this.wal.failed;
    // a write outside a transaction is a transaction of its own: with another thread writing, it takes the lock
    const locked = this.lock !== undefined && !this.raw.inTransaction && WRITE.test(query.sql);
    if (locked) await this.lock?.acquire();
    let result: QueryResult<R>;
    try {
      result = await this.inner.executeQuery<R>(query);
    } finally {
      if (locked) this.lock?.release();
    }
    // an autocommit write committed right now (inside a transaction, the commit counts). A write with RETURNING is
    // run as a reader (no affected-row count), so the statement itself tells.
    if (!this.raw.inTransaction && ((result.numAffectedRows ?? 0n) > 0n || WRITE.test(query.sql))) {
      this.wal.noteCommit();
      this.mustSync = true;
    } else if (OUTBOX_READ.test(query.sql)) this.mustSync = true;
    return result;
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class DurableDriver implements Driver {
  private connection: DurableConnection | undefined;

  constructor(
    private readonly inner: Driver,
    private readonly raw: BetterSqliteDatabase,
    private readonly wal: WalSync,
    private readonly lock: SharedWriteLock | undefined,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.inner.acquireConnection();
    this.connection ??= new DurableConnection(inner, this.raw, this.wal, this.lock);
    return this.connection;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(unwrap(connection), settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.inner.commitTransaction(unwrap(connection));
    this.wal.noteCommit();
    if (connection instanceof DurableConnection) connection.mustSync = true;
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(unwrap(connection));
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.savepoint?.(unwrap(connection), name, compile);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.rollbackToSavepoint?.(unwrap(connection), name, compile);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.releaseSavepoint?.(unwrap(connection), name, compile);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const mustSync = connection instanceof DurableConnection && connection.mustSync;
    if (connection instanceof DurableConnection) connection.mustSync = false;
    await this.inner.releaseConnection(unwrap(connection));
    // the connection is free for others; this caller hears back once what it wrote (or announces) is on disk
    if (mustSync) await this.wal.barrier();
  }

  async destroy(): Promise<void> {
    await this.inner.destroy();
  }
}

/** the dialect's own connection object behind our wrapper */
function unwrap(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof DurableConnection ? connection.inner : connection;
}

export class DurableSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly raw: BetterSqliteDatabase,
    private readonly wal: WalSync | undefined,
    private readonly lock?: SharedWriteLock,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    return this.wal ? new DurableDriver(driver, this.raw, this.wal, this.lock) : driver;
  }
}
