/**
 * @module store/sqlite/wal-sync
 * Durability without blocking the event loop. better-sqlite3 is synchronous: with synchronous=FULL every COMMIT
 * fsyncs the WAL on the main thread (~1 ms on this disk), and the whole process stops once per transaction. Here
 * commits run with synchronous=NORMAL (their frames are written to the WAL file, not yet synced) and an
 * fdatasync of the WAL runs on libuv's thread pool, shared by every commit made meanwhile (group commit). The WAL
 * is append-only and crash recovery keeps a prefix of the committed transactions, so once a sync that started
 * after a commit returns, that commit is as durable as a FULL one. Checkpoints sync the WAL and the database file
 * themselves under NORMAL. The store answers a write only once it is durable (store/sqlite/durable-driver), so
 * nothing is acknowledged before it is on disk.
 */
import { closeSync, existsSync, fdatasync, fdatasyncSync, openSync } from 'node:fs';

export class WalSync {
  private fd: number | undefined;
  /** commits made so far / covered by the last completed sync */
  private committed = 0;
  private durable = 0;
  /** the sync in flight and what it covers */
  private running: { covers: number; done: Promise<void> } | undefined;
  private waiters: Array<{ seq: number; resolve: () => void; reject: (e: unknown) => void }> = [];
  private closed = false;
  /**
   * A failed fdatasync is final. Linux reports a write-back error once and may drop the dirty pages: a later sync
   * can succeed without the lost frames, and crash recovery would cut the log there. So after one failure nothing
   * is ever reported durable again — every write fails until the process restarts and recovery replays the WAL
   * (PostgreSQL panics for the same reason).
   */
  private failure: Error | undefined;

  constructor(private readonly walFile: string) {}

  /** the sync failure that stopped this store from acknowledging writes, if any */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** a commit was made (its frames are in the WAL file, maybe not on disk) */
  noteCommit(): void {
    this.committed++;
  }

  /** true when a commit is not yet known to be on disk */
  get dirty(): boolean {
    return this.durable < this.committed;
  }

  /** resolves once every commit made before this call is on disk */
  barrier(): Promise<void> {
    const seq = this.committed;
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed || this.durable >= seq) return Promise.resolve();
    const promise = new Promise<void>((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
    if (!this.running) this.start();
    return promise;
  }

  close(): void {
    this.closed = true;
    const waiting = this.waiters.splice(0);
    if (waiting.length > 0) {
      // callers still waiting hear "durable" only after a sync of their commits
      let error: unknown = this.failure;
      if (!error && this.fd !== undefined) {
        try {
          fdatasyncSync(this.fd);
        } catch (e) {
          error = e;
        }
      }
      for (const w of waiting)
        if (error) w.reject(error);
        else w.resolve();
    }
    const fd = this.fd;
    this.fd = undefined;
    if (fd === undefined) return;
    // a sync in flight still uses the descriptor
    if (this.running) void this.running.done.catch(() => undefined).then(() => closeSync(fd));
    else closeSync(fd);
  }

  private start(): void {
    const covers = this.committed;
    const done = this.sync();
    this.running = { covers, done };
    done.then(
      () => {
        this.durable = Math.max(this.durable, covers);
        this.settle(covers, undefined);
      },
      (error: unknown) => {
        this.failure = new Error(
          `the WAL could not be synced to disk; writes are refused until a restart: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
        this.settle(Number.MAX_SAFE_INTEGER, this.failure);
      },
    );
  }

  private settle(covers: number, error: unknown): void {
    this.running = undefined;
    const rest: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.seq > covers) rest.push(w);
      else if (error) w.reject(error);
      else w.resolve();
    }
    this.waiters = rest;
    // commits that came after the sync started need the next one
    if (rest.length > 0 && !this.closed && !this.failure) this.start();
  }

  private sync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.fd === undefined) {
      // the WAL file exists from the first write on; fsync works on a read-only descriptor (Linux syncs the inode)
      if (!existsSync(this.walFile)) return Promise.resolve();
      this.fd = openSync(this.walFile, 'r');
    }
    const fd = this.fd;
    return new Promise<void>((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
  }
}
