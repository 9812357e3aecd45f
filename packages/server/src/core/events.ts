/**
 * @module core/events
 * Builds outbox rows for domain events, so they are written in the same transaction as the change they describe.
 */
import type { EventType } from '../model/index.js';
import type { NewOutboxRow } from './ports/index.js';

export function eventRow(
  type: EventType,
  workspaceId: string,
  data: Record<string, unknown>,
  conversationId?: string,
): NewOutboxRow {
  return {
    topic: 'events',
    key: conversationId ?? workspaceId,
    workspaceId,
    payload: { type, data, ...(conversationId ? { conversationId } : {}) },
  };
}

export const TOPIC_INBOUND = 'inbound';
export const TOPIC_OUTBOUND = 'outbound';
/**
 * outbound work is ordered per sender number of a connection (a conversation keeps its sender, so
 * its messages stay in order), and a connection's numbers send in parallel, each at its own paced rate
 */
export function outboundKey(
  connectionId: string,
  from: string | null | undefined,
  lane: 'conversation' | 'campaign' = 'conversation',
): string {
  const key = from ? `${connectionId}:${from}` : connectionId;
  // a campaign's messages ride their own key, so a reply is never queued on the bus behind them
  return lane === 'campaign' ? `${key}|campaign` : key;
}

/** the lane of a queued message: campaign sends carry `metadata.campaign` (set by the hub, never by a caller) */
export function laneOf(metadata: Record<string, unknown>): 'conversation' | 'campaign' {
  return metadata.campaign !== undefined && metadata.campaign !== null ? 'campaign' : 'conversation';
}
export const TOPIC_EVENTS = 'events';
export const TOPIC_MEDIA = 'media';
/** work topic: one row per new identity on a channel that looks profiles up (key = connection) */
export const TOPIC_PROFILES = 'profiles';
/** work topic: one row per newly stored inbound message (key = conversation), consumed by routing → agents/operators */
export const TOPIC_ROUTING = 'routing';
