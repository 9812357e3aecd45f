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

export interface FastWork { messageId: string; conversationId: string; workspaceId: string }

interface Pending { work: FastWork; resolve: (handled: boolean) => void }

/** most deliveries written per transaction */
const MAX_BATCH = 256;

export class RoutingBatch {
  private pending: Pending[] = [];
  private scheduled = false;

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
    return new Promise((resolve) => {
      this.pending.push({ work, resolve });
      if (this.pending.length >= MAX_BATCH) void this.flush();
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
    let handled: Set<Pending>;
    try {
      handled = await this.write(batch);
    } catch (error) {
      this.log.warn({ err: error, messages: batch.length }, 'routing batch not written; routing its messages one by one');
      handled = new Set();
    }
    for (const p of batch) p.resolve(handled.has(p));
  }

  /** one transaction: the conversations as they are now, then a 'done' mark for each message nothing runs for */
  private async write(batch: Pending[]): Promise<Set<Pending>> {
    const at = this.clock.now().toISOString();
    return this.store.transaction(async (tx) => {
      const conversations = new Map((await tx.routing.conversationsForRouting(batch.map((p) => p.work.conversationId))).map((c) => [c.id, c]));
      const handled = new Set<Pending>();
      const idle: Pending[] = [];
      for (const p of batch) {
        const c = conversations.get(p.work.conversationId);
        // like the per-message path: a conversation that does not exist (here) routes nothing and leaves no mark
        if (!c || c.workspaceId !== p.work.workspaceId) {
          handled.add(p);
          continue;
        }
        const open = c.status !== 'resolved';
        const undecided = open && c.handler == null;
        const agentOwned = open && c.handler === 'agent' && Boolean(c.agentId);
        if (!undecided && !agentOwned) idle.push(p);
      }
      if (idle.length === 0) return handled;
      const inserted = await tx.routing.markRoutedDone(idle.map((p) => p.work), at);
      // a mark that already existed (a redelivery, a claim from a dead worker): the per-message path decides
      for (const p of idle) if (inserted.has(p.work.messageId)) handled.add(p);
      return handled;
    });
  }
}
