/**
 * @module core/inbound/group-commit
 * Group commit: the raw events acknowledged in one event-loop turn are written in one transaction, so one
 * fsync covers many webhooks (stack-notes: 5.9k → 9.6k req/s on SQLite). Each caller still waits for its own
 * row to be durable before answering the provider.
 */
import type { InboundEventRecord, Store } from '../ports/index.js';
import { TOPIC_INBOUND } from '../events.js';
import { TurnBatcher } from '../batching/turn-batcher.js';

export class InboundGroupCommit {
  private readonly batcher: TurnBatcher<{ row: InboundEventRecord; enqueue: boolean }, boolean>;

  constructor(
    private readonly store: Store,
    private readonly afterCommit: () => void,
    maxBatch = 512,
  ) {
    this.batcher = new TurnBatcher((batch) => this.write(batch), maxBatch);
  }

  /** resolves true when stored, false when the provider re-delivered an event we already have */
  add(row: InboundEventRecord, enqueue: boolean): Promise<boolean> {
    return this.batcher.add({ row, enqueue });
  }

  private async write(batch: Array<{ row: InboundEventRecord; enqueue: boolean }>): Promise<boolean[]> {
    const at = new Date().toISOString();
    const inserted = await this.store.transaction(async (tx) => {
      const ids = await tx.insertInboundEvents(batch.map((p) => p.row));
      const outbox = batch
        .filter((p) => p.enqueue && ids.has(p.row.id))
        .map((p) => ({
          topic: TOPIC_INBOUND,
          key: p.row.connectionId,
          workspaceId: null,
          payload: { inboundEventId: p.row.id },
        }));
      await tx.insertOutbox(outbox, at);
      return ids;
    });
    this.afterCommit();
    return batch.map((p) => inserted.has(p.row.id));
  }
}
