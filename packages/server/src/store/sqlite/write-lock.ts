/**
 * @module store/sqlite/write-lock
 * One writer at a time across the threads of one process that share a SQLite file (the HTTP thread and the
 * processing thread, app/processing-thread.ts), taken *before* SQLite's own lock so that SQLite never sees them
 * compete. SQLite lets one connection write at a time and makes the others wait in its busy handler, which sleeps
 * the waiting thread (1, 2, 5, 10, … ms: `sqliteDefaultBusyCallback` in https://www.sqlite.org/src/file/src/main.c)
 * — an HTTP thread asleep there answers no webhook, and wakes up to a few milliseconds after the lock was freed.
 * This lock is waited for with `Atomics.waitAsync`: the waiting thread's event loop keeps running (webhooks keep
 * arriving and join the next group commit), and it is woken the moment the holder releases it.
 *
 * Fair between the threads: while one waits, the other does not take the lock again straight after releasing it
 * (it queues behind), so a processing thread writing batch after batch cannot starve the HTTP thread's group commit.
 *
 * Cell 0 holds 0 (free) or the holder's thread id + 1, so a thread that dies holding it (its SQLite connection is
 * closed, rolling its transaction back) can be freed by whoever saw it die (`releaseIfHeldBy`); cell 1 counts the
 * waiters, cell 2 the thread that must let a waiter go first.
 */
import { threadId } from 'node:worker_threads';

// Node 16+ has it; TypeScript's lib here (ES2022) does not declare it yet
type WaitAsync = (
  cell: Int32Array,
  index: number,
  value: number,
  timeoutMs: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync.bind(Atomics);

const HOLDER = 0;
const WAITERS = 1;
const YIELD = 2;
/** a waiter re-checks at least this often, whatever notify does */
const RECHECK_MS = 50;

export class SharedWriteLock {
  private readonly cell: Int32Array;
  private readonly me = threadId + 1;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(12)) {
    this.cell = new Int32Array(buffer);
  }

  async acquire(): Promise<void> {
    // nobody waiting: take it if free
    if (Atomics.load(this.cell, WAITERS) === 0 && Atomics.compareExchange(this.cell, HOLDER, 0, this.me) === 0) {
      Atomics.store(this.cell, YIELD, 0);
      return;
    }
    Atomics.add(this.cell, WAITERS, 1);
    try {
      let yielded = false;
      for (;;) {
        // this thread released it while another waited: let that one take it first (once, bounded in time, so a
        // waiter that died waiting cannot hold anyone up)
        if (!yielded && Atomics.load(this.cell, YIELD) === this.me && Atomics.load(this.cell, WAITERS) > 1) {
          yielded = true;
          const wait = waitAsync(this.cell, YIELD, this.me, RECHECK_MS);
          if (wait.async) await wait.value;
          continue;
        }
        const holder = Atomics.compareExchange(this.cell, HOLDER, 0, this.me);
        if (holder === 0) {
          if (Atomics.exchange(this.cell, YIELD, 0) !== 0) Atomics.notify(this.cell, YIELD);
          return;
        }
        const wait = waitAsync(this.cell, HOLDER, holder, RECHECK_MS);
        if (wait.async) await wait.value;
      }
    } finally {
      Atomics.sub(this.cell, WAITERS, 1);
    }
  }

  release(): void {
    if (Atomics.compareExchange(this.cell, HOLDER, this.me, 0) !== this.me) return;
    if (Atomics.load(this.cell, WAITERS) > 0) Atomics.store(this.cell, YIELD, this.me);
    Atomics.notify(this.cell, HOLDER);
  }

  /** frees the lock if the thread `threadIdOfDead` held it when it died */
  releaseIfHeldBy(threadIdOfDead: number): boolean {
    const freed = Atomics.compareExchange(this.cell, HOLDER, threadIdOfDead + 1, 0) === threadIdOfDead + 1;
    if (freed) Atomics.notify(this.cell, HOLDER);
    return freed;
  }
}
