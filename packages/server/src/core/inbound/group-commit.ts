/**
 * @module core/inbound/group-commit
 * Group commit: the raw events acknowledged in one event-loop turn are written in one transaction, so one
 * fsync covers many webhooks (stack-notes: 5.9k → 9.6k req/s on SQLite). Each caller still waits for its own
 * row to be durable before answering the provider.
 */
import type { InboundEventRecord, Store } from '../ports/index.js';
import { TOPIC_INBOUND } from '../events.js';

interface Pending { row: InboundEventRecord; enqueue: boolean; resolve: (stored: boolean) => void; reject: (e: unknown) => void }

export class InboundGroupCommit {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly afterCommit: () => void,
    private readonly maxBatch = 512,
  ) {}

  /** resolves true when stored, false when the provider re-delivered an event we already have */
  add(row: InboundEventRecord, enqueue: boolean): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ row, enqueue, resolve, reject });
      if (this.pending.length >= this.maxBatch) void this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      const at = new Date().toISOString();
      const inserted = await this.store.transaction(async (tx) => {
        const ids = await tx.insertInboundEvents(batch.map((p) => p.row));
        const outbox = batch.filter((p) => p.enqueue && ids.has(p.row.id)).map((p) => ({
          topic: TOPIC_INBOUND, key: p.row.connectionId, workspaceId: null, payload: { inboundEventId: p.row.id },
        }));
        await tx.insertOutbox(outbox, at);
        return ids;
      });
      for (const p of batch) p.resolve(inserted.has(p.row.id));
      this.afterCommit();
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
