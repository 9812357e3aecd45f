/**
 * @module core/routing/routing-commands
 * What operators and the API do to who handles a conversation — reply (and so take over from the agent), start a
 * conversation, assign, hand off, resolve — each one use case in one transaction with its timeline events, then
 * the team inboxes drained where an operator's capacity freed.
 */
import { contentPreview, type Content } from '../../model/index.js';
import { AppError, notFound } from '../errors.js';
import type { CoreDeps } from '../deps.js';
import type { MessageQueue } from '../outbound/message-queue.js';
import type { TeamService } from '../teams/team-service.js';
import type {
  ConversationEventRecord,
  ConversationRecord,
  MessageRecord,
  Page,
  PageQuery,
  StoreOps,
} from '../ports/index.js';
import { TimelineBatch } from '../conversations/timeline.js';
import type { RoutingDecisions } from './routing-decisions.js';
import type { Ownership } from './ownership.js';

export class RoutingCommands {
  constructor(
    private readonly deps: CoreDeps,
    private readonly messages: MessageQueue,
    private readonly teams: TeamService,
    private readonly decisions: RoutingDecisions,
    private readonly ownership: Ownership,
  ) {}

  private async conversation(workspaceId: string, id: string): Promise<ConversationRecord> {
    const c = await this.deps.store.getConversation(workspaceId, id);
    if (!c) throw notFound('conversation');
    return c;
  }

  /** runs fn in a transaction over the conversation as it is now, writes its timeline, answers the conversation after */
  private async steer(
    workspaceId: string,
    id: string,
    fn: (tx: StoreOps, c: ConversationRecord, batch: TimelineBatch, at: string) => Promise<boolean>,
  ): Promise<ConversationRecord> {
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
  reply(
    workspaceId: string,
    conversationId: string,
    userId: string,
    content: Content,
    metadata: Record<string, unknown> = {},
  ): Promise<MessageRecord> {
    return this.messages.sendToConversation(
      workspaceId,
      conversationId,
      content,
      metadata,
      (tx, message, at) => this.takeOverIn(tx, message, userId, at),
      userId,
    );
  }

  /**
   * an operator starts (or continues) a conversation with an address: a conversation nobody handles becomes theirs
   * (MessageQueue.sendToAddress), one an agent handles is taken over in the transaction that queues the message
   */
  startConversation(
    workspaceId: string,
    connectionId: string,
    to: string,
    userId: string,
    content: Content,
    metadata: Record<string, unknown> = {},
  ): Promise<MessageRecord> {
    return this.messages.sendToAddress(workspaceId, connectionId, to, content, metadata, userId, (tx, message, at) =>
      this.takeOverIn(tx, message, userId, at),
    );
  }

  /**
   * inside the transaction that queued `sent`, one rule: the operator who replies owns a conversation nobody owns.
   * An agent handling it steps back (unless the message says it comes from that agent: `metadata.agentId`, as an
   * external bot answering later does); a conversation waiting for people unassigned (the human queue, a team
   * inbox) becomes the replying operator's. One already assigned keeps its assignee.
   */
  private async takeOverIn(tx: StoreOps, sent: MessageRecord, userId: string, at: string): Promise<void> {
    const c = await tx.getConversation(sent.workspaceId, sent.conversationId);
    if (!c) return;
    if (c.handler !== 'agent') {
      // a bot writing through the API (metadata.agentId) is not an operator taking the conversation
      if (c.assigneeId !== null || sent.metadata.agentId !== undefined) return;
      const batch = new TimelineBatch(c.workspaceId, c.id, at);
      await tx.routing.setConversationRouting(c.id, { handler: 'human', assigneeId: userId, updatedAt: at });
      batch.add('assigned', `user:${userId}`, { userId, teamId: c.teamId ?? null, via: 'reply' });
      await batch.write(tx, true, new Date(at));
      return;
    }
    const batch = new TimelineBatch(c.workspaceId, c.id, at);
    let changed = false;
    if (sent.metadata.agentId !== undefined && sent.metadata.agentId === c.agentId) {
      // the agent's own late answer: part of the timeline like the replies of its turns
      batch.add('agent.replied', `agent:${c.agentId}`, {
        agentId: c.agentId,
        replyMessageIds: [sent.id],
        previews: [contentPreview(sent.content)],
        via: 'api',
      });
    } else {
      changed = await this.ownership.toHuman(
        tx,
        c,
        { actor: `user:${userId}`, reason: 'an operator replied', assigneeId: c.assigneeId ?? userId },
        batch,
        at,
      );
    }
    await batch.write(tx, changed, new Date(at));
  }

  /** assigns (or unassigns, null) an operator; assigning moves an agent-handled conversation to humans */
  async assign(workspaceId: string, id: string, userId: string | null, by: string): Promise<ConversationRecord> {
    const before = await this.conversation(workspaceId, id);
    if (userId !== null && !(await this.deps.store.getUser(workspaceId, userId)))
      throw new AppError('VALIDATION', `user ${userId} is not in this workspace`);
    const after = await this.steer(workspaceId, id, async (tx, c, batch, at) => {
      if (userId === null) {
        if (c.assigneeId === null) return false;
        await tx.routing.setConversationRouting(c.id, { assigneeId: null, updatedAt: at });
        batch.add('unassigned', `user:${by}`, { userId: c.assigneeId });
        return true;
      }
      if (c.handler === 'agent')
        return this.ownership.toHuman(
          tx,
          c,
          { actor: `user:${by}`, reason: 'assigned to an operator', assigneeId: userId },
          batch,
          at,
        );
      if (c.assigneeId === userId && c.handler === 'human') return false;
      await tx.routing.setConversationRouting(c.id, { handler: 'human', assigneeId: userId, updatedAt: at });
      batch.add('assigned', `user:${by}`, { userId, teamId: c.teamId ?? null, via: 'manual' });
      return true;
    });
    if (before.assigneeId && before.assigneeId !== after.assigneeId)
      await this.teams.drainForUser(workspaceId, before.assigneeId);
    if (userId === null && after.teamId) await this.teams.drain(workspaceId, after.teamId);
    return this.conversation(workspaceId, id);
  }

  /** hands the conversation to humans (optionally a team) or back to an agent */
  async handoff(
    workspaceId: string,
    id: string,
    input: {
      to: 'human' | 'agent';
      agentId?: string | undefined;
      teamId?: string | undefined;
      reason?: string | undefined;
    },
    by: string,
  ): Promise<ConversationRecord> {
    const before = await this.conversation(workspaceId, id);
    if (input.teamId && !(await this.deps.store.routing.getTeam(workspaceId, input.teamId)))
      throw new AppError('VALIDATION', `team ${input.teamId} is not in this workspace`);
    if (input.to === 'human') {
      return this.steer(workspaceId, id, (tx, c, batch, at) =>
        this.ownership.toHuman(
          tx,
          c,
          {
            actor: `user:${by}`,
            reason: input.reason ?? 'handed to humans',
            ...(input.teamId
              ? { teamId: input.teamId, assigneeId: c.teamId === input.teamId ? c.assigneeId : null }
              : {}),
          },
          batch,
          at,
        ),
      );
    }
    const agentId = await this.decisions.agentFor(before, input.agentId);
    const after = await this.steer(workspaceId, id, async (tx, c, batch, at) => {
      if (c.handler === 'agent' && c.agentId === agentId) return false;
      await tx.routing.setConversationRouting(c.id, { handler: 'agent', agentId, assigneeId: null, updatedAt: at });
      batch.add('returned_to_agent', `user:${by}`, {
        agentId,
        reason: input.reason ?? 'handed to the agent',
        previousAssigneeId: c.assigneeId,
      });
      return true;
    });
    if (before.assigneeId) await this.teams.drainForUser(workspaceId, before.assigneeId);
    return after;
  }

  /**
   * after an operator resolved the conversation: with returnToAgent the agent gets it back (the contact's next
   * conversation is routed by the rules again); without, the contact's next conversation continues with humans.
   * The assignee's capacity freed: waiting conversations of their teams are handed out.
   */
  async resolved(
    workspaceId: string,
    before: ConversationRecord,
    options: { returnToAgent?: boolean | undefined; by: string },
  ): Promise<ConversationRecord> {
    let agentId: string | undefined;
    if (options.returnToAgent) agentId = await this.decisions.agentFor(before, undefined).catch(() => undefined);
    const after = await this.steer(workspaceId, before.id, async (tx, c, batch, at) => {
      if (before.status !== 'resolved')
        batch.add('resolved', `user:${options.by}`, {
          assigneeId: c.assigneeId,
          returnToAgent: Boolean(options.returnToAgent),
        });
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
}
