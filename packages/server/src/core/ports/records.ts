/**
 * @module core/ports/records
 * The shapes the Store port reads and writes. Dialect-neutral: timestamps are ISO-8601 UTC strings,
 * JSON columns are parsed objects.
 */
import type { Content, Message, MessageStatus, StatusDetail } from '../../model/index.js';
import type { ProviderTemplate } from '../../channel-kit/index.js';

export type Role = 'owner' | 'admin' | 'operator';
export const CONNECTION_STATUSES = ['STOPPED', 'STARTING', 'RUNNING', 'STOPPING', 'ERROR'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export interface WorkspaceRecord { id: string; name: string; createdAt: string }
export interface UserRecord { id: string; workspaceId: string; email: string; name: string; role: Role; passwordHash: string | null; createdAt: string }
export interface ApiKeyRecord {
  id: string; workspaceId: string; userId: string; name: string; tokenHash: string; prefix: string; createdAt: string; lastUsedAt: string | null;
  /** 'session' keys come from signing in and expire; 'api' keys are for integrations */
  kind?: 'api' | 'session';
  expiresAt?: string | null;
}

export interface ConnectionRecord {
  id: string;
  workspaceId: string;
  type: string;
  name: string;
  description: string;
  /** non-secret fields in clear, secret fields as SecretBox ciphertexts */
  config: Record<string, unknown>;
  status: ConnectionStatus;
  statusReason: string | null;
  deprecated: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ConnectionLogRecord { id: string; connectionId: string; level: 'info' | 'warn' | 'error'; event: string; message: string; at: string }

export interface ContactRecord { id: string; workspaceId: string; name: string | null; attributes: Record<string, unknown>; createdAt: string; updatedAt: string }
export interface IdentityRecord { id: string; workspaceId: string; contactId: string; channelType: string; address: string; connectionId: string | null; createdAt: string }

export type ConversationStatus = 'open' | 'pending' | 'resolved';
export interface ConversationRecord {
  id: string;
  workspaceId: string;
  contactId: string;
  connectionId: string;
  channelType: string;
  /** the customer's address on the channel */
  address: string;
  threadKey: string | null;
  status: ConversationStatus;
  assigneeId: string | null;
  /** sticky sender: our address this customer talks to */
  senderAddress: string | null;
  windowExpiresAt: string | null;
  /** when the customer last wrote (the window opens from here) */
  lastInboundAt: string | null;
  /** when we last opened a conversation with a template the customer has not answered yet */
  lastBusinessTemplateAt: string | null;
  lastMessageAt: string | null;
  lastMessagePreview: string | null;
  unreadCount: number;
  createdAt: string;
  updatedAt: string;
  // routing area: who handles it (optional so older writers need not set them; the store always fills them)
  /** 'agent' (an agent answers), 'human' (operators; the agent stays silent), null (not routed yet) */
  handler?: 'agent' | 'human' | null;
  agentId?: string | null;
  /** the team inbox it sits in (with or without an assignee) */
  teamId?: string | null;
  tags?: string[];
}

export interface MessageRecord extends Message {
  workspaceId: string;
  attempts: number;
  nextAttemptAt: string | null;
  sendStartedAt: string | null;
  createdAt: string;
}

export interface NewMessage {
  id: string;
  workspaceId: string;
  conversationId: string;
  connectionId: string;
  channelType: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  content: Content;
  status: MessageStatus;
  providerMessageId: string | null;
  timestamp: string;
  metadata: Record<string, unknown>;
}

export interface StatusEventRecord { id: string; messageId: string | null; connectionId: string; providerMessageId: string | null; status: MessageStatus; detail: StatusDetail | null; occurredAt: string; applied: boolean }

export type InboundEventStatus = 'pending' | 'processed' | 'ignored' | 'failed';
export interface InboundEventRecord {
  id: string;
  workspaceId: string;
  connectionId: string;
  eventKey: string | null;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  status: InboundEventStatus;
  error: string | null;
  receivedAt: string;
  processedAt: string | null;
}

export interface OutboxRecord { seq: number; topic: string; key: string; workspaceId: string | null; payload: Record<string, unknown>; createdAt: string }

export type AttachmentState = 'pending' | 'ready' | 'failed';
export interface AttachmentRecord {
  id: string;
  workspaceId: string;
  messageId: string | null;
  connectionId: string | null;
  providerMediaId: string | null;
  mimeType: string;
  fileName: string | null;
  size: number | null;
  state: AttachmentState;
  error: string | null;
  attempts: number;
  /** unguessable part of the media URL: whoever holds the URL may fetch the bytes */
  accessKey: string;
  createdAt: string;
  updatedAt: string;
}

/** a provider's template as synced into the hub (channel-kit ProviderTemplate, whose `id` is the provider's) */
export interface TemplateRecord extends Omit<ProviderTemplate, 'id'> {
  id: string;
  workspaceId: string;
  connectionId: string;
  providerTemplateId: string;
  syncedAt: string;
}

export interface DeadLetterRecord {
  id: string;
  workspaceId: string | null;
  topic: string;
  key: string;
  payload: Record<string, unknown>;
  error: string;
  deliveries: number;
  createdAt: string;
  replayedAt: string | null;
}

export interface WebhookSubscriptionRecord {
  id: string;
  workspaceId: string;
  url: string;
  /** event types to deliver; ['*'] = all */
  eventTypes: string[];
  /** sealed with the SecretBox */
  secret: string;
  active: boolean;
  description: string;
  createdAt: string;
  updatedAt: string;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'dead';
export interface WebhookDeliveryRecord {
  /** stays the same across retries and replays: receivers dedup on it */
  id: string;
  subscriptionId: string;
  workspaceId: string;
  eventSeq: number;
  eventType: string;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

// agents area
export type AgentKind = 'flow' | 'llm' | 'webhook';
export interface AgentRecord {
  id: string;
  workspaceId: string;
  kind: AgentKind;
  name: string;
  description: string;
  /** non-secret fields in clear, secret fields as SecretBox ciphertexts */
  config: Record<string, unknown>;
  status: ConnectionStatus;
  statusReason: string | null;
  createdAt: string;
  updatedAt: string;
}
/** an agent's channel: what the admin set (attached, inbound) and what the agent applied when it last started */
export interface AgentConnectionRecord {
  agentId: string;
  connectionId: string;
  attached: boolean;
  inbound: boolean;
  activeAttached: boolean;
  activeInbound: boolean;
  updatedAt: string;
}
export interface AgentSessionRecord { id: string; workspaceId: string; agentId: string; conversationId: string; state: Record<string, unknown>; turns: number; createdAt: string; updatedAt: string }
export interface AgentTurnRecord {
  id: string; workspaceId: string; agentId: string; messageId: string; conversationId: string;
  status: 'running' | 'done'; outcome: Record<string, unknown> | null; startedAt: string; finishedAt: string | null;
}
/** claiming a turn: run it, it already ran (its outcome), or another worker runs it now */
export type AgentTurnClaim = { kind: 'claimed'; turn: AgentTurnRecord } | { kind: 'done'; turn: AgentTurnRecord } | { kind: 'busy' };

export interface Page<T> { data: T[]; nextCursor: string | null }
export interface PageQuery { limit: number; cursor?: string | undefined }
