/**
 * @module store/sql/kysely-store
 * The Store port over Kysely: one query layer for SQLite and PostgreSQL. Only connection setup lives in the
 * dialect folders (store/sqlite, store/postgres). Dedup relies on unique constraints + ON CONFLICT DO NOTHING,
 * never on read-then-write.
 */
import { Migrator, sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { MessageStatus, StatusDetail } from '../../model/index.js';
import type {
  ApiKeyRecord, AttachmentRecord, DeadLetterRecord, TemplateRecord, WebhookDeliveryRecord, WebhookSubscriptionRecord, ConnectionLogRecord, ConnectionRecord, ConnectionStatus, ContactRecord, ConversationFilter,
  ConversationRecord, IdentityRecord, InboundEventRecord, MessageRecord, NewMessage, NewOutboxRow, OutboxRecord,
  Page, PageQuery, StatusEventRecord, Store, StoreOps, UserRecord, WorkspaceRecord,
} from '../../core/ports/index.js';
import type { AttachmentsTable, Database, DeadLettersTable, WebhookDeliveriesTable, WebhookSubscriptionsTable, MessagesTable, ConversationsTable, ConnectionsTable, InboundEventsTable, TemplatesTable } from './schema.js';
import { migrationProvider, type Dialect } from './migrations.js';
import type { HotStatements } from './hot-statements.js'; // performance area
// routing area
import { conversationRoutingFields, routingQueries } from './routing-queries.js';
import type { RoutingStoreOps } from '../../core/ports/index.js';
// agents area
import type { AgentConnectionRecord, AgentRecord, AgentSessionRecord, AgentTurnClaim, AgentTurnRecord } from '../../core/ports/index.js';
import type { AgentConnectionsTable, AgentsTable, AgentTurnsTable } from './schema.js';
import { page } from './pagination.js';

function toAgent(r: Selectable<AgentsTable>): AgentRecord {
  return {
    id: r.id, workspaceId: r.workspace_id, kind: r.kind as AgentRecord['kind'], name: r.name, description: r.description,
    config: parseJson<Record<string, unknown>>(r.config), status: r.status as ConnectionStatus, statusReason: r.status_reason, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}
function toAgentConnection(r: Selectable<AgentConnectionsTable>): AgentConnectionRecord {
  return {
    agentId: r.agent_id, connectionId: r.connection_id, attached: Boolean(r.attached), inbound: Boolean(r.inbound),
    activeAttached: Boolean(r.active_attached), activeInbound: Boolean(r.active_inbound), updatedAt: r.updated_at,
  };
}
function toAgentTurn(r: Selectable<AgentTurnsTable>): AgentTurnRecord {
  return {
    id: r.id, workspaceId: r.workspace_id, agentId: r.agent_id, messageId: r.message_id, conversationId: r.conversation_id, status: r.status as AgentTurnRecord['status'],
    outcome: parseJson<Record<string, unknown> | null>(r.outcome), startedAt: r.started_at, finishedAt: r.finished_at,
  };
}

type Db = Kysely<Database> | Transaction<Database>;

const json = (value: unknown): string => JSON.stringify(value ?? null);
function parseJson<T>(text: string | null): T {
  return (text === null ? null : JSON.parse(text)) as T;
}


function toConnection(r: Selectable<ConnectionsTable>): ConnectionRecord {
  return {
    id: r.id, workspaceId: r.workspace_id, type: r.type, name: r.name, description: r.description,
    config: parseJson<Record<string, unknown>>(r.config), status: r.status as ConnectionStatus,
    statusReason: r.status_reason, deprecated: Boolean(r.deprecated), createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function toConversation(r: Selectable<ConversationsTable>): ConversationRecord {
  return {
    id: r.id, workspaceId: r.workspace_id, contactId: r.contact_id, connectionId: r.connection_id,
    channelType: r.channel_type, address: r.address, threadKey: r.thread_key,
    status: r.status as ConversationRecord['status'], assigneeId: r.assignee_id, senderAddress: r.sender_address,
    windowExpiresAt: r.window_expires_at, lastInboundAt: r.last_inbound_at, lastBusinessTemplateAt: r.last_business_template_at, lastMessageAt: r.last_message_at, lastMessagePreview: r.last_message_preview,
    unreadCount: Number(r.unread_count), createdAt: r.created_at, updatedAt: r.updated_at,
    ...conversationRoutingFields(r), // routing area
  };
}

function toMessage(r: Selectable<MessagesTable>): MessageRecord {
  return {
    id: r.id, workspaceId: r.workspace_id, conversationId: r.conversation_id, connectionId: r.connection_id,
    channelType: r.channel_type, direction: r.direction as MessageRecord['direction'], from: r.from_addr, to: r.to_addr,
    content: parseJson<MessageRecord['content']>(r.content), status: r.status as MessageStatus,
    statusDetail: parseJson<StatusDetail | null>(r.status_detail), providerMessageId: r.provider_message_id,
    timestamp: r.timestamp, editedAt: r.edited_at, metadata: parseJson<Record<string, unknown>>(r.metadata),
    attempts: Number(r.attempts), nextAttemptAt: r.next_attempt_at, sendStartedAt: r.send_started_at, createdAt: r.created_at,
  };
}

function toUser(r: Selectable<Database['users']>): UserRecord {
  return { id: r.id, workspaceId: r.workspace_id, email: r.email, name: r.name, role: r.role as UserRecord['role'], passwordHash: r.password_hash, createdAt: r.created_at };
}

function toTemplate(r: Selectable<TemplatesTable>): TemplateRecord {
  return {
    id: r.id, workspaceId: r.workspace_id, connectionId: r.connection_id, providerTemplateId: r.provider_template_id, name: r.name,
    language: r.language, status: r.status, category: r.category, components: parseJson<unknown[]>(r.components),
    variables: parseJson<string[]>(r.variables), body: r.body, syncedAt: r.synced_at,
  };
}

function toDeadLetter(r: Selectable<DeadLettersTable>): DeadLetterRecord {
  return {
    id: r.id, workspaceId: r.workspace_id, topic: r.topic, key: r.key, payload: parseJson<Record<string, unknown>>(r.payload), error: r.error,
    deliveries: Number(r.deliveries), createdAt: r.created_at, replayedAt: r.replayed_at,
  };
}

function toSubscription(r: Selectable<WebhookSubscriptionsTable>): WebhookSubscriptionRecord {
  return {
    id: r.id, workspaceId: r.workspace_id, url: r.url, eventTypes: parseJson<string[]>(r.event_types), secret: r.secret, active: Boolean(r.active),
    description: r.description, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function toDelivery(r: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    id: r.id, subscriptionId: r.subscription_id, workspaceId: r.workspace_id, eventSeq: Number(r.event_seq), eventType: r.event_type, body: r.body,
    status: r.status as WebhookDeliveryRecord['status'], attempts: Number(r.attempts), nextAttemptAt: r.next_attempt_at,
    lastStatusCode: r.last_status_code === null ? null : Number(r.last_status_code), lastError: r.last_error, createdAt: r.created_at,
    updatedAt: r.updated_at, deliveredAt: r.delivered_at,
  };
}

function toInbound(r: Selectable<InboundEventsTable>): InboundEventRecord {
  return {
    id: r.id, workspaceId: r.workspace_id, connectionId: r.connection_id, eventKey: r.event_key, method: r.method,
    url: r.url, headers: parseJson<Record<string, string>>(r.headers), body: Buffer.from(r.body),
    status: r.status as InboundEventRecord['status'], error: r.error, receivedAt: r.received_at, processedAt: r.processed_at,
  };
}

function toOutbox(r: { seq: number | string; topic: string; key: string; workspace_id: string | null; payload: string; created_at: string }): OutboxRecord {
  return { seq: Number(r.seq), topic: r.topic, key: r.key, workspaceId: r.workspace_id, payload: parseJson<Record<string, unknown>>(r.payload), createdAt: r.created_at };
}

class KyselyOps implements StoreOps {
  // performance area: `hot` (prepared native statements, store/sql/hot-statements) is given only to transactions
  constructor(protected readonly db: Db, protected readonly hot?: HotStatements) {}

  // routing area: rules, teams, timeline, routing marks (store/sql/routing-queries.ts)
  private routingOps: RoutingStoreOps | undefined;
  get routing(): RoutingStoreOps {
    this.routingOps ??= routingQueries(this.db);
    return this.routingOps;
  }

  async getWorkspace(id: string): Promise<WorkspaceRecord | undefined> {
    const r = await this.db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
    return r && { id: r.id, name: r.name, createdAt: r.created_at };
  }
  async firstWorkspace(): Promise<WorkspaceRecord | undefined> {
    const r = await this.db.selectFrom('workspaces').selectAll().orderBy('id').limit(1).executeTakeFirst();
    return r && { id: r.id, name: r.name, createdAt: r.created_at };
  }
  async insertWorkspace(row: WorkspaceRecord): Promise<void> {
    await this.db.insertInto('workspaces').values({ id: row.id, name: row.name, created_at: row.createdAt }).execute();
  }
  async insertUser(row: UserRecord): Promise<void> {
    await this.db.insertInto('users').values({
      id: row.id, workspace_id: row.workspaceId, email: row.email.toLowerCase(), name: row.name, role: row.role,
      password_hash: row.passwordHash, created_at: row.createdAt,
    }).execute();
  }
  async findOwner(workspaceId: string): Promise<UserRecord | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).where('role', '=', 'owner')
      .orderBy('id').limit(1).executeTakeFirst();
    return r && { id: r.id, workspaceId: r.workspace_id, email: r.email, name: r.name, role: r.role as UserRecord['role'], passwordHash: r.password_hash, createdAt: r.created_at };
  }
  async insertApiKey(row: ApiKeyRecord): Promise<void> {
    await this.db.insertInto('api_keys').values({
      id: row.id, workspace_id: row.workspaceId, user_id: row.userId, name: row.name, token_hash: row.tokenHash,
      prefix: row.prefix, created_at: row.createdAt, last_used_at: row.lastUsedAt, kind: row.kind ?? 'api', expires_at: row.expiresAt ?? null,
    }).onConflict((oc) => oc.column('token_hash').doNothing()).execute();
  }
  async findApiKeyByHash(tokenHash: string): Promise<(ApiKeyRecord & { role: UserRecord['role'] }) | undefined> {
    const r = await this.db.selectFrom('api_keys').innerJoin('users', 'users.id', 'api_keys.user_id')
      .select(['api_keys.id', 'api_keys.workspace_id', 'api_keys.user_id', 'api_keys.name', 'api_keys.token_hash', 'api_keys.prefix',
        'api_keys.created_at', 'api_keys.last_used_at', 'api_keys.kind', 'api_keys.expires_at', 'users.role'])
      .where('api_keys.token_hash', '=', tokenHash).executeTakeFirst();
    return r && {
      id: r.id, workspaceId: r.workspace_id, userId: r.user_id, name: r.name, tokenHash: r.token_hash, prefix: r.prefix,
      createdAt: r.created_at, lastUsedAt: r.last_used_at, role: r.role as UserRecord['role'], kind: r.kind as 'api' | 'session', expiresAt: r.expires_at,
    };
  }
  async touchApiKey(id: string, at: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async deleteApiKey(id: string): Promise<void> {
    await this.db.deleteFrom('api_keys').where('id', '=', id).execute();
  }
  async findUsersByEmail(email: string): Promise<UserRecord[]> {
    return (await this.db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).orderBy('id').execute()).map(toUser);
  }
  async getUser(workspaceId: string, id: string): Promise<UserRecord | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return r && toUser(r);
  }
  async listUsers(workspaceId: string): Promise<UserRecord[]> {
    return (await this.db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute()).map(toUser);
  }
  async updateUser(workspaceId: string, id: string, patch: Partial<Pick<UserRecord, 'name' | 'role' | 'passwordHash'>>): Promise<boolean> {
    const set: { name?: string; role?: string; password_hash?: string | null } = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.role !== undefined) set.role = patch.role;
    if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
    const r = await this.db.updateTable('users').set(set).where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async deleteUser(workspaceId: string, id: string): Promise<boolean> {
    await this.db.deleteFrom('api_keys').where('user_id', '=', id).where('workspace_id', '=', workspaceId).execute();
    const r = await this.db.deleteFrom('users').where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  async insertConnection(row: ConnectionRecord): Promise<void> {
    await this.db.insertInto('connections').values({
      id: row.id, workspace_id: row.workspaceId, type: row.type, name: row.name, description: row.description,
      config: json(row.config), status: row.status, status_reason: row.statusReason, deprecated: row.deprecated ? 1 : 0,
      created_at: row.createdAt, updated_at: row.updatedAt,
    }).execute();
  }
  async getConnection(workspaceId: string, id: string): Promise<ConnectionRecord | undefined> {
    const r = await this.db.selectFrom('connections').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return r && toConnection(r);
  }
  async getConnectionUnscoped(id: string): Promise<ConnectionRecord | undefined> {
    const r = await this.db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toConnection(r);
  }
  async listConnections(workspaceId: string, q: PageQuery): Promise<Page<ConnectionRecord>> {
    let query = this.db.selectFrom('connections').selectAll().where('workspace_id', '=', workspaceId);
    if (q.cursor) query = query.where('id', '>', q.cursor);
    const rows = await query.orderBy('id').limit(q.limit + 1).execute();
    return page(rows.map(toConnection), q.limit);
  }
  async listConnectionsByStatus(statuses: ConnectionStatus[]): Promise<ConnectionRecord[]> {
    const rows = await this.db.selectFrom('connections').selectAll().where('status', 'in', statuses).orderBy('id').execute();
    return rows.map(toConnection);
  }
  async updateConnection(workspaceId: string, id: string, patch: Partial<Pick<ConnectionRecord, 'name' | 'description' | 'config' | 'deprecated' | 'updatedAt'>>): Promise<boolean> {
    const set: Partial<Selectable<ConnectionsTable>> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.config !== undefined) set.config = json(patch.config);
    if (patch.deprecated !== undefined) set.deprecated = patch.deprecated ? 1 : 0;
    if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
    const r = await this.db.updateTable('connections').set(set).where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async setConnectionStatus(id: string, status: ConnectionStatus, reason: string | null, at: string, from?: ConnectionStatus[]): Promise<boolean> {
    let q = this.db.updateTable('connections').set({ status, status_reason: reason, updated_at: at }).where('id', '=', id);
    if (from) q = q.where('status', 'in', from);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async deleteConnection(workspaceId: string, id: string): Promise<boolean> {
    await this.db.deleteFrom('connection_logs').where('connection_id', '=', id)
      .where((eb) => eb.exists(eb.selectFrom('connections').select('id').where('id', '=', id).where('workspace_id', '=', workspaceId)))
      .execute();
    const r = await this.db.deleteFrom('connections').where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  async insertConnectionLog(row: ConnectionLogRecord): Promise<void> {
    await this.db.insertInto('connection_logs').values({ id: row.id, connection_id: row.connectionId, level: row.level, event: row.event, message: row.message, at: row.at }).execute();
  }
  async listConnectionLogs(connectionId: string, q: PageQuery): Promise<Page<ConnectionLogRecord>> {
    let query = this.db.selectFrom('connection_logs').selectAll().where('connection_id', '=', connectionId);
    if (q.cursor) query = query.where('id', '<', q.cursor);
    const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute();
    return page(rows.map((r) => ({ id: r.id, connectionId: r.connection_id, level: r.level as ConnectionLogRecord['level'], event: r.event, message: r.message, at: r.at })), q.limit);
  }

  async insertInboundEvents(rows: InboundEventRecord[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (const row of rows) {
      if (this.hot) { // performance area
        if (this.hot.insertInboundEvent({
          id: row.id, workspace_id: row.workspaceId, connection_id: row.connectionId, event_key: row.eventKey, method: row.method, url: row.url,
          headers: json(row.headers), body: row.body, status: row.status, error: row.error, received_at: row.receivedAt, processed_at: row.processedAt,
        })) inserted.add(row.id);
        continue;
      }
      const r = await this.db.insertInto('inbound_events').values({
        id: row.id, workspace_id: row.workspaceId, connection_id: row.connectionId, event_key: row.eventKey,
        method: row.method, url: row.url, headers: json(row.headers), body: row.body, status: row.status,
        error: row.error, received_at: row.receivedAt, processed_at: row.processedAt,
      }).onConflict((oc) => oc.columns(['connection_id', 'event_key']).doNothing()).executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0n) > 0) inserted.add(row.id);
    }
    return inserted;
  }
  async getInboundEvent(id: string): Promise<InboundEventRecord | undefined> {
    const r = await this.db.selectFrom('inbound_events').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toInbound(r);
  }
  async listInboundEventIds(status: 'pending', limit: number, afterId?: string): Promise<string[]> {
    let q = this.db.selectFrom('inbound_events').select('id').where('status', '=', status);
    if (afterId) q = q.where('id', '>', afterId);
    return (await q.orderBy('id').limit(limit).execute()).map((r) => r.id);
  }
  async pruneInboundEvents(before: string): Promise<number> {
    const r = await this.db.deleteFrom('inbound_events').where('status', '!=', 'pending').where('received_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
  async finishInboundEvent(id: string, status: 'processed' | 'ignored' | 'failed', error: string | null, at: string): Promise<boolean> {
    if (this.hot) return this.hot.finishInboundEvent(id, status, error, at); // performance area
    const r = await this.db.updateTable('inbound_events').set({ status, error, processed_at: at }).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  // performance area: batch draining of a connection's raw events
  async listPendingInboundEvents(connectionId: string, fromId: string, limit: number): Promise<InboundEventRecord[]> {
    const rows = await this.db.selectFrom('inbound_events').selectAll().where('status', '=', 'pending').where('connection_id', '=', connectionId)
      .where('id', '>=', fromId).orderBy('id').limit(limit).execute();
    return rows.map(toInbound);
  }

  async findIdentity(workspaceId: string, channelType: string, address: string): Promise<IdentityRecord | undefined> {
    const r = this.hot ? this.hot.findIdentity(workspaceId, channelType, address) : await this.db.selectFrom('contact_identities').selectAll().where('workspace_id', '=', workspaceId)
      .where('channel_type', '=', channelType).where('address', '=', address).executeTakeFirst();
    return r && { id: r.id, workspaceId: r.workspace_id, contactId: r.contact_id, channelType: r.channel_type, address: r.address, connectionId: r.connection_id, createdAt: r.created_at };
  }
  async insertContact(row: ContactRecord): Promise<void> {
    await this.db.insertInto('contacts').values({ id: row.id, workspace_id: row.workspaceId, name: row.name, attributes: json(row.attributes), created_at: row.createdAt, updated_at: row.updatedAt }).execute();
  }
  async insertIdentity(row: IdentityRecord): Promise<boolean> {
    const r = await this.db.insertInto('contact_identities').values({
      id: row.id, workspace_id: row.workspaceId, contact_id: row.contactId, channel_type: row.channelType, address: row.address,
      connection_id: row.connectionId, created_at: row.createdAt,
    }).onConflict((oc) => oc.columns(['workspace_id', 'channel_type', 'address']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
  async deleteContact(id: string): Promise<void> {
    await this.db.deleteFrom('contacts').where('id', '=', id).execute();
  }
  async getContact(workspaceId: string, id: string): Promise<ContactRecord | undefined> {
    const r = this.hot ? this.hot.getContact(workspaceId, id) : await this.db.selectFrom('contacts').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return r && { id: r.id, workspaceId: r.workspace_id, name: r.name, attributes: parseJson(r.attributes), createdAt: r.created_at, updatedAt: r.updated_at };
  }
  async listContacts(workspaceId: string, q: PageQuery): Promise<Page<ContactRecord>> {
    let query = this.db.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceId);
    if (q.cursor) query = query.where('id', '<', q.cursor);
    const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute();
    return page(rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id, name: r.name, attributes: parseJson<Record<string, unknown>>(r.attributes), createdAt: r.created_at, updatedAt: r.updated_at })), q.limit);
  }
  async listIdentities(contactId: string): Promise<IdentityRecord[]> {
    const rows = await this.db.selectFrom('contact_identities').selectAll().where('contact_id', '=', contactId).orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id, contactId: r.contact_id, channelType: r.channel_type, address: r.address, connectionId: r.connection_id, createdAt: r.created_at }));
  }
  async updateContactName(id: string, name: string, at: string): Promise<void> {
    await this.db.updateTable('contacts').set({ name, updated_at: at }).where('id', '=', id).execute();
  }

  // webchat: attributes the customer gave (offline form email); read-modify-write inside the caller's transaction
  async mergeContactAttributes(id: string, attributes: Record<string, string>, at: string): Promise<void> {
    const row = await this.db.selectFrom('contacts').select('attributes').where('id', '=', id).executeTakeFirst();
    if (!row) return;
    const merged = { ...parseJson<Record<string, unknown>>(row.attributes), ...attributes };
    await this.db.updateTable('contacts').set({ attributes: json(merged), updated_at: at }).where('id', '=', id).execute();
  }

  async findOpenConversation(connectionId: string, contactId: string, threadKey: string | null): Promise<ConversationRecord | undefined> {
    const r = this.hot ? this.hot.findOpenConversation(openKey(connectionId, contactId, threadKey)) // performance area
      : await this.db.selectFrom('conversations').selectAll().where('open_key', '=', openKey(connectionId, contactId, threadKey)).executeTakeFirst();
    return r && toConversation(r);
  }
  async insertConversation(row: ConversationRecord): Promise<boolean> {
    const r = await this.db.insertInto('conversations').values({
      id: row.id, workspace_id: row.workspaceId, contact_id: row.contactId, connection_id: row.connectionId,
      channel_type: row.channelType, address: row.address, thread_key: row.threadKey, status: row.status,
      open_key: row.status === 'resolved' ? null : openKey(row.connectionId, row.contactId, row.threadKey),
      assignee_id: row.assigneeId, sender_address: row.senderAddress, window_expires_at: row.windowExpiresAt,
      last_inbound_at: row.lastInboundAt, last_business_template_at: row.lastBusinessTemplateAt,
      last_message_at: row.lastMessageAt, last_message_preview: row.lastMessagePreview, unread_count: row.unreadCount,
      created_at: row.createdAt, updated_at: row.updatedAt,
    }).onConflict((oc) => oc.column('open_key').doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
  async getConversation(workspaceId: string, id: string): Promise<ConversationRecord | undefined> {
    const r = await this.db.selectFrom('conversations').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return r && toConversation(r);
  }
  async listConversations(workspaceId: string, filter: ConversationFilter, q: PageQuery): Promise<Page<ConversationRecord>> {
    let query = this.db.selectFrom('conversations').selectAll().where('workspace_id', '=', workspaceId);
    if (filter.contactId) query = query.where('contact_id', '=', filter.contactId);
    if (filter.connectionId) query = query.where('connection_id', '=', filter.connectionId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (q.cursor) query = query.where('id', '<', q.cursor);
    const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute();
    return page(rows.map(toConversation), q.limit);
  }
  async updateConversation(id: string, patch: Partial<Pick<ConversationRecord, 'status' | 'assigneeId' | 'senderAddress' | 'windowExpiresAt' | 'lastBusinessTemplateAt' | 'lastMessageAt' | 'lastMessagePreview' | 'unreadCount' | 'updatedAt'>>): Promise<void> {
    const set: Partial<Selectable<ConversationsTable>> = {};
    if (patch.status !== undefined) {
      set.status = patch.status;
      if (patch.status === 'resolved') set.open_key = null;
    }
    if (patch.assigneeId !== undefined) set.assignee_id = patch.assigneeId;
    if (patch.senderAddress !== undefined) set.sender_address = patch.senderAddress;
    if (patch.windowExpiresAt !== undefined) set.window_expires_at = patch.windowExpiresAt;
    if (patch.lastBusinessTemplateAt !== undefined) set.last_business_template_at = patch.lastBusinessTemplateAt;
    if (patch.lastMessageAt !== undefined) set.last_message_at = patch.lastMessageAt;
    if (patch.lastMessagePreview !== undefined) set.last_message_preview = patch.lastMessagePreview;
    if (patch.unreadCount !== undefined) set.unread_count = patch.unreadCount;
    if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
    if (patch.status !== undefined && patch.status !== 'resolved') {
      // reopening: restore the open key (fails on the unique index if another open conversation exists)
      await this.db.updateTable('conversations')
        .set((eb) => ({ ...set, open_key: sql<string>`${eb.ref('connection_id')} || ':' || ${eb.ref('contact_id')} || ':' || coalesce(${eb.ref('thread_key')}, '')` }))
        .where('id', '=', id).execute();
      return;
    }
    await this.db.updateTable('conversations').set(set).where('id', '=', id).execute();
  }
  async incrementUnread(id: string, at: string, preview: string, windowExpiresAt: string | null): Promise<void> {
    if (this.hot) return this.hot.incrementUnread(id, at, preview, windowExpiresAt); // performance area
    await this.db.updateTable('conversations').set((eb) => ({
      unread_count: eb('unread_count', '+', 1), last_message_at: at, last_message_preview: preview, updated_at: at, last_inbound_at: at,
      ...(windowExpiresAt ? { window_expires_at: windowExpiresAt } : {}),
    })).where('id', '=', id).execute();
  }

  async insertMessage(row: NewMessage & { createdAt: string }): Promise<boolean> {
    if (this.hot) { // performance area
      return this.hot.insertMessage({
        id: row.id, workspace_id: row.workspaceId, conversation_id: row.conversationId, connection_id: row.connectionId, channel_type: row.channelType,
        direction: row.direction, from_addr: row.from, to_addr: row.to, content: json(row.content), status: row.status,
        provider_message_id: row.providerMessageId, timestamp: row.timestamp, metadata: json(row.metadata), created_at: row.createdAt,
      });
    }
    const r = await this.db.insertInto('messages').values({
      id: row.id, workspace_id: row.workspaceId, conversation_id: row.conversationId, connection_id: row.connectionId,
      channel_type: row.channelType, direction: row.direction, from_addr: row.from, to_addr: row.to,
      content: json(row.content), status: row.status, status_detail: null, provider_message_id: row.providerMessageId,
      timestamp: row.timestamp, edited_at: null, metadata: json(row.metadata), attempts: 0, next_attempt_at: null,
      send_started_at: null, created_at: row.createdAt,
    }).onConflict((oc) => oc.columns(['connection_id', 'provider_message_id']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
  async getMessage(workspaceId: string, id: string): Promise<MessageRecord | undefined> {
    const r = await this.db.selectFrom('messages').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return r && toMessage(r);
  }
  async getMessageUnscoped(id: string): Promise<MessageRecord | undefined> {
    const r = await this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toMessage(r);
  }
  async findMessageByProviderId(connectionId: string, providerMessageId: string): Promise<MessageRecord | undefined> {
    const r = await this.db.selectFrom('messages').selectAll().where('connection_id', '=', connectionId).where('provider_message_id', '=', providerMessageId).executeTakeFirst();
    return r && toMessage(r);
  }
  async listMessages(conversationId: string, q: PageQuery): Promise<Page<MessageRecord>> {
    let query = this.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
    if (q.cursor) query = query.where('id', '>', q.cursor);
    const rows = await query.orderBy('id').limit(q.limit + 1).execute();
    return page(rows.map(toMessage), q.limit);
  }
  async replaceMessageContent(id: string, content: MessageRecord['content']): Promise<void> {
    await this.db.updateTable('messages').set({ content: json(content) }).where('id', '=', id).execute();
  }
  async lastInboundMessage(conversationId: string): Promise<MessageRecord | undefined> {
    const r = await this.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('direction', '=', 'inbound')
      .orderBy('id', 'desc').limit(1).executeTakeFirst();
    return r && toMessage(r);
  }
  async editMessageContent(id: string, content: MessageRecord['content'], editedAt: string): Promise<void> {
    await this.db.updateTable('messages').set({ content: json(content), edited_at: editedAt }).where('id', '=', id).execute();
  }
  async claimForSend(id: string, at: string): Promise<boolean> {
    const r = await this.db.updateTable('messages').set((eb) => ({ send_started_at: at, attempts: eb('attempts', '+', 1), next_attempt_at: null }))
      .where('id', '=', id).where('status', '=', 'queued').where('send_started_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async markSent(id: string, providerMessageId: string, from: string | null, at: string): Promise<void> {
    await this.db.updateTable('messages').set({
      status: 'sent', provider_message_id: providerMessageId, send_started_at: null, status_detail: null,
      ...(from ? { from_addr: from } : {}),
    }).where('id', '=', id).where('status', '=', 'queued').execute();
    void at;
  }
  async scheduleRetry(id: string, nextAttemptAt: string, detail: StatusDetail): Promise<void> {
    await this.db.updateTable('messages').set({ send_started_at: null, next_attempt_at: nextAttemptAt, status_detail: json(detail) })
      .where('id', '=', id).where('status', '=', 'queued').execute();
  }
  async applyStatus(id: string, status: MessageStatus, detail: StatusDetail | null, allowedFrom: MessageStatus[], at: string): Promise<boolean> {
    void at;
    const r = await this.db.updateTable('messages').set({ status, status_detail: detail ? json(detail) : null, send_started_at: null })
      .where('id', '=', id).where('status', 'in', allowedFrom).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async insertStatusEvent(row: StatusEventRecord): Promise<void> {
    await this.db.insertInto('message_status_events').values({
      id: row.id, message_id: row.messageId, connection_id: row.connectionId, provider_message_id: row.providerMessageId,
      status: row.status, detail: row.detail ? json(row.detail) : null, occurred_at: row.occurredAt, applied: row.applied ? 1 : 0,
    }).execute();
  }
  async listOrphanStatusEvents(connectionId: string, providerMessageId: string): Promise<StatusEventRecord[]> {
    const rows = await this.db.selectFrom('message_status_events').selectAll().where('connection_id', '=', connectionId)
      .where('provider_message_id', '=', providerMessageId).where('applied', '=', 0).orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id, messageId: r.message_id, connectionId: r.connection_id, providerMessageId: r.provider_message_id,
      status: r.status as MessageStatus, detail: parseJson<StatusDetail | null>(r.detail), occurredAt: r.occurred_at, applied: Boolean(r.applied),
    }));
  }
  async markStatusEventsApplied(ids: string[], messageId: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('message_status_events').set({ applied: 1, message_id: messageId }).where('id', 'in', ids).execute();
  }
  async takeDueRetry(id: string, now: string): Promise<boolean> {
    const r = await this.db.updateTable('messages').set({ next_attempt_at: null }).where('id', '=', id).where('status', '=', 'queued')
      .where('send_started_at', 'is', null).where('next_attempt_at', '<=', now).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  // performance area: with the sender number (the outbound work key)
  async listDueRetries(now: string, limit: number): Promise<Array<{ id: string; connectionId: string; from: string }>> {
    const rows = await this.db.selectFrom('messages').select(['id', 'connection_id', 'from_addr']).where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now).where('send_started_at', 'is', null).orderBy('next_attempt_at').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, connectionId: r.connection_id, from: r.from_addr }));
  }
  async listQueuedMessageIds(connectionId: string | null, limit: number, afterId?: string): Promise<Array<{ id: string; connectionId: string; from: string }>> {
    let q = this.db.selectFrom('messages').select(['id', 'connection_id', 'from_addr']).where('status', '=', 'queued').where('send_started_at', 'is', null);
    if (connectionId) q = q.where('connection_id', '=', connectionId);
    if (afterId) q = q.where('id', '>', afterId);
    const rows = await q.orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, connectionId: r.connection_id, from: r.from_addr }));
  }
  async listInterruptedSends(before: string, limit: number): Promise<Array<{ id: string; workspaceId: string; conversationId: string }>> {
    const rows = await this.db.selectFrom('messages').select(['id', 'workspace_id', 'conversation_id']).where('status', '=', 'queued')
      .where('send_started_at', 'is not', null).where('send_started_at', '<', before).limit(limit).execute();
    return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id, conversationId: r.conversation_id }));
  }

  async insertOutbox(rows: NewOutboxRow[], at: string): Promise<void> {
    if (rows.length === 0) return;
    if (this.hot) return this.hot.insertOutbox(rows.map((r) => ({ topic: r.topic, key: r.key, workspace_id: r.workspaceId, payload: json(r.payload), created_at: at }))); // performance area
    await this.db.insertInto('outbox').values(rows.map((r) => ({
      topic: r.topic, key: r.key, workspace_id: r.workspaceId, payload: json(r.payload), created_at: at, published_at: null,
    }))).execute();
  }
  async listUnpublishedOutbox(limit: number): Promise<OutboxRecord[]> {
    const rows = await this.db.selectFrom('outbox').selectAll().where('published_at', 'is', null).orderBy('seq').limit(limit).execute();
    return rows.map(toOutbox);
  }
  async markOutboxPublished(seqs: number[], at: string): Promise<void> {
    if (seqs.length === 0) return;
    await this.db.updateTable('outbox').set({ published_at: at }).where('seq', 'in', seqs).execute();
  }
  async listEventsSince(workspaceId: string, afterSeq: number, limit: number): Promise<OutboxRecord[]> {
    const rows = await this.db.selectFrom('outbox').selectAll().where('workspace_id', '=', workspaceId).where('topic', '=', 'events')
      .where('seq', '>', afterSeq).where('published_at', 'is not', null).orderBy('seq').limit(limit).execute();
    return rows.map(toOutbox);
  }
  async pruneOutbox(publishedBefore: string): Promise<number> {
    const r = await this.db.deleteFrom('outbox').where('published_at', 'is not', null).where('published_at', '<', publishedBefore).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
  async insertAttachment(row: AttachmentRecord): Promise<void> {
    await this.db.insertInto('attachments').values({
      id: row.id, workspace_id: row.workspaceId, message_id: row.messageId, connection_id: row.connectionId, provider_media_id: row.providerMediaId,
      mime_type: row.mimeType, file_name: row.fileName, size: row.size, state: row.state, error: row.error, attempts: row.attempts,
      access_key: row.accessKey, created_at: row.createdAt, updated_at: row.updatedAt,
    }).execute();
  }
  async getAttachment(id: string): Promise<AttachmentRecord | undefined> {
    const r = await this.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
    return r && {
      id: r.id, workspaceId: r.workspace_id, messageId: r.message_id, connectionId: r.connection_id, providerMediaId: r.provider_media_id,
      mimeType: r.mime_type, fileName: r.file_name, size: r.size === null ? null : Number(r.size), state: r.state as AttachmentRecord['state'],
      error: r.error, attempts: Number(r.attempts), accessKey: r.access_key, createdAt: r.created_at, updatedAt: r.updated_at,
    };
  }
  async listAttachmentIds(state: 'pending', limit: number, afterId?: string): Promise<string[]> {
    let q = this.db.selectFrom('attachments').select('id').where('state', '=', state);
    if (afterId) q = q.where('id', '>', afterId);
    return (await q.orderBy('id').limit(limit).execute()).map((r) => r.id);
  }
  async updateAttachment(id: string, patch: Partial<Pick<AttachmentRecord, 'state' | 'error' | 'attempts' | 'size' | 'mimeType' | 'fileName' | 'messageId' | 'updatedAt'>>): Promise<void> {
    const set: Partial<Selectable<AttachmentsTable>> = {};
    if (patch.state !== undefined) set.state = patch.state;
    if (patch.error !== undefined) set.error = patch.error;
    if (patch.attempts !== undefined) set.attempts = patch.attempts;
    if (patch.size !== undefined) set.size = patch.size;
    if (patch.mimeType !== undefined) set.mime_type = patch.mimeType;
    if (patch.fileName !== undefined) set.file_name = patch.fileName;
    if (patch.messageId !== undefined) set.message_id = patch.messageId;
    if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
    await this.db.updateTable('attachments').set(set).where('id', '=', id).execute();
  }
  async putBlob(key: string, bytes: Buffer, at: string): Promise<void> {
    await this.db.insertInto('media_blobs').values({ key, bytes, created_at: at }).onConflict((oc) => oc.column('key').doUpdateSet({ bytes, created_at: at })).execute();
  }
  async getBlob(key: string): Promise<Buffer | undefined> {
    const r = await this.db.selectFrom('media_blobs').select('bytes').where('key', '=', key).executeTakeFirst();
    return r ? Buffer.from(r.bytes) : undefined;
  }
  async replaceTemplates(connectionId: string, rows: TemplateRecord[]): Promise<void> {
    await this.db.deleteFrom('templates').where('connection_id', '=', connectionId).execute();
    if (rows.length === 0) return;
    await this.db.insertInto('templates').values(rows.map((r) => ({
      id: r.id, workspace_id: r.workspaceId, connection_id: r.connectionId, provider_template_id: r.providerTemplateId, name: r.name,
      language: r.language, status: r.status, category: r.category, components: json(r.components), variables: json(r.variables), body: r.body, synced_at: r.syncedAt,
    }))).execute();
  }
  async listTemplates(workspaceId: string, connectionId: string): Promise<TemplateRecord[]> {
    const rows = await this.db.selectFrom('templates').selectAll().where('workspace_id', '=', workspaceId).where('connection_id', '=', connectionId).orderBy('name').orderBy('language').execute();
    return rows.map(toTemplate);
  }
  async findTemplate(connectionId: string, name: string, language: string): Promise<TemplateRecord | undefined> {
    const r = await this.db.selectFrom('templates').selectAll().where('connection_id', '=', connectionId).where('name', '=', name).where('language', '=', language).executeTakeFirst();
    return r && toTemplate(r);
  }
  async nextSenderRotation(connectionId: string): Promise<number> {
    const r = await this.db.updateTable('connections').set((eb) => ({ sender_rotation: eb('sender_rotation', '+', 1) }))
      .where('id', '=', connectionId).returning('sender_rotation').executeTakeFirst();
    return Number(r?.sender_rotation ?? 1) - 1;
  }
  async lastSenderFor(connectionId: string, contactId: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('conversations').select('sender_address').where('connection_id', '=', connectionId).where('contact_id', '=', contactId)
      .where('sender_address', 'is not', null).orderBy('id', 'desc').limit(1).executeTakeFirst();
    return r?.sender_address ?? undefined;
  }
  async reserveToken(key: string, perSecond: number, burst: number, nowMs: number): Promise<number> {
    const now = sql`cast(${nowMs} as bigint)`;
    const rate = sql`cast(${perSecond} as double precision)`;
    const cap = sql`cast(${burst} as double precision)`;
    // refill since the last take (never negative across skewed clocks), cap at the burst, take one
    const refilled = sql`rate_buckets.tokens + (case when ${now} > rate_buckets.updated_ms then (${now} - rate_buckets.updated_ms) else 0 end) / 1000.0 * ${rate}`;
    const result = await sql<{ tokens: number | string }>`
      insert into rate_buckets (key, tokens, updated_ms) values (${key}, ${cap} - 1, ${now})
      on conflict (key) do update set
        tokens = (case when ${refilled} > ${cap} then ${cap} else ${refilled} end) - 1,
        updated_ms = case when ${now} > rate_buckets.updated_ms then ${now} else rate_buckets.updated_ms end
      returning tokens`.execute(this.db);
    const tokens = Number(result.rows[0]?.tokens ?? 0);
    return tokens >= 0 ? 0 : Math.ceil((-tokens / perSecond) * 1000);
  }
  async pauseBucket(key: string, perSecond: number, untilMs: number, nowMs: number): Promise<void> {
    const debt = -((untilMs - nowMs) / 1000) * perSecond;
    if (debt >= 0) return;
    const d = sql`cast(${debt} as double precision)`;
    const now = sql`cast(${nowMs} as bigint)`;
    await sql`
      insert into rate_buckets (key, tokens, updated_ms) values (${key}, ${d}, ${now})
      on conflict (key) do update set tokens = case when rate_buckets.tokens < ${d} then rate_buckets.tokens else ${d} end, updated_ms = ${now}`.execute(this.db);
  }
  async insertDeadLetter(row: DeadLetterRecord): Promise<void> {
    await this.db.insertInto('dead_letters').values({
      id: row.id, workspace_id: row.workspaceId, topic: row.topic, key: row.key, payload: json(row.payload), error: row.error,
      deliveries: row.deliveries, created_at: row.createdAt, replayed_at: row.replayedAt,
    }).execute();
  }
  async listDeadLetters(workspaceId: string, q: PageQuery): Promise<Page<DeadLetterRecord>> {
    let query = this.db.selectFrom('dead_letters').selectAll().where('workspace_id', '=', workspaceId);
    if (q.cursor) query = query.where('id', '<', q.cursor);
    const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute();
    return page(rows.map(toDeadLetter), q.limit);
  }
  async getDeadLetter(workspaceId: string, id: string): Promise<DeadLetterRecord | undefined> {
    const r = await this.db.selectFrom('dead_letters').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return r && toDeadLetter(r);
  }
  async markDeadLetterReplayed(id: string, at: string): Promise<void> {
    await this.db.updateTable('dead_letters').set({ replayed_at: at }).where('id', '=', id).execute();
  }
  async insertWebhookSubscription(row: WebhookSubscriptionRecord): Promise<void> {
    await this.db.insertInto('webhook_subscriptions').values({
      id: row.id, workspace_id: row.workspaceId, url: row.url, event_types: json(row.eventTypes), secret: row.secret, active: row.active ? 1 : 0,
      description: row.description, created_at: row.createdAt, updated_at: row.updatedAt,
    }).execute();
  }
  async getWebhookSubscription(workspaceId: string, id: string): Promise<WebhookSubscriptionRecord | undefined> {
    const r = await this.db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return r && toSubscription(r);
  }
  async listWebhookSubscriptions(workspaceId: string, q: PageQuery): Promise<Page<WebhookSubscriptionRecord>> {
    let query = this.db.selectFrom('webhook_subscriptions').selectAll().where('workspace_id', '=', workspaceId);
    if (q.cursor) query = query.where('id', '>', q.cursor);
    return page((await query.orderBy('id').limit(q.limit + 1).execute()).map(toSubscription), q.limit);
  }
  async activeWebhookSubscriptions(workspaceIds: string[]): Promise<WebhookSubscriptionRecord[]> {
    if (workspaceIds.length === 0) return [];
    return (await this.db.selectFrom('webhook_subscriptions').selectAll().where('workspace_id', 'in', workspaceIds).where('active', '=', 1).execute()).map(toSubscription);
  }
  async updateWebhookSubscription(workspaceId: string, id: string, patch: Partial<Pick<WebhookSubscriptionRecord, 'url' | 'eventTypes' | 'secret' | 'active' | 'description' | 'updatedAt'>>): Promise<boolean> {
    const set: Partial<Selectable<WebhookSubscriptionsTable>> = {};
    if (patch.url !== undefined) set.url = patch.url;
    if (patch.eventTypes !== undefined) set.event_types = json(patch.eventTypes);
    if (patch.secret !== undefined) set.secret = patch.secret;
    if (patch.active !== undefined) set.active = patch.active ? 1 : 0;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
    const r = await this.db.updateTable('webhook_subscriptions').set(set).where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async deleteWebhookSubscription(workspaceId: string, id: string): Promise<boolean> {
    await this.db.deleteFrom('webhook_deliveries').where('subscription_id', '=', id).where('workspace_id', '=', workspaceId).execute();
    const r = await this.db.deleteFrom('webhook_subscriptions').where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  async insertWebhookDeliveries(rows: WebhookDeliveryRecord[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.insertInto('webhook_deliveries').values(rows.map((d) => ({
      id: d.id, subscription_id: d.subscriptionId, workspace_id: d.workspaceId, event_seq: d.eventSeq, event_type: d.eventType, body: d.body,
      status: d.status, attempts: d.attempts, next_attempt_at: d.nextAttemptAt, claimed_until: null, last_status_code: d.lastStatusCode,
      last_error: d.lastError, created_at: d.createdAt, updated_at: d.updatedAt, delivered_at: d.deliveredAt,
    }))).onConflict((oc) => oc.columns(['subscription_id', 'event_seq']).doNothing()).execute();
  }
  async claimDueWebhookDeliveries(now: string, claimUntil: string, limit: number): Promise<WebhookDeliveryRecord[]> {
    const due = await this.db.selectFrom('webhook_deliveries').select('id').where('status', '=', 'pending').where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)])).orderBy('next_attempt_at').limit(limit).execute();
    const claimed: WebhookDeliveryRecord[] = [];
    for (const { id } of due) {
      const r = await this.db.updateTable('webhook_deliveries').set({ claimed_until: claimUntil }).where('id', '=', id).where('status', '=', 'pending')
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)])).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) continue;
      const row = await this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
      if (row) claimed.push(toDelivery(row));
    }
    return claimed;
  }
  async finishWebhookAttempt(id: string, patch: Pick<WebhookDeliveryRecord, 'status' | 'attempts' | 'nextAttemptAt' | 'lastStatusCode' | 'lastError' | 'deliveredAt' | 'updatedAt'>): Promise<void> {
    await this.db.updateTable('webhook_deliveries').set({
      status: patch.status, attempts: patch.attempts, next_attempt_at: patch.nextAttemptAt, last_status_code: patch.lastStatusCode,
      last_error: patch.lastError, delivered_at: patch.deliveredAt, updated_at: patch.updatedAt, claimed_until: null,
    }).where('id', '=', id).execute();
  }
  async listWebhookDeliveries(subscriptionId: string, q: PageQuery): Promise<Page<WebhookDeliveryRecord>> {
    let query = this.db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', subscriptionId);
    if (q.cursor) query = query.where('id', '<', q.cursor);
    return page((await query.orderBy('id', 'desc').limit(q.limit + 1).execute()).map(toDelivery), q.limit);
  }
  async getWebhookDelivery(workspaceId: string, id: string): Promise<WebhookDeliveryRecord | undefined> {
    const r = await this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return r && toDelivery(r);
  }
  async requeueWebhookDeliveries(workspaceId: string, filter: { id?: string; subscriptionId?: string; from?: string; to?: string }, now: string): Promise<number> {
    let q = this.db.updateTable('webhook_deliveries').set({ status: 'pending', attempts: 0, next_attempt_at: now, claimed_until: null, created_at: now, updated_at: now })
      .where('workspace_id', '=', workspaceId);
    if (filter.id) q = q.where('id', '=', filter.id);
    if (filter.subscriptionId) q = q.where('subscription_id', '=', filter.subscriptionId);
    if (filter.from) q = q.where('created_at', '>=', filter.from);
    if (filter.to) q = q.where('created_at', '<=', filter.to);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
  // agents area ---------------------------------------------------------------------------------------------------
  async insertAgent(row: AgentRecord): Promise<void> {
    await this.db.insertInto('agents').values({
      id: row.id, workspace_id: row.workspaceId, kind: row.kind, name: row.name, description: row.description, config: json(row.config),
      status: row.status, status_reason: row.statusReason, created_at: row.createdAt, updated_at: row.updatedAt,
    }).execute();
  }
  async getAgent(workspaceId: string, id: string): Promise<AgentRecord | undefined> {
    const r = await this.db.selectFrom('agents').selectAll().where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return r && toAgent(r);
  }
  async listAgents(workspaceId: string, q: PageQuery): Promise<Page<AgentRecord>> {
    let query = this.db.selectFrom('agents').selectAll().where('workspace_id', '=', workspaceId);
    if (q.cursor) query = query.where('id', '>', q.cursor);
    return page((await query.orderBy('id').limit(q.limit + 1).execute()).map(toAgent), q.limit);
  }
  async listAgentsByStatus(statuses: ConnectionStatus[]): Promise<AgentRecord[]> {
    return (await this.db.selectFrom('agents').selectAll().where('status', 'in', statuses).orderBy('id').execute()).map(toAgent);
  }
  async updateAgent(workspaceId: string, id: string, patch: Partial<Pick<AgentRecord, 'name' | 'description' | 'config' | 'updatedAt'>>): Promise<boolean> {
    const set: Partial<Selectable<AgentsTable>> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.config !== undefined) set.config = json(patch.config);
    if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
    const r = await this.db.updateTable('agents').set(set).where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async setAgentStatus(id: string, status: ConnectionStatus, reason: string | null, at: string, from?: ConnectionStatus[]): Promise<boolean> {
    let q = this.db.updateTable('agents').set({ status, status_reason: reason, updated_at: at }).where('id', '=', id);
    if (from) q = q.where('status', 'in', from);
    return Number((await q.executeTakeFirst()).numUpdatedRows) > 0;
  }
  async deleteAgent(workspaceId: string, id: string): Promise<boolean> {
    if (!(await this.getAgent(workspaceId, id))) return false;
    for (const table of ['agent_connections', 'agent_sessions', 'agent_turns'] as const) await this.db.deleteFrom(table).where('agent_id', '=', id).execute();
    const r = await this.db.deleteFrom('agents').where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  async listAgentConnections(agentId: string): Promise<AgentConnectionRecord[]> {
    return (await this.db.selectFrom('agent_connections').selectAll().where('agent_id', '=', agentId).orderBy('connection_id').execute()).map(toAgentConnection);
  }
  async getAgentConnection(agentId: string, connectionId: string): Promise<AgentConnectionRecord | undefined> {
    const r = await this.db.selectFrom('agent_connections').selectAll().where('agent_id', '=', agentId).where('connection_id', '=', connectionId).executeTakeFirst();
    return r && toAgentConnection(r);
  }
  async setAgentConnections(workspaceId: string, agentId: string, rows: Array<{ connectionId: string; inbound: boolean }>, at: string): Promise<void> {
    // detach first (and give up inbound), so that moving inbound between rows of this agent never trips the index
    await this.db.updateTable('agent_connections').set({ attached: 0, inbound: 0, updated_at: at }).where('agent_id', '=', agentId).execute();
    // rows neither wanted nor applied are gone for good
    await this.db.deleteFrom('agent_connections').where('agent_id', '=', agentId).where('active_attached', '=', 0).where('active_inbound', '=', 0).execute();
    for (const row of rows) {
      await this.db.insertInto('agent_connections').values({
        id: `${agentId}:${row.connectionId}`, workspace_id: workspaceId, agent_id: agentId, connection_id: row.connectionId, attached: 1, inbound: row.inbound ? 1 : 0,
        active_attached: 0, active_inbound: 0, created_at: at, updated_at: at,
      }).onConflict((oc) => oc.columns(['agent_id', 'connection_id']).doUpdateSet({ attached: 1, inbound: row.inbound ? 1 : 0, updated_at: at })).execute();
    }
  }
  async findInboundHolder(connectionId: string, exceptAgentId: string): Promise<{ id: string; name: string } | undefined> {
    const r = await this.db.selectFrom('agent_connections').innerJoin('agents', 'agents.id', 'agent_connections.agent_id').select(['agents.id', 'agents.name'])
      .where('agent_connections.connection_id', '=', connectionId).where('agent_connections.inbound', '=', 1).where('agent_connections.agent_id', '!=', exceptAgentId).executeTakeFirst();
    return r && { id: r.id, name: r.name };
  }
  async applyAgentConnections(agentId: string, at: string): Promise<void> {
    const mine = this.db.selectFrom('agent_connections').select('connection_id').where('agent_id', '=', agentId).where('inbound', '=', 1);
    await this.db.updateTable('agent_connections').set({ active_inbound: 0, updated_at: at })
      .where('agent_id', '!=', agentId).where('active_inbound', '=', 1).where('connection_id', 'in', mine).execute();
    await this.db.deleteFrom('agent_connections').where('agent_id', '=', agentId).where('attached', '=', 0).execute();
    await this.db.updateTable('agent_connections').set((eb) => ({ active_attached: eb.ref('attached'), active_inbound: eb.ref('inbound'), updated_at: at })).where('agent_id', '=', agentId).execute();
  }
  async findActiveInboundAgent(workspaceId: string, connectionId: string): Promise<string | undefined> {
    const r = await this.db.selectFrom('agent_connections').innerJoin('agents', 'agents.id', 'agent_connections.agent_id').select('agents.id')
      .where('agent_connections.connection_id', '=', connectionId).where('agent_connections.active_inbound', '=', 1)
      .where('agents.workspace_id', '=', workspaceId).where('agents.status', '=', 'RUNNING').executeTakeFirst();
    return r?.id;
  }
  async getAgentSession(agentId: string, conversationId: string): Promise<AgentSessionRecord | undefined> {
    const r = await this.db.selectFrom('agent_sessions').selectAll().where('agent_id', '=', agentId).where('conversation_id', '=', conversationId).executeTakeFirst();
    return r && {
      id: r.id, workspaceId: r.workspace_id, agentId: r.agent_id, conversationId: r.conversation_id, state: parseJson<Record<string, unknown>>(r.state),
      turns: Number(r.turns), createdAt: r.created_at, updatedAt: r.updated_at,
    };
  }
  async saveAgentSession(row: AgentSessionRecord): Promise<void> {
    await this.db.insertInto('agent_sessions').values({
      id: row.id, workspace_id: row.workspaceId, agent_id: row.agentId, conversation_id: row.conversationId, state: json(row.state), turns: row.turns,
      created_at: row.createdAt, updated_at: row.updatedAt,
    }).onConflict((oc) => oc.columns(['agent_id', 'conversation_id']).doUpdateSet({ state: json(row.state), turns: row.turns, updated_at: row.updatedAt })).execute();
  }
  async claimAgentTurn(row: AgentTurnRecord, staleBefore: string): Promise<AgentTurnClaim> {
    const inserted = await this.db.insertInto('agent_turns').values({
      id: row.id, workspace_id: row.workspaceId, agent_id: row.agentId, message_id: row.messageId, conversation_id: row.conversationId, status: 'running',
      outcome: null, started_at: row.startedAt, finished_at: null,
    }).onConflict((oc) => oc.columns(['agent_id', 'message_id']).doNothing()).executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return { kind: 'claimed', turn: { ...row, status: 'running', outcome: null, finishedAt: null } };
    const existing = await this.db.selectFrom('agent_turns').selectAll().where('agent_id', '=', row.agentId).where('message_id', '=', row.messageId).executeTakeFirst();
    if (!existing) return { kind: 'busy' };
    if (existing.status === 'done') return { kind: 'done', turn: toAgentTurn(existing) };
    if (existing.started_at >= staleBefore) return { kind: 'busy' };
    // a worker died mid-turn: take it over (compare-and-set on the start time)
    const taken = await this.db.updateTable('agent_turns').set({ started_at: row.startedAt }).where('id', '=', existing.id).where('status', '=', 'running')
      .where('started_at', '=', existing.started_at).executeTakeFirst();
    return Number(taken.numUpdatedRows) > 0 ? { kind: 'claimed', turn: { ...toAgentTurn(existing), startedAt: row.startedAt } } : { kind: 'busy' };
  }
  async finishAgentTurn(id: string, outcome: Record<string, unknown>, at: string): Promise<void> {
    await this.db.updateTable('agent_turns').set({ status: 'done', outcome: json(outcome), finished_at: at }).where('id', '=', id).execute();
  }
  async releaseAgentTurn(id: string): Promise<void> {
    await this.db.deleteFrom('agent_turns').where('id', '=', id).where('status', '=', 'running').execute();
  }
  async listRecentMessages(conversationId: string, limit: number): Promise<MessageRecord[]> {
    const rows = await this.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toMessage).reverse();
  }
  async replaceMessageMetadata(id: string, metadata: Record<string, unknown>): Promise<void> {
    await this.db.updateTable('messages').set({ metadata: json(metadata) }).where('id', '=', id).execute();
  }

  async countQueued(): Promise<{ outboundQueued: number; inboundPending: number; outboxUnpublished: number }> {
    const count = sql<number>`count(*)`;
    const [a, b, c] = await Promise.all([
      this.db.selectFrom('messages').select(count.as('n')).where('status', '=', 'queued').executeTakeFirst(),
      this.db.selectFrom('inbound_events').select(count.as('n')).where('status', '=', 'pending').executeTakeFirst(),
      this.db.selectFrom('outbox').select(count.as('n')).where('published_at', 'is', null).executeTakeFirst(),
    ]);
    return { outboundQueued: Number(a?.n ?? 0), inboundPending: Number(b?.n ?? 0), outboxUnpublished: Number(c?.n ?? 0) };
  }
}

function openKey(connectionId: string, contactId: string, threadKey: string | null): string {
  return `${connectionId}:${contactId}:${threadKey ?? ''}`;
}

export class KyselyStore extends KyselyOps implements Store {
  constructor(
    /** the query builder, for whole-database tools (export/import) */
    readonly kysely: Kysely<Database>,
    readonly dialect: Dialect,
    /** performance area: native statements for the hot inbound path, used inside transactions only */
    private readonly txHot?: HotStatements,
    /** performance area: a dialect's own way to run a durable transaction (store/sqlite: async WAL sync) */
    private readonly runTransaction?: <T>(body: (db: Kysely<Database>) => Promise<T>) => Promise<T>,
  ) {
    super(kysely);
  }

  transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> {
    if (this.runTransaction) return this.runTransaction((db) => fn(new KyselyOps(db, this.txHot))); // performance area
    return this.kysely.transaction().execute((trx) => fn(new KyselyOps(trx, this.txHot)));
  }

  async migrate(): Promise<void> {
    const migrator = new Migrator({ db: this.kysely, provider: migrationProvider(this.dialect) });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.kysely);
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.kysely.destroy();
  }
}
