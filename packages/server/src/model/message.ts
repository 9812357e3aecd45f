/**
 * @module model/message
 * Messages, statuses and their forward-only ordering (pain point #8: statuses never go backwards).
 */
import { z } from 'zod';
import { ContentSchema } from './content.js';

export const MESSAGE_STATUSES = ['received', 'queued', 'sent', 'delivered', 'read', 'failed'] as const;
export const MessageStatusSchema = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

/** Rank used to apply statuses forward-only. failed is terminal; received is inbound-only. */
export const STATUS_RANK: Record<MessageStatus, number> = {
  received: 0,
  queued: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  failed: 5,
};

/** Whether moving from `current` to `next` is a forward move we may apply. */
export function isForwardStatus(current: MessageStatus, next: MessageStatus): boolean {
  if (current === 'failed' || current === 'received') return false;
  // a provider can report failed after sent (e.g. undeliverable), but not after read
  if (next === 'failed') return current !== 'read' && current !== 'delivered';
  return STATUS_RANK[next] > STATUS_RANK[current];
}

export const StatusDetailSchema = z.object({ code: z.string(), message: z.string() });
export type StatusDetail = z.infer<typeof StatusDetailSchema>;

export const MessageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  connectionId: z.string(),
  channelType: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  from: z.string(),
  to: z.string(),
  content: ContentSchema,
  status: MessageStatusSchema,
  statusDetail: StatusDetailSchema.nullable(),
  /** when the status last moved (sent, delivered, read, failed); null or absent while queued and for inbound */
  statusAt: z.string().nullable().optional(),
  providerMessageId: z.string().nullable(),
  timestamp: z.string(),
  editedAt: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
});
export type Message = z.infer<typeof MessageSchema>;
