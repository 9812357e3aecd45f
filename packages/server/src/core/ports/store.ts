/**
 * @module core/ports/store
 * The Store port: everything core needs from a database. Implemented for SQLite and PostgreSQL over one
 * contract test (store/store.contract.ts). Reads and writes are scoped by workspace wherever a caller
 * could name another workspace's id.
 */
import type { MessageStatus, StatusDetail } from '../../model/index.js';
import type {
  ApiKeyRecord, AttachmentRecord, DeadLetterRecord, TemplateRecord, WebhookDeliveryRecord, WebhookSubscriptionRecord, ConnectionLogRecord, ConnectionRecord, ConnectionStatus, ContactRecord, ConversationRecord,
  ConversationStatus, IdentityRecord, InboundEventRecord, MessageRecord, NewMessage, OutboxRecord, Page, PageQuery,
  StatusEventRecord, UserRecord, WorkspaceRecord,
} from './records.js';
// agents area
import type { AgentConnectionRecord, AgentRecord, AgentSessionRecord, AgentTurnClaim, AgentTurnRecord } from './records.js';

// routing area
import type { RoutingStoreOps } from './routing-store.js';

export interface NewOutboxRow { topic: string; key: string; workspaceId: string | null; payload: Record<string, unknown> }

export interface ConversationFilter { contactId?: string | undefined; connectionId?: string | undefined; status?: ConversationStatus | undefined }

/** Operations available inside and outside a transaction. */
export interface StoreOps {
  // workspaces, users, keys
  getWorkspace(id: string): Promise<WorkspaceRecord | undefined>;
  firstWorkspace(): Promise<WorkspaceRecord | undefined>;
  insertWorkspace(row: WorkspaceRecord): Promise<void>;
  insertUser(row: UserRecord): Promise<void>;
  findOwner(workspaceId: string): Promise<UserRecord | undefined>;
  insertApiKey(row: ApiKeyRecord): Promise<void>;
  findApiKeyByHash(tokenHash: string): Promise<(ApiKeyRecord & { role: UserRecord['role'] }) | undefined>;
  touchApiKey(id: string, at: string): Promise<void>;
  deleteApiKey(id: string): Promise<void>;
  findUsersByEmail(email: string): Promise<UserRecord[]>;
  getUser(workspaceId: string, id: string): Promise<UserRecord | undefined>;
  listUsers(workspaceId: string): Promise<UserRecord[]>;
  updateUser(workspaceId: string, id: string, patch: Partial<Pick<UserRecord, 'name' | 'role' | 'passwordHash'>>): Promise<boolean>;
  /** removes the user and every key (sessions included) they hold */
  deleteUser(workspaceId: string, id: string): Promise<boolean>;

  // connections
  insertConnection(row: ConnectionRecord): Promise<void>;
  getConnection(workspaceId: string, id: string): Promise<ConnectionRecord | undefined>;
  /** unscoped: only for provider webhooks, which name the connection in the URL */
  getConnectionUnscoped(id: string): Promise<ConnectionRecord | undefined>;
  listConnections(workspaceId: string, page: PageQuery): Promise<Page<ConnectionRecord>>;
  /** every connection the workers should run at boot */
  listConnectionsByStatus(statuses: ConnectionStatus[]): Promise<ConnectionRecord[]>;
  updateConnection(workspaceId: string, id: string, patch: Partial<Pick<ConnectionRecord, 'name' | 'description' | 'config' | 'deprecated' | 'updatedAt'>>): Promise<boolean>;
  /** moves the status; with `from`, only when the current status is one of them (compare-and-set) */
  setConnectionStatus(id: string, status: ConnectionStatus, reason: string | null, at: string, from?: ConnectionStatus[]): Promise<boolean>;
  deleteConnection(workspaceId: string, id: string): Promise<boolean>;
  insertConnectionLog(row: ConnectionLogRecord): Promise<void>;
  listConnectionLogs(connectionId: string, page: PageQuery): Promise<Page<ConnectionLogRecord>>;

  // inbound events (raw)
  /** insert-or-ignore on (connection, eventKey); returns the ids actually inserted */
  insertInboundEvents(rows: InboundEventRecord[]): Promise<Set<string>>;
  getInboundEvent(id: string): Promise<InboundEventRecord | undefined>;
  listInboundEventIds(status: 'pending', limit: number, afterId?: string): Promise<string[]>;
  /** compare-and-set from pending; false when another worker finished it first */
  /** deletes finished raw events received before `before` (retention); pending ones are never deleted */
  pruneInboundEvents(before: string): Promise<number>;
  finishInboundEvent(id: string, status: 'processed' | 'ignored' | 'failed', error: string | null, at: string): Promise<boolean>;
  // performance area: the inbound processor drains a connection's ready raw events in one transaction
  /** a connection's pending raw events with id ≥ fromId, oldest first (arrival order) */
  listPendingInboundEvents(connectionId: string, fromId: string, limit: number): Promise<InboundEventRecord[]>;

  // contacts
  findIdentity(workspaceId: string, channelType: string, address: string): Promise<IdentityRecord | undefined>;
  insertContact(row: ContactRecord): Promise<void>;
  /** insert-or-ignore on (workspace, channel type, address); false when it already existed */
  insertIdentity(row: IdentityRecord): Promise<boolean>;
  deleteContact(id: string): Promise<void>;
  getContact(workspaceId: string, id: string): Promise<ContactRecord | undefined>;
  listContacts(workspaceId: string, page: PageQuery): Promise<Page<ContactRecord>>;
  listIdentities(contactId: string): Promise<IdentityRecord[]>;
  updateContactName(id: string, name: string, at: string): Promise<void>;
  // webchat: shallow-merges attributes into a contact (offline form email)
  mergeContactAttributes(id: string, attributes: Record<string, string>, at: string): Promise<void>;

  // conversations
  findOpenConversation(connectionId: string, contactId: string, threadKey: string | null): Promise<ConversationRecord | undefined>;
  /** insert-or-ignore on the open-conversation key; false when another open one exists */
  insertConversation(row: ConversationRecord): Promise<boolean>;
  getConversation(workspaceId: string, id: string): Promise<ConversationRecord | undefined>;
  listConversations(workspaceId: string, filter: ConversationFilter, page: PageQuery): Promise<Page<ConversationRecord>>;
  updateConversation(id: string, patch: Partial<Pick<ConversationRecord, 'status' | 'assigneeId' | 'senderAddress' | 'windowExpiresAt' | 'lastBusinessTemplateAt' | 'lastMessageAt' | 'lastMessagePreview' | 'unreadCount' | 'updatedAt'>>): Promise<void>;
  incrementUnread(id: string, at: string, preview: string, windowExpiresAt: string | null): Promise<void>;

  // messages
  /** insert-or-ignore on (connection, providerMessageId): false when it is a duplicate */
  insertMessage(row: NewMessage & { createdAt: string }): Promise<boolean>;
  getMessage(workspaceId: string, id: string): Promise<MessageRecord | undefined>;
  getMessageUnscoped(id: string): Promise<MessageRecord | undefined>;
  findMessageByProviderId(connectionId: string, providerMessageId: string): Promise<MessageRecord | undefined>;
  listMessages(conversationId: string, page: PageQuery): Promise<Page<MessageRecord>>;
  lastInboundMessage(conversationId: string): Promise<MessageRecord | undefined>;
  /** sets the content without marking the message edited (attachment URLs, fetch state) */
  replaceMessageContent(id: string, content: MessageRecord['content']): Promise<void>;
  editMessageContent(id: string, content: MessageRecord['content'], editedAt: string): Promise<void>;
  /** compare-and-set claim of a queued message for one send attempt */
  claimForSend(id: string, at: string): Promise<boolean>;
  markSent(id: string, providerMessageId: string, from: string | null, at: string): Promise<void>;
  scheduleRetry(id: string, nextAttemptAt: string, detail: StatusDetail): Promise<void>;
  /** forward-only status move; returns whether it applied */
  applyStatus(id: string, status: MessageStatus, detail: StatusDetail | null, allowedFrom: MessageStatus[], at: string): Promise<boolean>;
  insertStatusEvent(row: StatusEventRecord): Promise<void>;
  /** status events that arrived before we knew the provider id */
  listOrphanStatusEvents(connectionId: string, providerMessageId: string): Promise<StatusEventRecord[]>;
  markStatusEventsApplied(ids: string[], messageId: string): Promise<void>;
  /** clears a due retry time (compare-and-set); true for the one caller that should re-drive the message */
  takeDueRetry(id: string, now: string): Promise<boolean>;
  // performance area: `from` (the sender number) is part of the outbound work key (core/events outboundKey)
  listDueRetries(now: string, limit: number): Promise<Array<{ id: string; connectionId: string; from: string }>>;
  listQueuedMessageIds(connectionId: string | null, limit: number, afterId?: string): Promise<Array<{ id: string; connectionId: string; from: string }>>;
  /** queued messages whose send attempt began before `before` and never finished */
  listInterruptedSends(before: string, limit: number): Promise<Array<{ id: string; workspaceId: string; conversationId: string }>>;

  // outbox
  insertOutbox(rows: NewOutboxRow[], at: string): Promise<void>;
  listUnpublishedOutbox(limit: number): Promise<OutboxRecord[]>;
  markOutboxPublished(seqs: number[], at: string): Promise<void>;
  /** published events of a workspace after a sequence number (SSE Last-Event-ID replay) */
  listEventsSince(workspaceId: string, afterSeq: number, limit: number): Promise<OutboxRecord[]>;
  pruneOutbox(publishedBefore: string): Promise<number>;

  // attachments, media bytes (database media store), templates, sticky senders
  insertAttachment(row: AttachmentRecord): Promise<void>;
  getAttachment(id: string): Promise<AttachmentRecord | undefined>;
  listAttachmentIds(state: 'pending', limit: number, afterId?: string): Promise<string[]>;
  updateAttachment(id: string, patch: Partial<Pick<AttachmentRecord, 'state' | 'error' | 'attempts' | 'size' | 'mimeType' | 'fileName' | 'messageId' | 'updatedAt'>>): Promise<void>;
  putBlob(key: string, bytes: Buffer, at: string): Promise<void>;
  getBlob(key: string): Promise<Buffer | undefined>;
  /** replaces the connection's templates with the provider's current list */
  replaceTemplates(connectionId: string, rows: TemplateRecord[]): Promise<void>;
  listTemplates(workspaceId: string, connectionId: string): Promise<TemplateRecord[]>;
  findTemplate(connectionId: string, name: string, language: string): Promise<TemplateRecord | undefined>;
  /** atomically advances the connection's sender rotation, returning the value before the increment */
  nextSenderRotation(connectionId: string): Promise<number>;
  /** the sender address this contact was last served from on the connection */
  lastSenderFor(connectionId: string, contactId: string): Promise<string | undefined>;

  // shared pacing: a token bucket every process draws from (a reservation: tokens may go negative)
  /** takes one token; answers how long to wait (ms) until the reserved slot */
  reserveToken(key: string, perSecond: number, burst: number, nowMs: number): Promise<number>;
  /** nobody on this bucket sends before untilMs (the provider said retry-after) */
  pauseBucket(key: string, perSecond: number, untilMs: number, nowMs: number): Promise<void>;

  // dead letters: work that failed every delivery, kept for inspection and replay
  insertDeadLetter(row: DeadLetterRecord): Promise<void>;
  listDeadLetters(workspaceId: string, page: PageQuery): Promise<Page<DeadLetterRecord>>;
  getDeadLetter(workspaceId: string, id: string): Promise<DeadLetterRecord | undefined>;
  markDeadLetterReplayed(id: string, at: string): Promise<void>;

  // outgoing webhooks
  insertWebhookSubscription(row: WebhookSubscriptionRecord): Promise<void>;
  getWebhookSubscription(workspaceId: string, id: string): Promise<WebhookSubscriptionRecord | undefined>;
  listWebhookSubscriptions(workspaceId: string, page: PageQuery): Promise<Page<WebhookSubscriptionRecord>>;
  /** every active subscription of the given workspaces (fan-out) */
  activeWebhookSubscriptions(workspaceIds: string[]): Promise<WebhookSubscriptionRecord[]>;
  updateWebhookSubscription(workspaceId: string, id: string, patch: Partial<Pick<WebhookSubscriptionRecord, 'url' | 'eventTypes' | 'secret' | 'active' | 'description' | 'updatedAt'>>): Promise<boolean>;
  deleteWebhookSubscription(workspaceId: string, id: string): Promise<boolean>;
  /** insert-or-ignore on (subscription, event) */
  insertWebhookDeliveries(rows: WebhookDeliveryRecord[]): Promise<void>;
  /** claims due deliveries for this process until `claimUntil` (compare-and-set per row) */
  claimDueWebhookDeliveries(now: string, claimUntil: string, limit: number): Promise<WebhookDeliveryRecord[]>;
  finishWebhookAttempt(id: string, patch: Pick<WebhookDeliveryRecord, 'status' | 'attempts' | 'nextAttemptAt' | 'lastStatusCode' | 'lastError' | 'deliveredAt' | 'updatedAt'>): Promise<void>;
  listWebhookDeliveries(subscriptionId: string, page: PageQuery): Promise<Page<WebhookDeliveryRecord>>;
  getWebhookDelivery(workspaceId: string, id: string): Promise<WebhookDeliveryRecord | undefined>;
  /** puts deliveries back in the queue (replay), keeping their ids; answers how many */
  requeueWebhookDeliveries(workspaceId: string, filter: { id?: string; subscriptionId?: string; from?: string; to?: string }, now: string): Promise<number>;

  // agents area: agents, their channels (desired vs applied at start), sessions, idempotent turns
  insertAgent(row: AgentRecord): Promise<void>;
  getAgent(workspaceId: string, id: string): Promise<AgentRecord | undefined>;
  listAgents(workspaceId: string, page: PageQuery): Promise<Page<AgentRecord>>;
  listAgentsByStatus(statuses: ConnectionStatus[]): Promise<AgentRecord[]>;
  updateAgent(workspaceId: string, id: string, patch: Partial<Pick<AgentRecord, 'name' | 'description' | 'config' | 'updatedAt'>>): Promise<boolean>;
  /** moves the status; with `from`, only when the current status is one of them (compare-and-set) */
  setAgentStatus(id: string, status: ConnectionStatus, reason: string | null, at: string, from?: ConnectionStatus[]): Promise<boolean>;
  /** removes the agent with its channels, sessions and turns */
  deleteAgent(workspaceId: string, id: string): Promise<boolean>;
  /** every channel row of the agent (desired and applied), by connection id */
  listAgentConnections(agentId: string): Promise<AgentConnectionRecord[]>;
  getAgentConnection(agentId: string, connectionId: string): Promise<AgentConnectionRecord | undefined>;
  /**
   * replaces the agent's desired channels (rows not listed become detached, still applied until restart); a second
   * agent with inbound on a connection violates a unique index (the store throws)
   */
  setAgentConnections(workspaceId: string, agentId: string, rows: Array<{ connectionId: string; inbound: boolean }>, at: string): Promise<void>;
  /** the other agent (id, name) that has inbound on the connection in the desired set, if any */
  findInboundHolder(connectionId: string, exceptAgentId: string): Promise<{ id: string; name: string } | undefined>;
  /** at start: the desired channels become the applied ones; others' applied inbound on these connections ends */
  applyAgentConnections(agentId: string, at: string): Promise<void>;
  /** the RUNNING agent holding the connection's applied inbound */
  findActiveInboundAgent(workspaceId: string, connectionId: string): Promise<string | undefined>;
  getAgentSession(agentId: string, conversationId: string): Promise<AgentSessionRecord | undefined>;
  /** insert or replace on (agent, conversation) */
  saveAgentSession(row: AgentSessionRecord): Promise<void>;
  /** insert-or-ignore on (agent, message); a running turn started before `staleBefore` is taken over */
  claimAgentTurn(row: AgentTurnRecord, staleBefore: string): Promise<AgentTurnClaim>;
  finishAgentTurn(id: string, outcome: Record<string, unknown>, at: string): Promise<void>;
  /** forgets a running turn that failed before it sent anything, so a redelivery runs it again */
  releaseAgentTurn(id: string): Promise<void>;
  /** the latest `limit` messages of a conversation, oldest first (agents read the recent history) */
  listRecentMessages(conversationId: string, limit: number): Promise<MessageRecord[]>;
  replaceMessageMetadata(id: string, metadata: Record<string, unknown>): Promise<void>;

  // counters for /metrics
  countQueued(): Promise<{ outboundQueued: number; inboundPending: number; outboxUnpublished: number }>;

  // routing area: rules, teams, the conversation timeline, routing marks (core/ports/routing-store.ts)
  readonly routing: RoutingStoreOps;
}

export interface Store extends StoreOps {
  readonly dialect: 'sqlite' | 'postgres';
  /** runs fn in one transaction; fn must not do provider I/O */
  transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T>;
  migrate(): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
