/**
 * @module core/routing/routing-service
 * The consumer of the `routing` topic and the owner of "who handles this conversation". For each newly stored
 * inbound message, exactly once: a conversation nobody handles yet is routed (rules → agent / team / operator, tags,
 * auto-replies; otherwise the default route), then an agent that handles the conversation answers (AgentDispatcher);
 * while a human handles it the agent stays silent. Handoffs (asked for by the agent, an operator taking over, the
 * API), assignments and returns to the agent go through here too, and every decision lands in the timeline.
 */
import { contentPreview, type Content } from '../../model/index.js';
import { AppError, notFound } from '../errors.js';
import { TOPIC_ROUTING } from '../events.js';
import type { CoreDeps } from '../deps.js';
import type { AgentDispatcher, AgentTurnOutcome } from '../agents/agent-dispatcher.js';
import type { MessageQueue } from '../outbound/message-queue.js';
import type { TeamService } from '../teams/team-service.js';
import type { ConversationEventRecord, ConversationRecord, MessageRecord, Page, PageQuery, RoutingAction, StoreOps, Subscription } from '../ports/index.js';
import { evaluateRules, messageText, type Evaluation, type RoutingInput, type RuleExplanation } from './rules.js';
import { TimelineBatch } from '../conversations/timeline.js';
import { RoutingBatch } from './routing-batch.js';

export interface RoutingWork { messageId: string; conversationId: string; workspaceId: string }

export interface RoutingOptions {
  /** a routing claimed longer ago than this (its worker died before the agent turn finished) is taken over */
  claimLeaseMs: number;
  /** a contact writing again within this time after a human resolved their conversation stays with humans */
  continuationMs: number;
}

/** what routing decided for a conversation nobody handles yet */
export interface RouteDecision {
  source: 'rule' | 'default' | 'continued';
  rule: { id: string; name: string } | null;
  previousConversationId: string | null;
  handler: 'agent' | 'human';
  agentId: string | null;
  teamId: string | null;
  /** named by the rule (assign) or kept from the previous conversation; a team's round-robin picks one at routing time */
  assigneeId: string | null;
  tags: string[];
  replies: string[];
  actions: RoutingAction[];
  notes: string[];
}

export interface ExplainInput {
  connectionId?: string | undefined;
  messageId?: string | undefined;
  text?: string | undefined;
  contactId?: string | undefined;
  contactAttributes?: Record<string, unknown> | undefined;
  newContact?: boolean | undefined;
  at?: string | undefined;
}

export interface Explanation {
  input: { connectionId: string; channelType: string; text: string; contactAttributes: Record<string, unknown>; newContact: boolean; at: string };
  firedRule: { id: string; name: string } | null;
  route: RouteDecision;
  rules: RuleExplanation[];
}

type Claimed = { kind: 'skip' } | { kind: 'retry' } | { kind: 'go'; conversation: ConversationRecord; replies: string[]; ruleId: string | null; turn: boolean; takenOver: boolean };

const MAX_DELIVERIES = 5;
/** conversations routed at once (also the most messages one fast-path batch gathers) */
const CONCURRENCY = 32;
const unique = (xs: string[]): string[] => [...new Set(xs)];
const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class RoutingService {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private readonly batch: RoutingBatch;

  constructor(
    private readonly deps: CoreDeps,
    private readonly messages: MessageQueue,
    private readonly teams: TeamService,
    /** the agent runtime (built before routing: agents never call routing) */
    private readonly agents: AgentDispatcher,
    private readonly options: RoutingOptions,
  ) {
    this.batch = new RoutingBatch(deps.store, deps.clock, deps.log);
  }

  subscribe(): Subscription {
    return this.deps.bus.consume(TOPIC_ROUTING, async (m, delivery) => {
      const p = m.payload;
      const work = { messageId: String(p.messageId), conversationId: String(p.conversationId), workspaceId: String(p.workspaceId) };
      // a conversation humans handle (the common case) is routed in a batch with its neighbours
      if (typeof p.staleBefore !== 'string' && (await this.batch.route(work))) return;
      await this.process(work, { ...(typeof p.staleBefore === 'string' ? { staleBefore: p.staleBefore } : {}), lastAttempt: delivery.attempt >= MAX_DELIVERIES });
    }, { concurrency: CONCURRENCY, maxDeliveries: MAX_DELIVERIES });
  }

  // ---- the routing of one inbound message -------------------------------------------------------------------

  /**
   * routes one stored inbound message; a redelivery of the same message does nothing. `staleBefore`: a claim older
   * than this is taken over (recovery); `lastAttempt`: an agent turn that throws hands the conversation to humans
   * instead of asking the bus for another delivery
   */
  async process(work: RoutingWork, options: { staleBefore?: string | undefined; lastAttempt?: boolean | undefined } = {}, attempt = 0): Promise<void> {
    const { staleBefore } = options;
    const { store } = this.deps;
    const conversation = await store.getConversation(work.workspaceId, work.conversationId);
    if (!conversation) return;
    const open = conversation.status !== 'resolved';
    // the message is read only when something acts on it: a decision or an agent turn
    const message = open && conversation.handler !== 'human' ? await store.getMessage(work.workspaceId, work.messageId) : undefined;
    if (message && message.direction !== 'inbound') return;
    // decided before the transaction: it reads rules, the contact and the agent runtime
    const decision = open && conversation.handler == null && message ? await this.decide(conversation, message) : undefined;
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
      if (claim === 'claimed' && decision && undecided) {
        if (await this.applyDecision(tx, fresh, decision, batch, at)) {
          replies = decision.replies;
          current = { ...fresh, handler: decision.handler, agentId: decision.agentId };
        }
      }
      const turn = current.status !== 'resolved' && current.handler === 'agent' && Boolean(current.agentId);
      if (!turn && replies.length === 0) await tx.routing.finishRouting(work.messageId, at);
      const written = await batch.write(tx, !batch.empty, now);
      return { kind: 'go', conversation: written ?? current, replies, ruleId: decision?.rule?.id ?? null, turn, takenOver: claim === 'taken-over' };
    });
    if (claimed.kind === 'retry') {
      if (attempt >= 3) throw new Error(`conversation ${work.conversationId} kept changing hands while being routed; the bus retries later`);
      await this.process(work, options, attempt + 1);
      return;
    }
    if (claimed.kind === 'skip') return;
    this.deps.afterCommit();
    try {
      for (const text of claimed.replies) await this.autoReply(claimed.conversation, text, claimed.ruleId);
      // a claim taken over from a dead worker: its agent turn is as dead, whatever the agent's own lease says
      if (claimed.turn && message) await this.agentTurn(claimed.conversation, message, options.lastAttempt ?? true, claimed.takenOver ? cutoff : undefined);
      else if (claimed.replies.length > 0) await store.routing.finishRouting(work.messageId, this.deps.clock.now().toISOString());
    } catch (error) {
      // the decision is written: a redelivery finishes the rest (an agent turn; auto-replies are not sent again)
      this.deps.log.warn({ err: error, messageId: work.messageId, conversationId: work.conversationId }, 'routing failed after its decision; the bus delivers it again');
      await store.routing.releaseRouting(work.messageId).catch(() => undefined);
      throw error;
    }
  }

  private async routingInput(conversation: ConversationRecord, message: MessageRecord): Promise<RoutingInput> {
    const contact = await this.deps.store.getContact(conversation.workspaceId, conversation.contactId);
    const earlier = await this.deps.store.routing.previousConversation(conversation.contactId, conversation.id);
    return {
      text: messageText(message.content as Content), channelType: conversation.channelType, contactAttributes: contact?.attributes ?? {},
      newContact: !earlier, at: new Date(message.createdAt),
    };
  }

  /** the decision for a conversation nobody handles yet */
  async decide(conversation: ConversationRecord, message: MessageRecord): Promise<RouteDecision> {
    const continued = await this.continuation(conversation, new Date(message.createdAt));
    if (continued) return continued;
    const rules = await this.deps.store.routing.rulesForConnection(conversation.workspaceId, conversation.connectionId);
    // without rules nothing reads the input (the contact and its history are not fetched)
    const evaluation: Evaluation = rules.length === 0 ? { fired: undefined, rules: [] } : evaluateRules(rules, await this.routingInput(conversation, message));
    return this.route(conversation.workspaceId, conversation.connectionId, evaluation);
  }

  /** the contact's previous conversation here was resolved by humans (not returned to the agent) shortly before: stay with them */
  private async continuation(conversation: ConversationRecord, at: Date): Promise<RouteDecision | undefined> {
    const previous = await this.deps.store.routing.previousConversation(conversation.contactId, conversation.id, conversation.connectionId);
    if (!previous || previous.status !== 'resolved' || previous.handler !== 'human' || at.getTime() - Date.parse(previous.updatedAt) >= this.options.continuationMs) return undefined;
    return {
      source: 'continued', rule: null, previousConversationId: previous.id, handler: 'human', agentId: null, teamId: previous.teamId ?? null,
      assigneeId: previous.assigneeId, tags: [], replies: [], actions: [],
      notes: [`the contact's previous conversation ${previous.id} was resolved by humans without returning it to the agent: it continues with humans`],
    };
  }

  /** turns the fired rule (or none) into who handles the conversation */
  private async route(workspaceId: string, connectionId: string, evaluation: Evaluation): Promise<RouteDecision> {
    const rule = evaluation.fired;
    const actions = rule?.actions ?? [];
    const notes: string[] = [];
    const { agents } = this;
    const agentAction = actions.find((a) => a.type === 'agent');
    let teamAction = actions.find((a) => a.type === 'team');
    let assignAction = actions.find((a) => a.type === 'assign');
    // a rule may outlive its team or operator: skip what no longer exists rather than route into nowhere
    if (teamAction && !(await this.deps.store.routing.getTeam(workspaceId, teamAction.teamId))) {
      notes.push(`team ${teamAction.teamId} no longer exists`);
      teamAction = undefined;
    }
    if (assignAction && !(await this.deps.store.getUser(workspaceId, assignAction.userId))) {
      notes.push(`operator ${assignAction.userId} no longer exists`);
      assignAction = undefined;
    }
    let handler: 'agent' | 'human' = 'human';
    let agentId: string | null = null;
    if (assignAction) notes.push(`assigned to operator ${assignAction.userId}`);
    else if (agentAction) {
      if (await agents.isRunning(workspaceId, agentAction.agentId)) {
        handler = 'agent';
        agentId = agentAction.agentId;
      } else notes.push(`agent ${agentAction.agentId} is not running: humans take the conversation${teamAction ? ` (team ${teamAction.teamId})` : ''}`);
    } else if (!teamAction) {
      const inbound = await agents.inboundAgentFor(workspaceId, connectionId);
      if (inbound) {
        handler = 'agent';
        agentId = inbound;
        notes.push(`${rule ? 'the rule names no target' : 'no rule fired'}: the connection's inbound agent ${inbound} answers`);
      } else notes.push(`${rule ? 'the rule names no target' : 'no rule fired'} and the connection has no running inbound agent: the human queue`);
    }
    if (teamAction && handler === 'agent') notes.push(`team ${teamAction.teamId} takes over if the agent hands off`);
    else if (teamAction && !assignAction) notes.push(`team ${teamAction.teamId}: round-robin among members below capacity, or the team inbox`);
    return {
      source: rule ? 'rule' : 'default', rule: rule ? { id: rule.id, name: rule.name } : null, previousConversationId: null, handler, agentId,
      teamId: teamAction?.teamId ?? null, assigneeId: assignAction?.userId ?? null,
      tags: unique(actions.flatMap((a) => (a.type === 'tag' ? [a.tag] : []))), replies: actions.flatMap((a) => (a.type === 'reply' ? [a.text] : [])), actions, notes,
    };
  }

  /** writes the decision (compare-and-set from "nobody handles it"); false when someone else routed it first */
  private async applyDecision(tx: StoreOps, conversation: ConversationRecord, d: RouteDecision, batch: TimelineBatch, at: string): Promise<boolean> {
    const ws = conversation.workspaceId;
    let assigneeId = d.assigneeId ?? conversation.assigneeId;
    let via: string | undefined = d.assigneeId ? (d.source === 'continued' ? 'continued' : 'rule') : undefined;
    const tags = unique([...(conversation.tags ?? []), ...d.tags]);
    const set = await tx.routing.setConversationRouting(conversation.id, {
      handler: d.handler, agentId: d.agentId, teamId: d.teamId, assigneeId: d.handler === 'human' ? assigneeId : conversation.assigneeId, tags, updatedAt: at,
    }, { handler: null });
    if (!set) return false;
    // only once the conversation is ours to route: the pick moves the team's round-robin cursor
    if (d.handler === 'human' && !assigneeId && d.teamId) {
      assigneeId = (await this.teams.pick(tx, ws, d.teamId)) ?? null;
      if (assigneeId) {
        via = 'round-robin';
        await tx.routing.setConversationRouting(conversation.id, { assigneeId, updatedAt: at });
      }
    }
    if (d.source === 'rule' && d.rule) batch.add('rule.fired', `rule:${d.rule.id}`, { ruleId: d.rule.id, name: d.rule.name, actions: d.actions, handler: d.handler, agentId: d.agentId, notes: d.notes });
    else if (d.source === 'continued') batch.add('routed.continued', 'system', { previousConversationId: d.previousConversationId, handler: 'human', notes: d.notes });
    else batch.add('routed.default', 'system', { handler: d.handler, agentId: d.agentId, notes: d.notes });
    const unavailable = d.actions.find((a) => a.type === 'agent');
    if (unavailable && d.handler === 'human' && !d.assigneeId) batch.add('agent.unavailable', 'system', { agentId: unavailable.agentId });
    const added = d.tags.filter((t) => !(conversation.tags ?? []).includes(t));
    if (added.length > 0) batch.add('tagged', d.rule ? `rule:${d.rule.id}` : 'system', { tags: added });
    if (d.handler === 'human') {
      if (assigneeId && assigneeId !== conversation.assigneeId) batch.add('assigned', d.rule ? `rule:${d.rule.id}` : 'system', { userId: assigneeId, teamId: d.teamId, via });
      else if (!assigneeId && d.teamId) batch.add('team.queued', 'system', { teamId: d.teamId, reason: 'no member has capacity' });
    }
    return true;
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
      const sent = await this.messages.sendToConversation(conversation.workspaceId, conversation.id, { type: 'text', text }, { autoReply: true, ...(ruleId ? { ruleId } : {}) });
      await this.record(conversation, (b) => b.add('auto_reply', actor, { messageId: sent.id, text: contentPreview(sent.content) }));
    } catch (error) {
      await this.record(conversation, (b) => b.add('auto_reply.failed', actor, { text, error: errorText(error) }));
    }
  }

  /**
   * one agent turn for the message; its replies, errors and any handoff it asks for go to the timeline. A turn that
   * throws (not a provider failure: those degrade inside the agent) releases the claim and is retried by the bus;
   * the last attempt hands the conversation to humans instead
   */
  private async agentTurn(conversation: ConversationRecord, message: MessageRecord, lastAttempt: boolean, staleBefore?: string): Promise<void> {
    const agentId = conversation.agentId as string;
    const ws = conversation.workspaceId;
    const { agents } = this;
    let outcome: AgentTurnOutcome;
    if (!(await agents.isRunning(ws, agentId))) {
      outcome = { replyMessageIds: [], replyPreviews: [], handoff: { reason: `agent ${agentId} is not running` } };
    } else {
      try {
        outcome = await agents.runTurn({ workspaceId: ws, agentId, conversationId: conversation.id, messageId: message.id, ...(staleBefore ? { staleBefore } : {}) });
      } catch (error) {
        if (!lastAttempt) {
          await this.deps.store.routing.releaseRouting(message.id);
          throw error;
        }
        this.deps.log.warn({ err: error, conversationId: conversation.id, agentId }, 'agent turn failed on its last attempt; handing the conversation to humans');
        outcome = { replyMessageIds: [], replyPreviews: [], error: errorText(error), handoff: { reason: `the agent failed: ${errorText(error)}` } };
      }
    }
    const now = this.deps.clock.now();
    const at = now.toISOString();
    await this.deps.store.transaction(async (tx) => {
      const batch = new TimelineBatch(ws, conversation.id, at);
      const actor = `agent:${agentId}`;
      if (outcome.replyMessageIds.length > 0) batch.add('agent.replied', actor, { agentId, messageId: message.id, replyMessageIds: outcome.replyMessageIds, previews: outcome.replyPreviews });
      if (outcome.error) batch.add('agent.error', actor, { agentId, messageId: message.id, error: outcome.error });
      let changed = false;
      if (outcome.handoff) {
        const fresh = await tx.getConversation(ws, conversation.id);
        // only while the agent still handles it (an operator may have taken over during the turn)
        if (fresh && fresh.handler === 'agent') changed = await this.toHuman(tx, fresh, { actor, reason: outcome.handoff.reason }, batch, at);
      }
      await tx.routing.finishRouting(message.id, at);
      await batch.write(tx, changed, now);
    });
    this.deps.afterCommit();
  }

  /** moves the conversation to humans inside tx: team round-robin (or the team inbox) unless someone is assigned */
  private async toHuman(tx: StoreOps, c: ConversationRecord, o: { actor: string; reason: string; teamId?: string | null | undefined; assigneeId?: string | null | undefined }, batch: TimelineBatch, at: string): Promise<boolean> {
    const teamId = o.teamId !== undefined ? o.teamId : (c.teamId ?? null);
    let assigneeId = o.assigneeId !== undefined ? o.assigneeId : c.assigneeId;
    let via = 'handoff';
    const ok = await tx.routing.setConversationRouting(c.id, { handler: 'human', teamId, assigneeId, updatedAt: at }, { handler: c.handler ?? null });
    if (!ok) return false;
    if (!assigneeId && teamId) {
      assigneeId = (await this.teams.pick(tx, c.workspaceId, teamId)) ?? null;
      via = 'round-robin';
      if (assigneeId) await tx.routing.setConversationRouting(c.id, { assigneeId, updatedAt: at });
    }
    if (c.handler !== 'human') batch.add('handoff', o.actor, { from: c.handler ?? null, to: 'human', agentId: c.agentId ?? null, reason: o.reason, teamId });
    if (assigneeId && assigneeId !== c.assigneeId) batch.add('assigned', o.actor, { userId: assigneeId, teamId, via });
    else if (!assigneeId && teamId && (c.handler !== 'human' || teamId !== c.teamId)) batch.add('team.queued', o.actor, { teamId, reason: 'no member has capacity' });
    return true;
  }

  // ---- operators and the API ----------------------------------------------------------------------------------

  private async conversation(workspaceId: string, id: string): Promise<ConversationRecord> {
    const c = await this.deps.store.getConversation(workspaceId, id);
    if (!c) throw notFound('conversation');
    return c;
  }

  /** runs fn in a transaction over the conversation as it is now, writes its timeline, answers the conversation after */
  private async steer(workspaceId: string, id: string, fn: (tx: StoreOps, c: ConversationRecord, batch: TimelineBatch, at: string) => Promise<boolean>): Promise<ConversationRecord> {
    await this.conversation(workspaceId, id);
    const now = this.deps.clock.now();
    const at = now.toISOString();
    const after = await this.deps.store.transaction(async (tx) => {
      const c = await tx.getConversation(workspaceId, id);
      if (!c) throw notFound('conversation');
      const batch = new TimelineBatch(workspaceId, id, at);
      const changed = await fn(tx, c, batch, at);
      return (await batch.write(tx, changed, now)) ?? c;
    });
    this.deps.afterCommit();
    return after;
  }

  /**
   * an operator (API principal) replies in a conversation: the message is queued and, in the same transaction, an
   * agent handling the conversation steps back and the operator owns it. One transaction, so a crash can never
   * leave the reply queued while the agent still answers the customer
   */
  reply(workspaceId: string, conversationId: string, userId: string, content: Content, metadata: Record<string, unknown> = {}): Promise<MessageRecord> {
    return this.messages.sendToConversation(workspaceId, conversationId, content, metadata, (tx, message, at) => this.takeOverIn(tx, message, userId, at));
  }

  /**
   * an operator starts (or continues) a conversation with an address: a conversation nobody handles becomes theirs
   * (MessageQueue.sendToAddress), one an agent handles is taken over in the transaction that queues the message
   */
  startConversation(workspaceId: string, connectionId: string, to: string, userId: string, content: Content, metadata: Record<string, unknown> = {}): Promise<MessageRecord> {
    return this.messages.sendToAddress(workspaceId, connectionId, to, content, metadata, userId, (tx, message, at) => this.takeOverIn(tx, message, userId, at));
  }

  /**
   * inside the transaction that queued `sent`: an agent handling its conversation steps back and the operator owns
   * it — unless the message says it comes from that agent (`metadata.agentId`, as an external bot answering later does)
   */
  private async takeOverIn(tx: StoreOps, sent: MessageRecord, userId: string, at: string): Promise<void> {
    const c = await tx.getConversation(sent.workspaceId, sent.conversationId);
    if (!c || c.handler !== 'agent') return;
    const batch = new TimelineBatch(c.workspaceId, c.id, at);
    let changed = false;
    if (sent.metadata.agentId !== undefined && sent.metadata.agentId === c.agentId) {
      // the agent's own late answer: part of the timeline like the replies of its turns
      batch.add('agent.replied', `agent:${c.agentId}`, { agentId: c.agentId, replyMessageIds: [sent.id], previews: [contentPreview(sent.content)], via: 'api' });
    } else {
      changed = await this.toHuman(tx, c, { actor: `user:${userId}`, reason: 'an operator replied', assigneeId: c.assigneeId ?? userId }, batch, at);
    }
    await batch.write(tx, changed, new Date(at));
  }

  /** assigns (or unassigns, null) an operator; assigning moves an agent-handled conversation to humans */
  async assign(workspaceId: string, id: string, userId: string | null, by: string): Promise<ConversationRecord> {
    const before = await this.conversation(workspaceId, id);
    if (userId !== null && !(await this.deps.store.getUser(workspaceId, userId))) throw new AppError('VALIDATION', `user ${userId} is not in this workspace`);
    const after = await this.steer(workspaceId, id, async (tx, c, batch, at) => {
      if (userId === null) {
        if (c.assigneeId === null) return false;
        await tx.routing.setConversationRouting(c.id, { assigneeId: null, updatedAt: at });
        batch.add('unassigned', `user:${by}`, { userId: c.assigneeId });
        return true;
      }
      if (c.handler === 'agent') return this.toHuman(tx, c, { actor: `user:${by}`, reason: 'assigned to an operator', assigneeId: userId }, batch, at);
      if (c.assigneeId === userId && c.handler === 'human') return false;
      await tx.routing.setConversationRouting(c.id, { handler: 'human', assigneeId: userId, updatedAt: at });
      batch.add('assigned', `user:${by}`, { userId, teamId: c.teamId ?? null, via: 'manual' });
      return true;
    });
    if (before.assigneeId && before.assigneeId !== after.assigneeId) await this.teams.drainForUser(workspaceId, before.assigneeId);
    if (userId === null && after.teamId) await this.teams.drain(workspaceId, after.teamId);
    return this.conversation(workspaceId, id);
  }

  /** hands the conversation to humans (optionally a team) or back to an agent */
  async handoff(workspaceId: string, id: string, input: { to: 'human' | 'agent'; agentId?: string | undefined; teamId?: string | undefined; reason?: string | undefined }, by: string): Promise<ConversationRecord> {
    const before = await this.conversation(workspaceId, id);
    if (input.teamId && !(await this.deps.store.routing.getTeam(workspaceId, input.teamId))) throw new AppError('VALIDATION', `team ${input.teamId} is not in this workspace`);
    if (input.to === 'human') {
      return this.steer(workspaceId, id, (tx, c, batch, at) =>
        this.toHuman(tx, c, { actor: `user:${by}`, reason: input.reason ?? 'handed to humans', ...(input.teamId ? { teamId: input.teamId, assigneeId: c.teamId === input.teamId ? c.assigneeId : null } : {}) }, batch, at));
    }
    const agentId = await this.agentFor(before, input.agentId);
    const after = await this.steer(workspaceId, id, async (tx, c, batch, at) => {
      if (c.handler === 'agent' && c.agentId === agentId) return false;
      await tx.routing.setConversationRouting(c.id, { handler: 'agent', agentId, assigneeId: null, updatedAt: at });
      batch.add('returned_to_agent', `user:${by}`, { agentId, reason: input.reason ?? 'handed to the agent', previousAssigneeId: c.assigneeId });
      return true;
    });
    if (before.assigneeId) await this.teams.drainForUser(workspaceId, before.assigneeId);
    return after;
  }

  /** the agent to hand a conversation (back) to: the one named, the one it had, or the connection's inbound agent — running */
  private async agentFor(c: ConversationRecord, named: string | undefined): Promise<string> {
    const { agents } = this;
    const agentId = named ?? c.agentId ?? (await agents.inboundAgentFor(c.workspaceId, c.connectionId));
    if (!agentId) throw new AppError('CONFLICT', 'name an agentId: the conversation had no agent and its connection has no inbound agent');
    if (!(await agents.isRunning(c.workspaceId, agentId))) throw new AppError('CONFLICT', `agent ${agentId} is not running`);
    return agentId;
  }

  /**
   * after an operator resolved the conversation: with returnToAgent the agent gets it back (the contact's next
   * conversation is routed by the rules again); without, the contact's next conversation continues with humans.
   * The assignee's capacity freed: waiting conversations of their teams are handed out.
   */
  async resolved(workspaceId: string, before: ConversationRecord, options: { returnToAgent?: boolean | undefined; by: string }): Promise<ConversationRecord> {
    let agentId: string | undefined;
    if (options.returnToAgent) agentId = await this.agentFor(before, undefined).catch(() => undefined);
    const after = await this.steer(workspaceId, before.id, async (tx, c, batch, at) => {
      if (before.status !== 'resolved') batch.add('resolved', `user:${options.by}`, { assigneeId: c.assigneeId, returnToAgent: Boolean(options.returnToAgent) });
      if (options.returnToAgent && c.handler !== 'agent') {
        if (!agentId) {
          batch.add('agent.unavailable', 'system', { reason: 'returnToAgent: no running agent for this conversation' });
          return false;
        }
        await tx.routing.setConversationRouting(c.id, { handler: 'agent', agentId, updatedAt: at });
        batch.add('returned_to_agent', `user:${options.by}`, { agentId, reason: 'resolved with returnToAgent' });
        return true;
      }
      return false;
    });
    if (before.assigneeId) await this.teams.drainForUser(workspaceId, before.assigneeId);
    return after;
  }

  async timeline(workspaceId: string, conversationId: string, page: PageQuery): Promise<Page<ConversationEventRecord>> {
    await this.conversation(workspaceId, conversationId);
    return this.deps.store.routing.listConversationEvents(conversationId, page);
  }

  // ---- which rule fires, and why -------------------------------------------------------------------------------

  async explain(workspaceId: string, input: ExplainInput): Promise<Explanation> {
    const { store } = this.deps;
    let connectionId = input.connectionId;
    let text = input.text ?? '';
    let contactId = input.contactId;
    let at = input.at ? new Date(input.at) : this.deps.clock.now();
    let conversationId: string | undefined;
    let continued: RouteDecision | undefined;
    if (input.messageId) {
      const message = await store.getMessage(workspaceId, input.messageId);
      if (!message) throw notFound('message');
      const conversation = await this.conversation(workspaceId, message.conversationId);
      connectionId = message.connectionId;
      text = input.text ?? messageText(message.content as Content);
      contactId = conversation.contactId;
      conversationId = conversation.id;
      if (!input.at) at = new Date(message.createdAt);
      // a conversation that continued with humans did not go through the rules (they are still explained)
      if (input.text === undefined && input.contactAttributes === undefined && input.newContact === undefined) continued = await this.continuation(conversation, at);
    }
    if (!connectionId) throw new AppError('VALIDATION', 'connectionId or messageId is required');
    const connection = await store.getConnection(workspaceId, connectionId);
    if (!connection) throw notFound('connection');
    let attributes: Record<string, unknown> = {};
    let newContact = true;
    if (contactId) {
      const contact = await store.getContact(workspaceId, contactId);
      if (!contact) throw notFound('contact');
      attributes = contact.attributes;
      newContact = !(await store.routing.previousConversation(contactId, conversationId ?? ''));
    }
    const routingInput: RoutingInput = {
      text, channelType: connection.type, contactAttributes: { ...attributes, ...(input.contactAttributes ?? {}) }, newContact: input.newContact ?? newContact, at,
    };
    const evaluation = evaluateRules(await store.routing.rulesForConnection(workspaceId, connectionId), routingInput);
    const route = continued ?? (await this.route(workspaceId, connectionId, evaluation));
    return {
      input: { connectionId, channelType: connection.type, text, contactAttributes: routingInput.contactAttributes, newContact: routingInput.newContact, at: at.toISOString() },
      firedRule: route.rule, route, rules: evaluation.rules,
    };
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
      for (const w of claims) await bus.publish(TOPIC_ROUTING, { key: w.conversationId, payload: { ...w, staleBefore } });
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
          for (const w of claims) await this.deps.bus.publish(TOPIC_ROUTING, { key: w.conversationId, payload: { ...w, staleBefore: before } });
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
