/**
 * @module store/sqlite/checkpointer
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT that crosses the
 * threshold, on the committing thread: it copies ~1,000 pages into the database file and fsyncs both files — several
 * milliseconds of blocked event loop every few hundred transactions (measured: most of the COMMIT time under load).
 * Once a store is busy (its first few hundred transactions), a worker thread with its own connection to the same
 * file runs PASSIVE checkpoints every 200 ms instead; they never block the writer. The writer's own
 * automatic checkpoint stays as a backstop at a much larger threshold (a WAL the worker never fully caught up with
 * is checkpointed and restarted by the writer, as before). Checkpoints move committed pages only: durability is
 * unchanged (wal-sync answers a write once its WAL frames are on disk).
 */
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { sqliteDriverPath } from './driver.js';

/** transactions before the worker starts (short-lived stores, e.g. in tests, never start one) */
const START_AFTER = 256;
/** the writer's own automatic checkpoint once the worker runs, in pages (SQLite's default is 1,000) */
const BACKSTOP_PAGES = 8_192;
const INTERVAL_MS = 200;

// CommonJS, run with `eval` so the same code works from the built files and from the TypeScript sources in tests
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('synchronous = NORMAL');
let timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next tick tries again */ }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } catch { /* already closed */ }
  parentPort.close();
});
`;

export class WalCheckpointer {
  private commits = 0;
  private worker: Worker | undefined;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly database: BetterSqlite3.Database,
  ) {}

  /** after each transaction's commit: starts the worker once the store is busy */
  noteCommit(): void {
    if (this.worker || this.closed || ++this.commits < START_AFTER) return;
    const driver = sqliteDriverPath();
    const worker = new Worker(WORKER, { eval: true, workerData: { file: this.file, driver, intervalMs: INTERVAL_MS } });
    worker.unref();
    worker.on('error', () => {
      // without the worker the writer checkpoints by itself again, as SQLite does by default
      if (!this.closed) this.database.pragma('wal_autocheckpoint = 1000');
    });
    this.worker = worker;
    this.database.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  }

  /** stops the worker (it closes its connection); called before the writer's connection closes */
  close(): void {
    this.closed = true;
    this.worker?.postMessage('stop');
    this.worker = undefined;
  }
}
