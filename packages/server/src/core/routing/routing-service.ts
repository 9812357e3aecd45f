/**
 * @module core/routing/routing-service
 * The consumer of the `routing` topic. For each newly stored inbound message, exactly once: a conversation nobody
 * handles yet gets routing's decision (RoutingDecisions) written by compare-and-set (Ownership), its auto-replies
 * are queued, then an agent that handles the conversation answers (AgentDispatcher); while a human handles it the
 * agent stays silent. Recovery re-drives routing a crash lost. What operators and the API do to a conversation is
 * in RoutingCommands.
 */
import { contentPreview } from '../../model/index.js';
import { TOPIC_ROUTING } from '../events.js';
import type { CoreDeps } from '../deps.js';
import type { AgentDispatcher, AgentTurnOutcome } from '../agents/agent-dispatcher.js';
import type { MessageQueue } from '../outbound/message-queue.js';
import type { ConversationRecord, MessageRecord, Subscription } from '../ports/index.js';
import { TimelineBatch } from '../conversations/timeline.js';
import { RoutingBatch } from './routing-batch.js';
import type { RoutingDecisions } from './routing-decisions.js';
import type { Ownership } from './ownership.js';
import type { WorkflowTrigger } from './workflow-trigger.js';

export interface RoutingWork {
  messageId: string;
  conversationId: string;
  workspaceId: string;
}

export interface RoutingOptions {
  /** a routing claimed longer ago than this (its worker died before the agent turn finished) is taken over */
  claimLeaseMs: number;
}

type Claimed =
  | { kind: 'skip' }
  | { kind: 'retry' }
  | {
      kind: 'go';
      conversation: ConversationRecord;
      replies: string[];
      /** the webhook subscriptions of the rule's workflow actions, called once the decision is written */
      workflows: string[];
      ruleId: string | null;
      turn: boolean;
      takenOver: boolean;
    };

const MAX_DELIVERIES = 5;
/** conversations routed at once (also the most messages one fast-path batch gathers) */
const CONCURRENCY = 32;
const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class RoutingService {
  private timer: NodeJS.Timeout | undefined;
  private workflows: WorkflowTrigger | undefined;
  private sweeping: Promise<void> | undefined;
  private readonly batch: RoutingBatch;

  constructor(
    private readonly deps: CoreDeps,
    private readonly messages: MessageQueue,
    /** the agent runtime (built before routing: agents never call routing) */
    private readonly agents: AgentDispatcher,
    private readonly decisions: RoutingDecisions,
    private readonly ownership: Ownership,
    private readonly options: RoutingOptions,
  ) {
    this.batch = new RoutingBatch(deps.store, deps.clock, deps.log);
  }

  /** the runner of rules' workflow actions (built after routing: it hands conversations over like the commands) */
  useWorkflows(trigger: WorkflowTrigger): void {
    this.workflows = trigger;
  }

  subscribe(): Subscription {
    return this.deps.bus.consume(
      TOPIC_ROUTING,
      async (m, delivery) => {
        const p = m.payload;
        const work = {
          messageId: String(p.messageId),
          conversationId: String(p.conversationId),
          workspaceId: String(p.workspaceId),
        };
        // a conversation humans handle (the common case) is routed in a batch with its neighbours
        if (typeof p.staleBefore !== 'string' && (await this.batch.route(work))) return;
        await this.process(work, {
          ...(typeof p.staleBefore === 'string' ? { staleBefore: p.staleBefore } : {}),
          lastAttempt: delivery.attempt >= MAX_DELIVERIES,
        });
      },
      { concurrency: CONCURRENCY, maxDeliveries: MAX_DELIVERIES },
    );
  }

  // ---- the routing of one inbound message -------------------------------------------------------------------

  /**
   * routes one stored inbound message; a redelivery of the same message does nothing. `staleBefore`: a claim older
   * than this is taken over (recovery); `lastAttempt`: an agent turn that throws hands the conversation to humans
   * instead of asking the bus for another delivery
   */
  async process(
    work: RoutingWork,
    options: { staleBefore?: string | undefined; lastAttempt?: boolean | undefined } = {},
    attempt = 0,
  ): Promise<void> {
    const { staleBefore } = options;
    const { store } = this.deps;
    const conversation = await store.getConversation(work.workspaceId, work.conversationId);
    if (!conversation) return;
    const open = conversation.status !== 'resolved';
    // the message is read only when something acts on it: a decision or an agent turn
    const message =
      open && conversation.handler !== 'human' ? await store.getMessage(work.workspaceId, work.messageId) : undefined;
    if (message && message.direction !== 'inbound') return;
    // decided before the transaction: it reads rules, the contact and the agent runtime
    const decision =
      open && conversation.handler == null && message ? await this.decisions.decide(conversation, message) : undefined;
    const now = this.deps.clock.now();
    const at = now.toISOString();
    const cutoff = staleBefore ?? new Date(now.getTime() - this.options.claimLeaseMs).toISOString();
    const claimed = await store.transaction(async (tx): Promise<Claimed> => {
      const fresh = await tx.getConversation(work.workspaceId, work.conversationId);
      if (!fresh) return { kind: 'skip' };
      const undecided = fresh.handler == null && fresh.status !== 'resolved';
      const agentOwned = fresh.handler === 'agent' && fresh.status !== 'resolved' && Boolean(fresh.agentId);
      // it changed hands since the reads above in a way that needs them again (rare: an operator acted meanwhile)
      if ((undecided && !decision) || ((undecided || agentOwned) && !message)) return { kind: 'retry' };
      // humans handle it (or it is resolved): nothing runs, the mark is written done at once
      const claim = await tx.routing.claimRouting(work, at, cutoff, undecided || agentOwned ? 'claimed' : 'done');
      if (claim === 'busy' || claim === 'done') return { kind: 'skip' };
      if (!(undecided || agentOwned)) {
        // a claim taken over from a dead worker with nothing left to run (its replies are not sent again)
        if (claim === 'taken-over') await tx.routing.finishRouting(work.messageId, at);
        return { kind: 'skip' };
      }
      const batch = new TimelineBatch(work.workspaceId, fresh.id, at);
      let current = fresh;
      let replies: string[] = [];
      // a machine's message (an out-of-office, a bounce-like auto-reply: RFC 3834 §2) is routed to people but never
      // answered by a machine: no auto-reply rule, no workflow, no agent or flow turn, so two robots cannot mail each
      // other forever
      const automated = message?.metadata.automated === true;
      let workflows: string[] = [];
      if (claim === 'claimed' && decision && undecided) {
        if (await this.ownership.applyDecision(tx, fresh, decision, batch, at)) {
          if (!automated) {
            replies = decision.replies;
            workflows = decision.actions.flatMap((a) => (a.type === 'workflow' ? [a.webhookId] : []));
          }
          current = { ...fresh, handler: decision.handler, agentId: decision.agentId };
        }
      }
      const turn =
        !automated && current.status !== 'resolved' && current.handler === 'agent' && Boolean(current.agentId);
      if (!turn && replies.length === 0 && workflows.length === 0) await tx.routing.finishRouting(work.messageId, at);
      const written = await batch.write(tx, !batch.empty, now);
      return {
        kind: 'go',
        conversation: written ?? current,
        replies,
        workflows,
        ruleId: decision?.rule?.id ?? null,
        turn,
        takenOver: claim === 'taken-over',
      };
    });
    if (claimed.kind === 'retry') {
      if (attempt >= 3)
        throw new Error(
          `conversation ${work.conversationId} kept changing hands while being routed; the bus retries later`,
        );
      await this.process(work, options, attempt + 1);
      return;
    }
    if (claimed.kind === 'skip') return;
    this.deps.afterCommit();
    try {
      for (const text of claimed.replies) await this.autoReply(claimed.conversation, text, claimed.ruleId);
      let conversationNow = claimed.conversation;
      let turn = claimed.turn;
      if (claimed.workflows.length > 0 && message && this.workflows) {
        for (const webhookId of claimed.workflows)
          await this.workflows.run(conversationNow, message, webhookId, claimed.ruleId);
        // the workflow may have handed the conversation to people: the agent answers only if it still handles it
        conversationNow = (await store.getConversation(work.workspaceId, work.conversationId)) ?? conversationNow;
        turn = turn && conversationNow.handler === 'agent' && Boolean(conversationNow.agentId);
      }
      // a claim taken over from a dead worker: its agent turn is as dead, whatever the agent's own lease says
      if (turn && message)
        await this.agentTurn(
          conversationNow,
          message,
          options.lastAttempt ?? true,
          claimed.takenOver ? cutoff : undefined,
        );
      else if (claimed.replies.length > 0 || claimed.workflows.length > 0 || claimed.turn)
        await store.routing.finishRouting(work.messageId, this.deps.clock.now().toISOString());
    } catch (error) {
      // the decision is written: a redelivery finishes the rest (an agent turn; auto-replies are not sent again)
      this.deps.log.warn(
        { err: error, messageId: work.messageId, conversationId: work.conversationId },
        'routing failed after its decision; the bus delivers it again',
      );
      await store.routing.releaseRouting(work.messageId).catch(() => undefined);
      throw error;
    }
  }

  private async record(conversation: ConversationRecord, fill: (batch: TimelineBatch) => void): Promise<void> {
    const now = this.deps.clock.now();
    const batch = new TimelineBatch(conversation.workspaceId, conversation.id, now.toISOString());
    fill(batch);
    await this.deps.store.transaction((tx) => batch.write(tx, false, now));
    this.deps.afterCommit();
  }

  private async autoReply(conversation: ConversationRecord, text: string, ruleId: string | null): Promise<void> {
    const actor = ruleId ? `rule:${ruleId}` : 'system';
    try {
      const sent = await this.messages.sendToConversation(
        conversation.workspaceId,
        conversation.id,
        { type: 'text', text },
        { autoReply: true, ...(ruleId ? { ruleId } : {}) },
      );
      await this.record(conversation, (b) =>
        b.add('auto_reply', actor, { messageId: sent.id, text: contentPreview(sent.content) }),
      );
    } catch (error) {
      await this.record(conversation, (b) => b.add('auto_reply.failed', actor, { text, error: errorText(error) }));
    }
  }

  /**
   * one agent turn for the message; its replies, errors and any handoff it asks for go to the timeline. A turn that
   * throws (not a provider failure: those degrade inside the agent) releases the claim and is retried by the bus;
   * the last attempt hands the conversation to humans instead
   */
  private async agentTurn(
    conversation: ConversationRecord,
    message: MessageRecord,
    lastAttempt: boolean,
    staleBefore?: string,
  ): Promise<void> {
    const agentId = conversation.agentId as string;
    const ws = conversation.workspaceId;
    const { agents } = this;
    let outcome: AgentTurnOutcome;
    if (!(await agents.isRunning(ws, agentId))) {
      outcome = { replyMessageIds: [], replyPreviews: [], handoff: { reason: `agent ${agentId} is not running` } };
    } else {
      try {
        outcome = await agents.runTurn({
          workspaceId: ws,
          agentId,
          conversationId: conversation.id,
          messageId: message.id,
          ...(staleBefore ? { staleBefore } : {}),
        });
      } catch (error) {
        if (!lastAttempt) {
          await this.deps.store.routing.releaseRouting(message.id);
          throw error;
        }
        this.deps.log.warn(
          { err: error, conversationId: conversation.id, agentId },
          'agent turn failed on its last attempt; handing the conversation to humans',
        );
        outcome = {
          replyMessageIds: [],
          replyPreviews: [],
          error: errorText(error),
          handoff: { reason: `the agent failed: ${errorText(error)}` },
        };
      }
    }
    const now = this.deps.clock.now();
    const at = now.toISOString();
    await this.deps.store.transaction(async (tx) => {
      const batch = new TimelineBatch(ws, conversation.id, at);
      const actor = `agent:${agentId}`;
      if (outcome.replyMessageIds.length > 0)
        batch.add('agent.replied', actor, {
          agentId,
          messageId: message.id,
          replyMessageIds: outcome.replyMessageIds,
          previews: outcome.replyPreviews,
        });
      if (outcome.error) batch.add('agent.error', actor, { agentId, messageId: message.id, error: outcome.error });
      let changed = false;
      if (outcome.handoff) {
        const fresh = await tx.getConversation(ws, conversation.id);
        // only while the agent still handles it (an operator may have taken over during the turn)
        if (fresh && fresh.handler === 'agent')
          changed = await this.ownership.toHuman(tx, fresh, { actor, reason: outcome.handoff.reason }, batch, at);
      }
      await tx.routing.finishRouting(message.id, at);
      await batch.write(tx, changed, now);
    });
    this.deps.afterCommit();
  }

  // ---- recovery ------------------------------------------------------------------------------------------------

  /**
   * re-drives routing the bus may have lost: work rows published (so no longer pending in the outbox) whose message
   * has no routing mark, and routings claimed before `leaseMs` ago that never finished (their worker died between the
   * decision and the end of the agent turn; the turn is re-run, the agent runtime dedups turns per message)
   */
  async recover(leaseMs: number): Promise<number> {
    const { store, bus } = this.deps;
    const now = this.deps.clock.now();
    const staleBefore = new Date(now.getTime() - leaseMs).toISOString();
    let count = 0;
    for (;;) {
      const claims = await store.routing.listStaleRoutingClaims(staleBefore, 500);
      for (const w of claims)
        await bus.publish(TOPIC_ROUTING, { key: w.conversationId, payload: { ...w, staleBefore } });
      count += claims.length;
      if (claims.length < 500) break;
    }
    const since = new Date(now.getTime() - this.deps.settings.eventRetentionMs).toISOString();
    let afterSeq = 0;
    for (;;) {
      const { work, lastSeq } = await store.routing.listUnroutedWork(since, afterSeq, 500);
      for (const w of work) await bus.publish(TOPIC_ROUTING, { key: w.conversationId, payload: { ...w } });
      count += work.length;
      if (lastSeq === null) break;
      afterSeq = lastSeq;
    }
    return count;
  }

  /** periodic: routings whose worker died mid-turn (scaled mode: another process takes them over after the lease) */
  start(intervalMs = 5000): void {
    const tick = (): void => {
      this.sweeping = (async () => {
        try {
          const before = new Date(this.deps.clock.now().getTime() - this.options.claimLeaseMs).toISOString();
          const claims = await this.deps.store.routing.listStaleRoutingClaims(before, 500);
          for (const w of claims)
            await this.deps.bus.publish(TOPIC_ROUTING, {
              key: w.conversationId,
              payload: { ...w, staleBefore: before },
            });
        } catch (error) {
          this.deps.log.warn({ err: error }, 'routing sweep failed; trying again');
        }
      })();
      void this.sweeping.finally(() => {
        if (this.timer) this.timer = setTimeout(tick, intervalMs).unref();
      });
    };
    this.timer = setTimeout(tick, intervalMs).unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }
}
