/**
 * @module core/ports/conversation-store
 * Conversations and their messages: the open-conversation slot, the message log with provider-id dedup, the send
 * lifecycle of outbound messages (claim, sent, retry) and forward-only statuses. Implemented in
 * store/sql/conversation-queries.ts.
 */
import type { Content, Message, MessageStatus, StatusDetail } from '../../model/index.js';
import type { Page, PageQuery } from './records.js';

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
  // Routing fields (core/ports/routing-store.ts) are optional so that writers which do not route need not set
  // them; every read fills them.
  /** 'agent' (an agent answers), 'human' (operators; the agent stays silent), null (not routed yet) */
  handler?: 'agent' | 'human' | null;
  agentId?: string | null;
  /** the team inbox it sits in (with or without an assignee) */
  teamId?: string | null;
  tags?: string[];
  /** a mail thread's subject, normalised ("Re:" stripped); null on channels without subjects */
  subject?: string | null;
}

export interface ConversationFilter {
  contactId?: string | undefined;
  connectionId?: string | undefined;
  status?: ConversationStatus | undefined;
  /**
   * conversations one of whose messages says this (case-insensitive, anywhere in the words): a text, a media
   * caption, or the transcript of a voice message or a call's utterance (`metadata.transcript`); a message the
   * customer deleted says nothing
   */
  text?: string | undefined;
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

export interface StatusEventRecord {
  id: string;
  messageId: string | null;
  connectionId: string;
  providerMessageId: string | null;
  status: MessageStatus;
  detail: StatusDetail | null;
  occurredAt: string;
  applied: boolean;
}

/** an outbound message to (re)send; `from` (the sender number) is part of the outbound work key (core/events.ts outboundKey) */
export interface QueuedMessageRef {
  id: string;
  connectionId: string;
  from: string;
}

export interface ConversationStoreOps {
  findOpenConversation(
    connectionId: string,
    contactId: string,
    threadKey: string | null,
  ): Promise<ConversationRecord | undefined>;
  /** insert-or-ignore on the open-conversation key; false when another open one exists */
  insertConversation(row: ConversationRecord): Promise<boolean>;
  /**
   * the contact's conversation on the connection with this subject that saw a message at or after `since` (the
   * latest; resolved ones too): the subject fallback of mail threading
   */
  findConversationBySubject(
    connectionId: string,
    contactId: string,
    subject: string,
    since: string,
  ): Promise<ConversationRecord | undefined>;
  /**
   * gives a conversation without a thread key one (a mail thread we started is keyed by our first Message-ID once
   * it is sent); false when it has one already or another open conversation holds that key
   */
  setThreadKey(id: string, threadKey: string): Promise<boolean>;
  getConversation(workspaceId: string, id: string): Promise<ConversationRecord | undefined>;
  /** newest first */
  listConversations(
    workspaceId: string,
    filter: ConversationFilter,
    page: PageQuery,
  ): Promise<Page<ConversationRecord>>;
  /** resolving frees the open-conversation slot; reopening takes it again (throws when another open one holds it) */
  updateConversation(
    id: string,
    patch: Partial<
      Pick<
        ConversationRecord,
        | 'status'
        | 'assigneeId'
        | 'senderAddress'
        | 'windowExpiresAt'
        | 'lastBusinessTemplateAt'
        | 'lastMessageAt'
        | 'lastMessagePreview'
        | 'unreadCount'
        | 'updatedAt'
      >
    >,
  ): Promise<void>;
  /** an inbound message arrived: one more unread, the preview, the customer's last write and (when given) the window */
  incrementUnread(id: string, at: string, preview: string, windowExpiresAt: string | null): Promise<void>;
  /** the sender address this contact was last served from on the connection */
  lastSenderFor(connectionId: string, contactId: string): Promise<string | undefined>;

  /** insert-or-ignore on (connection, providerMessageId): false when it is a duplicate */
  insertMessage(row: NewMessage & { createdAt: string }): Promise<boolean>;
  getMessage(workspaceId: string, id: string): Promise<MessageRecord | undefined>;
  getMessageUnscoped(id: string): Promise<MessageRecord | undefined>;
  findMessageByProviderId(connectionId: string, providerMessageId: string): Promise<MessageRecord | undefined>;
  /** oldest first */
  listMessages(conversationId: string, page: PageQuery): Promise<Page<MessageRecord>>;
  /** the latest `limit` messages of a conversation, oldest first (agents read the recent history) */
  listRecentMessages(conversationId: string, limit: number): Promise<MessageRecord[]>;
  lastInboundMessage(conversationId: string): Promise<MessageRecord | undefined>;
  /** sets the content without marking the message edited (attachment URLs, fetch state) */
  replaceMessageContent(id: string, content: MessageRecord['content']): Promise<void>;
  editMessageContent(id: string, content: MessageRecord['content'], editedAt: string): Promise<void>;
  replaceMessageMetadata(id: string, metadata: Record<string, unknown>): Promise<void>;
  /** keeps what the customer deleted, outside the message's content, for the workspace's audit */
  keepDeletedContent(id: string, content: MessageRecord['content']): Promise<void>;
  /** what keepDeletedContent kept for a message of this workspace; undefined when nothing was kept */
  deletedContent(workspaceId: string, id: string): Promise<MessageRecord['content'] | undefined>;
  /** compare-and-set claim of a queued message for one send attempt */
  claimForSend(id: string, at: string): Promise<boolean>;
  markSent(id: string, providerMessageId: string, from: string | null, at: string): Promise<void>;
  scheduleRetry(id: string, nextAttemptAt: string, detail: StatusDetail): Promise<void>;
  /** forward-only status move; returns whether it applied */
  applyStatus(
    id: string,
    status: MessageStatus,
    detail: StatusDetail | null,
    allowedFrom: MessageStatus[],
    at: string,
  ): Promise<boolean>;
  insertStatusEvent(row: StatusEventRecord): Promise<void>;
  /** status events that arrived before we knew the provider id */
  listOrphanStatusEvents(connectionId: string, providerMessageId: string): Promise<StatusEventRecord[]>;
  markStatusEventsApplied(ids: string[], messageId: string): Promise<void>;
  /** clears a due retry time (compare-and-set); true for the one caller that should re-drive the message */
  takeDueRetry(id: string, now: string): Promise<boolean>;
  listDueRetries(now: string, limit: number): Promise<QueuedMessageRef[]>;
  /**
   * a sent message's timed fallback (RCS → SMS when not delivered in time): when it falls due. Kept in the retry time
   * of the sent message, which a sent message has no other use for; a delivery receipt moves the status on and so
   * takes it out of listDueFallbacks
   */
  setFallbackDue(id: string, at: string | null): Promise<void>;
  /** sent (not delivered, not read, not failed) messages whose fallback time came */
  listDueFallbacks(now: string, limit: number): Promise<QueuedMessageRef[]>;
  /**
   * moves a due fallback time to `leaseUntil` (compare-and-set): true for the one caller that should act on it; if
   * that caller dies midway, the message falls due again then
   */
  takeDueFallback(id: string, now: string, leaseUntil: string): Promise<boolean>;
  listQueuedMessageIds(connectionId: string | null, limit: number, afterId?: string): Promise<QueuedMessageRef[]>;
  /** queued messages whose send attempt began before `before` and never finished */
  listInterruptedSends(
    before: string,
    limit: number,
  ): Promise<Array<{ id: string; workspaceId: string; conversationId: string }>>;
}
