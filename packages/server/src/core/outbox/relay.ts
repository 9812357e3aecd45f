/**
 * @module core/outbox/relay
 * Moves outbox rows to the bus after their transaction committed. Kicked right after each commit, and polled as
 * a safety net. Rows of one key are published in order; keys go in parallel. A crash between publish and
 * mark-published republishes: consumers are idempotent and JetStream dedups on the row's sequence.
 */
import type { Bus, Clock, Logger, OutboxRecord, Store } from '../ports/index.js';

export interface OutboxRelayOptions {
  batchSize?: number;
  pollMs?: number;
  /** runs with the rows just published, before they are marked: a failure leaves them to be relayed again */
  onPublished?: (rows: OutboxRecord[]) => Promise<void>;
}

export class OutboxRelay {
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: OutboxRelayOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
  }

  /** drain now (called after a commit that wrote outbox rows) */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.current = this.drain().finally(() => {
      this.running = false;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** drains until empty; resolves when every row present at call time is published (used by tests and shutdown) */
  async flush(): Promise<void> {
    await this.current;
    await this.drain();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.kick();
      if (!this.stopped) this.schedule();
    }, this.options.pollMs ?? 1000);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    for (;;) {
      let rows;
      try {
        rows = await this.store.listUnpublishedOutbox(batchSize);
      } catch (error) {
        this.log.warn({ err: error }, 'outbox relay cannot read the store; retrying on next poll');
        return;
      }
      if (rows.length === 0) return;
      const byKey = new Map<string, typeof rows>();
      for (const row of rows) {
        const k = `${row.topic}\u0000${row.key}`;
        const list = byKey.get(k);
        if (list) list.push(row);
        else byKey.set(k, [row]);
      }
      const published: number[] = [];
      await Promise.all(
        [...byKey.values()].map(async (list) => {
          for (const row of list) {
            try {
              await this.bus.publish(row.topic, {
                key: row.key,
                payload: { ...row.payload, _seq: row.seq, workspaceId: row.workspaceId },
                id: `outbox-${row.seq}`,
              });
              published.push(row.seq);
            } catch (error) {
              this.log.warn({ err: error, topic: row.topic }, 'outbox publish failed; will retry');
              return; // keep the key's order: stop this key for now
            }
          }
        }),
      );
      try {
        if (this.options.onPublished) {
          const done = new Set(published);
          await this.options.onPublished(rows.filter((r) => done.has(r.seq)));
        }
        await this.store.markOutboxPublished(published, this.clock.now().toISOString());
      } catch (error) {
        this.log.warn({ err: error }, 'outbox relay cannot mark rows published; they will be republished');
        return;
      }
      if (rows.length < batchSize || published.length < rows.length) return;
    }
  }
}
