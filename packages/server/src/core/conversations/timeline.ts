/**
 * @module core/conversations/timeline
 * Decisions in a conversation (rule fired, agent reply, handoff, assignment, tag, auto-reply) as timeline events:
 * a row in conversation_events plus a `conversation.timeline` outbox event, written in the transaction of the
 * decision itself, so the timeline never disagrees with what happened. It belongs to the conversation, below
 * every folder that writes it (routing, teams, the outbound queue), so none of them imports another for it.
 */
import { newId } from '../../model/index.js';
import { eventRow } from '../events.js';
import { conversationView } from './conversation-writer.js';
import type { ConversationEventRecord, ConversationRecord, NewOutboxRow, StoreOps } from '../ports/index.js';

export type TimelineType =
  | 'rule.fired'
  | 'routed.default'
  | 'routed.continued'
  | 'agent.replied'
  | 'agent.error'
  | 'agent.unavailable'
  | 'agent.interrupted'
  | 'handoff'
  | 'returned_to_agent'
  | 'assigned'
  | 'unassigned'
  | 'team.queued'
  | 'tagged'
  | 'auto_reply'
  | 'auto_reply.failed'
  | 'resolved'
  /** two contacts found to be one customer were merged (0010_normalize_identities) */
  | 'contact.merged'
  /** the customer opted out of (or back in to) the channel: a keyword they wrote, or an operator (core/consent) */
  | 'consent.opted_out'
  | 'consent.opted_in'
  /** a rule's workflow (core/routing/workflow-trigger) answered with actions, or could not be run */
  | 'workflow.answered'
  | 'workflow.failed'
  /** a campaign step wrote to the customer (core/campaigns): the agent or operator sees where the conversation came from */
  | 'campaign.sent'
  /** the customer's reply counted for a campaign step (within its attribution window; core/conversations' inbound writer) */
  | 'campaign.replied'
  /** an outbound call placed for an agent (POST /calls with agentId): that agent answers the call */
  | 'call.agent';

export interface TimelineEventView {
  id: string;
  conversationId: string;
  type: string;
  actor: string;
  data: Record<string, unknown>;
  at: string;
}

export const timelineView = (e: ConversationEventRecord): TimelineEventView => ({
  id: e.id,
  conversationId: e.conversationId,
  type: e.type,
  actor: e.actor,
  data: e.data,
  at: e.at,
});

/** collects the timeline events and outbox rows of one transaction */
export class TimelineBatch {
  readonly events: ConversationEventRecord[] = [];
  readonly outbox: NewOutboxRow[] = [];

  constructor(
    private readonly workspaceId: string,
    private readonly conversationId: string,
    private readonly at: string,
  ) {}

  add(type: TimelineType, actor: string, data: Record<string, unknown>): this {
    const event: ConversationEventRecord = {
      id: newId('tev'),
      workspaceId: this.workspaceId,
      conversationId: this.conversationId,
      type,
      actor,
      data,
      at: this.at,
    };
    this.events.push(event);
    this.outbox.push(
      eventRow('conversation.timeline', this.workspaceId, { event: timelineView(event) }, this.conversationId),
    );
    return this;
  }

  get empty(): boolean {
    return this.events.length === 0;
  }

  /** writes the events, a conversation.updated with the conversation as it now is (when it changed), and the outbox rows */
  async write(tx: StoreOps, changed: boolean, now: Date): Promise<ConversationRecord | undefined> {
    let conversation: ConversationRecord | undefined;
    if (changed) {
      conversation = await tx.getConversation(this.workspaceId, this.conversationId);
      if (conversation)
        this.outbox.push(
          eventRow(
            'conversation.updated',
            this.workspaceId,
            { conversation: conversationView(conversation, now) },
            this.conversationId,
          ),
        );
    }
    await tx.routing.insertConversationEvents(this.events);
    if (this.outbox.length > 0) await tx.insertOutbox(this.outbox, this.at);
    return conversation;
  }
}
