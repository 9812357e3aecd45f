/**
 * @module api/schemas
 * The REST API's schemas. The same zod objects validate requests and generate the OpenAPI 3.1 document.
 */
import { z } from 'zod';
import { ADDRESS_KINDS } from '../channel-kit/index.js';
import { ContentSchema, MessageSchema } from '../model/index.js';
import { CONNECTION_STATUSES } from '../core/ports/index.js';

export const ErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) }).meta({ id: 'Error' });

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

export const IdParams = z.object({ id: z.string().min(1).max(100) });

export const ConnectionSchema = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  description: z.string(),
  status: z.enum(CONNECTION_STATUSES),
  statusReason: z.string().nullable(),
  deprecated: z.boolean(),
  webhookUrl: z.string(),
  config: z.record(z.string(), z.unknown()).describe('secret fields are masked as "********"'),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'Connection' });

export const CreateConnectionSchema = z.object({
  type: z.string().min(1),
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  config: z.record(z.string(), z.unknown()).default({}),
  deprecated: z.boolean().optional(),
});

export const UpdateConnectionSchema = z.object({
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).optional(),
  config: z.record(z.string(), z.unknown()).optional().describe('partial: omitted fields and masked secrets keep their value; a new secret value replaces it (rotation)'),
  deprecated: z.boolean().optional(),
});

export const ConnectionLogSchema = z.object({ id: z.string(), level: z.string(), event: z.string(), message: z.string(), at: z.string() }).meta({ id: 'ConnectionLog' });

export const ConnectorTypeSchema = z.object({
  type: z.string(), displayName: z.string(), description: z.string(),
  addressKind: z.enum(ADDRESS_KINDS).describe('what a customer address on this channel is: a phone number (normalized to E.164), an email address, or an opaque provider id kept as sent'),
  capabilities: z.record(z.string(), z.unknown()), configSchema: z.record(z.string(), z.unknown()),
}).meta({ id: 'ConnectorType' });

export const ContactSchema = z.object({
  id: z.string(), name: z.string().nullable(), attributes: z.record(z.string(), z.unknown()), createdAt: z.string(), updatedAt: z.string(),
  identities: z.array(z.object({ id: z.string(), channelType: z.string(), address: z.string(), connectionId: z.string().nullable() })).optional(),
}).meta({ id: 'Contact' });

export const ConversationSchema = z.object({
  id: z.string(), contactId: z.string(), connectionId: z.string(), channelType: z.string(), address: z.string(), threadKey: z.string().nullable(),
  status: z.enum(['open', 'pending', 'resolved']), assigneeId: z.string().nullable(), senderAddress: z.string().nullable(),
  window: z.object({ expiresAt: z.string(), open: z.boolean(), awaitingReply: z.boolean() }).nullable().describe('the provider customer-service window, where the channel has one'),
  lastMessageAt: z.string().nullable(), lastMessagePreview: z.string().nullable(), unreadCount: z.number(), createdAt: z.string(), updatedAt: z.string(),
  // routing area
  handler: z.enum(['agent', 'human']).nullable().describe('who answers: an agent, or humans (the agent stays silent); null before routing'),
  agentId: z.string().nullable(), teamId: z.string().nullable().describe('the team inbox it sits in'), tags: z.array(z.string()),
}).meta({ id: 'Conversation' });

export const ContactQuerySchema = PageQuerySchema.extend({
  q: z.string().max(320).optional().describe('finds contacts by name, by any spelling of a phone number (+49 151 …, 0049…, national in a phone connection\'s defaultRegion), by another identity address or part of one, or by email'),
});

export const Contact360Schema = ContactSchema.extend({
  conversations: z.array(ConversationSchema).describe('the contact\'s conversations on every channel, most recent first'),
}).meta({ id: 'Contact360' });

export const MergedContactSchema = z.object({ mergedInto: z.string().describe('the contact this one was merged into') }).meta({ id: 'MergedContact' });

export const ConversationQuerySchema = PageQuerySchema.extend({
  contactId: z.string().optional(),
  connectionId: z.string().optional(),
  status: z.enum(['open', 'pending', 'resolved']).optional(),
});

export const UpdateConversationSchema = z.object({
  status: z.enum(['open', 'pending', 'resolved']).optional(),
  assigneeId: z.string().nullable().optional(),
  markRead: z.boolean().optional(),
  // routing area
  returnToAgent: z.boolean().optional().describe('with status "resolved": the agent gets the conversation back; without, the contact\'s next conversation (within 24 h) continues with humans'),
});

export const MessageOut = MessageSchema.meta({ id: 'Message' });

export const TemplateInputSchema = z.object({ name: z.string().min(1), language: z.string().min(1), variables: z.record(z.string(), z.string()).optional() });

export const SendToConversationSchema = z.object({ content: ContentSchema.optional(), template: TemplateInputSchema.optional(), metadata: z.record(z.string(), z.unknown()).optional() });
export const SendMessageSchema = SendToConversationSchema.extend({ connectionId: z.string().min(1), to: z.string().min(1).max(320) });
