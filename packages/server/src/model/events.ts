/**
 * @module model/events
 * Domain events: written to the outbox in the transaction that caused them, relayed to the bus, streamed
 * to clients over /api/v1/events and (later) outgoing webhooks.
 */
export const EVENT_TYPES = [
  'message.received',
  'message.created',
  'message.updated',
  'message.status',
  'conversation.created',
  'conversation.updated',
  'conversation.typing',
  'contact.created',
  'connection.status',
  /** a connection's health changed: which checks, in which state (core/health) */
  'connection.health',
  /** a decision in a conversation's timeline: rule fired, agent reply, handoff, assignment */
  'conversation.timeline',
  'agent.status',
  /** a campaign changed state (started, paused with a reason, completed, …) */
  'campaign.status',
  /** a running campaign's counts: audience, excluded by reason, and per step queued/sent/delivered/read/replied/failed */
  'campaign.progress',
  /** a phone call began (ringing, or placed by us) */
  'call.started',
  /** a call moved on (answered) */
  'call.updated',
  /** a call ended, with its outcome, duration and hang-up cause */
  'call.ended',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface DomainEvent {
  /** outbox sequence id, monotonically increasing per store; used as the SSE event id */
  id: string;
  type: EventType;
  workspaceId: string;
  /** for routing realtime delivery (e.g. a webchat visitor only sees its own conversation) */
  conversationId?: string | undefined;
  occurredAt: string;
  data: Record<string, unknown>;
}
