/**
 * @module core/routing/routing-batch
 * The routing consumer's fast path, batched: most inbound messages land in conversations that humans already
 * handle (or that are resolved), where routing only records that nothing runs. The deliveries that arrive in one
 * event-loop turn (distinct conversations: the bus hands out one message per conversation at a time) are written in
 * one transaction — one read of their conversations, one insert of their marks — instead of a transaction each.
 * Everything else (a conversation nobody handles yet, an agent's conversation, a mark that already exists) goes to
 * the per-message path (RoutingService.process), unchanged.
 */
import type { Clock, Logger, Store } from '../ports/index.js';
import { TurnBatcher } from '../batching/turn-batcher.js';

export interface FastWork {
  messageId: string;
  conversationId: string;
  workspaceId: string;
}

/** most deliveries written per transaction */
const MAX_BATCH = 256;

export class RoutingBatch {
  private readonly batcher = new TurnBatcher<FastWork, boolean>((batch) => this.flush(batch), MAX_BATCH);

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * answers true when the message is routed (its mark written 'done': humans handle the conversation or it is
   * resolved; or the conversation does not exist), false when the caller must route it one by one. Never throws: a
   * batch that cannot be written hands every message to the per-message path.
   */
  route(work: FastWork): Promise<boolean> {
    return this.batcher.add(work);
  }

  private async flush(batch: FastWork[]): Promise<boolean[]> {
    try {
      const handled = await this.write(batch);
      return batch.map((w) => handled.has(w));
    } catch (error) {
      this.log.warn(
        { err: error, messages: batch.length },
        'routing batch not written; routing its messages one by one',
      );
      return batch.map(() => false);
    }
  }

  /** one transaction: the conversations as they are now, then a 'done' mark for each message nothing runs for */
  private async write(batch: FastWork[]): Promise<Set<FastWork>> {
    const at = this.clock.now().toISOString();
    return this.store.transaction(async (tx) => {
      const conversations = new Map(
        (await tx.routing.conversationsForRouting(batch.map((w) => w.conversationId))).map((c) => [c.id, c]),
      );
      const handled = new Set<FastWork>();
      const idle: FastWork[] = [];
      for (const p of batch) {
        const c = conversations.get(p.conversationId);
        // like the per-message path: a conversation that does not exist (here) routes nothing and leaves no mark
        if (!c || c.workspaceId !== p.workspaceId) {
          handled.add(p);
          continue;
        }
        const open = c.status !== 'resolved';
        const undecided = open && c.handler == null;
        const agentOwned = open && c.handler === 'agent' && Boolean(c.agentId);
        if (!undecided && !agentOwned) idle.push(p);
      }
      if (idle.length === 0) return handled;
      const inserted = await tx.routing.markRoutedDone(idle, at);
      // a mark that already existed (a redelivery, a claim from a dead worker): the per-message path decides
      for (const p of idle) if (inserted.has(p.messageId)) handled.add(p);
      return handled;
    });
  }
}
