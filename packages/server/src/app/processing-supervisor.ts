/**
 * @module app/processing-supervisor
 * The HTTP thread's side of the processing thread (app/processing-thread.ts): starts it, bridges the bus to it
 * (bus/thread-bridge), wakes its outbox relay after this thread's commits, counts its metrics here (one /metrics),
 * and restarts it when it dies. A restarted thread runs the start-up sweeps: every raw event still pending is
 * re-driven — the batch it was writing when it died either committed (its events are no longer pending) or rolled
 * back with the thread's connection (they are), and the compare-and-set claim keeps each event processed once.
 */
import { sqliteDriverPath } from '../store/sqlite/driver.js';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger, Metrics } from '../core/ports/index.js';
import type { BridgedBus, BridgeMessage } from '../bus/thread-bridge.js';
import type { Config } from './config.js';
import type { SharedWriteLock } from '../store/sqlite/write-lock.js';

/** what the processing thread says besides the bus's messages */
export type ThreadMessage =
  | BridgeMessage
  | { type: 'ready' }
  | { type: 'stopped' }
  | { type: 'log'; line: string }
  | { type: 'metric'; name: keyof Metrics; args: unknown[] };

/** what this thread tells it */
export type ControlMessage =
  BridgeMessage | { type: 'relay.kick' } | { type: 'stop' } | { type: 'connection.changed'; connectionId: string };

const RESTART_MIN_MS = 100;
const RESTART_MAX_MS = 5_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * The thread's code must be JavaScript for a Worker: the built file next to this one; run from the TypeScript sources
 * (tests, `tsx`), the thread registers tsx's loader first and imports the source.
 */
function threadEntry(): { code: string; eval: true } | { file: string; eval: false } {
  const here = import.meta.url;
  if (here.endsWith('.js')) return { file: fileURLToPath(new URL('./processing-thread.js', here)), eval: false };
  const source = new URL('./processing-thread.ts', here).href;
  // tsx's ES module entry (require.resolve names its CommonJS twin, whose register() cannot be imported this way)
  const tsx = createRequire(here)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  if (!existsSync(fileURLToPath(source))) throw new Error('processing thread source not found');
  return {
    eval: true,
    code: `import(${JSON.stringify(new URL(`file://${tsx}`).href)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); })`,
  };
}

export class ProcessingThread {
  private worker: Worker | undefined;
  private ready = false;
  private everReady = false;
  private stopping = false;
  private kickQueued = false;
  private restartDelay = RESTART_MIN_MS;
  private restartTimer: NodeJS.Timeout | undefined;
  /** times the thread died and was started again */
  restarts = 0;
  private readyWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  constructor(
    private readonly options: {
      config: Config;
      /** shared with the thread's store: its connection and this thread's take turns writing */
      writeLock: SharedWriteLock;
      bus: BridgedBus;
      metrics: Metrics;
      log: Logger;
      /** where the thread's log lines go (already redacted there) */
      logLine: (line: string) => void;
    },
  ) {}

  /** starts the thread; resolves once its hub runs (its start-up sweeps done) */
  start(): Promise<void> {
    this.spawn();
    return this.whenReady();
  }

  /** resolves when the (current or next) thread is running */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** a commit on this thread wrote outbox rows: one wake-up per event-loop turn however many commits */
  readonly kickRelay = (): void => {
    if (this.kickQueued) return;
    this.kickQueued = true;
    setImmediate(() => {
      this.kickQueued = false;
      if (this.ready) this.post({ type: 'relay.kick' });
    });
  };

  /**
   * a connection's status changed on this thread: the processing thread drops its cached copy. Posted before what
   * follows the change is published (the port keeps the order), so a started connection's waiting sends see it run.
   */
  readonly connectionChanged = (connectionId: string): void => {
    if (this.ready) this.post({ type: 'connection.changed', connectionId });
  };

  /** ends the thread abruptly, as a crash in it would (tests); it is restarted like after any death */
  async kill(): Promise<void> {
    await this.worker?.terminate();
  }

  /** lets the thread finish its work and flush the outbox, then waits for it to exit */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.post({ type: 'stop' });
    const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  private spawn(): void {
    const entry = threadEntry();
    const worker = new Worker(entry.eval ? entry.code : entry.file, {
      eval: entry.eval,
      workerData: {
        config: this.options.config,
        writeLock: this.options.writeLock.buffer,
        sqliteDriver: sqliteDriverPath(),
      },
      // a tsx-loaded parent would otherwise hand its loader flags to a thread that does not need them
      execArgv: [],
    });
    this.worker = worker;
    // read now: once the thread has exited the Worker reports -1
    const threadId = worker.threadId;
    this.ready = false;
    worker.on('message', (m: ThreadMessage) => this.onMessage(m));
    worker.on('error', (error) => {
      this.options.log.error({ err: error }, 'the processing thread failed');
    });
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      // a thread ended in the middle of a transaction holds the write lock; its connection is gone (rolled back)
      if (this.options.writeLock.releaseIfHeldBy(threadId))
        this.options.log.warn({}, 'the processing thread died holding the write lock; freed');
      this.ready = false;
      this.options.bus.detach();
      if (!this.everReady) {
        // it never ran: a setup error, not a crash to restart from (the start fails with it)
        for (const w of this.readyWaiters.splice(0))
          w.reject(new Error(`the processing thread exited (${code}) before it ran`));
        return;
      }
      if (this.stopping) return;
      this.restarts++;
      this.options.log.error(
        { exitCode: code, restarts: this.restarts, inMs: this.restartDelay },
        'the processing thread died; starting it again (its pending work is re-driven)',
      );
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (!this.stopping) this.spawn();
      }, this.restartDelay);
      this.restartTimer.unref();
      this.restartDelay = Math.min(RESTART_MAX_MS, this.restartDelay * 2);
    });
  }

  private onMessage(m: ThreadMessage): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.everReady = true;
        this.restartDelay = RESTART_MIN_MS;
        this.options.bus.attach({ postMessage: (b) => this.post(b) });
        // commits made while it started are in the outbox: its relay drains them on start
        for (const w of this.readyWaiters.splice(0)) w.resolve();
        return;
      case 'bus.broadcast':
        this.options.bus.deliver(m.topic, m.message);
        return;
      case 'log':
        this.options.logLine(m.line);
        return;
      case 'metric':
        (this.options.metrics[m.name] as (...args: unknown[]) => void)(...m.args);
        return;
      default:
        return;
    }
  }

  private post(m: ControlMessage): void {
    this.worker?.postMessage(m);
  }
}
