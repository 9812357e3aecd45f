import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { SharedWriteLock } from './write-lock.js';

const here = import.meta.url;
const tsx = new URL(
  `file://${createRequire(here)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs')}`,
).href;
const lockModule = new URL('./write-lock.ts', here).href;

/**
 * a thread with the same lock class over `buffer`: on 'hold' it takes the lock and says 'held'; on 'release' it
 * frees it; on 'count' it increments the counter after the lock's cells `rounds` times under the lock
 */
function lockThread(buffer: SharedArrayBuffer): Worker {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(lockModule)}); }).then(({ SharedWriteLock }) => {
      const lock = new SharedWriteLock(workerData);
      parentPort.on('message', async (m) => {
        if (m.type === 'hold') { await lock.acquire(); parentPort.postMessage({ type: 'held' }); }
        else if (m.type === 'release') { lock.release(); parentPort.postMessage({ type: 'released' }); }
        else if (m.type === 'count') {
          const counter = new Int32Array(workerData, 12, 1);
          for (let i = 0; i < m.rounds; i++) {
            await lock.acquire();
            const seen = Atomics.load(counter, 0);
            await new Promise((r) => setImmediate(r));
            Atomics.store(counter, 0, seen + 1);
            lock.release();
          }
          parentPort.postMessage({ type: 'counted' });
        }
      });
      parentPort.postMessage({ type: 'ready' });
    });`;
  return new Worker(code, { eval: true, workerData: buffer });
}

const next = (w: Worker, type: string): Promise<Record<string, unknown>> =>
  new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (m.type !== type) return;
      w.off('message', on);
      resolve(m);
    };
    w.on('message', on);
  });

describe('SharedWriteLock (threads of one process)', () => {
  const workers: Worker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.terminate()));
  });

  it('makes a thread wait without blocking its event loop, and hands over at the release', async () => {
    const lock = new SharedWriteLock();
    const w = lockThread(lock.buffer);
    workers.push(w);
    await next(w, 'ready');
    w.postMessage({ type: 'hold' });
    await next(w, 'held');
    let acquired = false;
    const waiting = lock.acquire().then(() => (acquired = true));
    // this thread's event loop runs while it waits
    let ticks = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (++ticks === 5) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    expect(acquired).toBe(false);
    w.postMessage({ type: 'release' });
    await waiting;
    expect(acquired).toBe(true);
    // held here now: the other thread waits in turn
    let otherHeld = false;
    const held = next(w, 'held').then(() => (otherHeld = true));
    w.postMessage({ type: 'hold' });
    await new Promise((r) => setTimeout(r, 40));
    expect(otherHeld).toBe(false);
    lock.release();
    await held;
    expect(otherHeld).toBe(true);
  }, 20_000);

  it('is freed for the others when its holder dies', async () => {
    const lock = new SharedWriteLock();
    const w = lockThread(lock.buffer);
    workers.push(w);
    await next(w, 'ready');
    w.postMessage({ type: 'hold' });
    await next(w, 'held');
    const id = w.threadId;
    await w.terminate();
    let acquired = false;
    const waiting = lock.acquire().then(() => (acquired = true));
    await new Promise((r) => setTimeout(r, 120));
    expect(acquired).toBe(false);
    // only the dead holder's id frees it
    expect(lock.releaseIfHeldBy(id + 1000)).toBe(false);
    expect(lock.releaseIfHeldBy(id)).toBe(true);
    await waiting;
    expect(acquired).toBe(true);
    lock.release();
  }, 20_000);

  it('lets one thread at a time in: a read-modify-write under it loses no update from either thread', async () => {
    const lock = new SharedWriteLock(new SharedArrayBuffer(16));
    const w = lockThread(lock.buffer);
    workers.push(w);
    await next(w, 'ready');
    const counter = new Int32Array(lock.buffer, 12, 1);
    const ROUNDS = 300;
    const done = next(w, 'counted');
    w.postMessage({ type: 'count', rounds: ROUNDS });
    for (let i = 0; i < ROUNDS; i++) {
      await lock.acquire();
      // a plain read, a pause, a plain write: without the lock the other thread's increments in between are lost
      const seen = Atomics.load(counter, 0);
      await new Promise((r) => setImmediate(r));
      Atomics.store(counter, 0, seen + 1);
      lock.release();
    }
    await done;
    expect(Atomics.load(counter, 0)).toBe(2 * ROUNDS);
  }, 30_000);
});
