/**
 * @module store/sql/conversation-queries
 * The ConversationStoreOps port (core/ports/conversation-store.ts) over Kysely, for both dialects: conversations
 * and their messages, message status events and the send lifecycle of outbound messages. Inside a transaction the
 * inbound pipeline's statements take the dialect's native statements when it has them (store/sql/hot-statements.ts).
 */
import { PostgresAdapter, sql, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type { MessageStatus, StatusDetail } from '../../model/index.js';
import type {
  ConversationFilter,
  ConversationHandler,
  ConversationRecord,
  ConversationStoreOps,
  MessageRecord,
  NewMessage,
  Page,
  PageQuery,
  QueuedMessageRef,
  StatusEventRecord,
} from '../../core/ports/index.js';
import type { ConversationsTable, MessagesTable } from './schema.js';
import { Queries, json, parseJson, type Db } from './queries.js';
import { page } from './pagination.js';

/** the routing columns of a conversation row (written through core/ports/routing-store.ts) */
function conversationRoutingFields(
  r: Pick<Selectable<ConversationsTable>, 'handler' | 'agent_id' | 'team_id' | 'tags'>,
): Pick<ConversationRecord, 'handler' | 'agentId' | 'teamId' | 'tags'> {
  return {
    handler: (r.handler as ConversationHandler | null) ?? null,
    agentId: r.agent_id ?? null,
    teamId: r.team_id ?? null,
    tags: r.tags ? (JSON.parse(r.tags) as string[]) : [],
  };
}

/** the one mapper of conversation rows, routing fields included (store/sql/routing-queries.ts reads conversations too) */
export function toConversation(r: Selectable<ConversationsTable>): ConversationRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    contactId: r.contact_id,
    connectionId: r.connection_id,
    channelType: r.channel_type,
    address: r.address,
    threadKey: r.thread_key,
    status: r.status as ConversationRecord['status'],
    assigneeId: r.assignee_id,
    senderAddress: r.sender_address,
    windowExpiresAt: r.window_expires_at,
    lastInboundAt: r.last_inbound_at,
    lastBusinessTemplateAt: r.last_business_template_at,
    lastMessageAt: r.last_message_at,
    lastMessagePreview: r.last_message_preview,
    unreadCount: Number(r.unread_count),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.subject ? { subject: r.subject } : {}),
    ...conversationRoutingFields(r),
  };
}

function toMessage(r: Selectable<MessagesTable>): MessageRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    conversationId: r.conversation_id,
    connectionId: r.connection_id,
    channelType: r.channel_type,
    direction: r.direction as MessageRecord['direction'],
    from: r.from_addr,
    to: r.to_addr,
    content: parseJson<MessageRecord['content']>(r.content),
    status: r.status as MessageStatus,
    statusDetail: parseJson<StatusDetail | null>(r.status_detail),
    // only once the status moved: a record written before (or without) a status change reads as it was stored
    ...(r.status_at ? { statusAt: r.status_at } : {}),
    providerMessageId: r.provider_message_id,
    timestamp: r.timestamp,
    editedAt: r.edited_at,
    metadata: parseJson<Record<string, unknown>>(r.metadata),
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
    sendStartedAt: r.send_started_at,
    createdAt: r.created_at,
  };
}

function openKey(connectionId: string, contactId: string, threadKey: string | null): string {
  return `${connectionId}:${contactId}:${threadKey ?? ''}`;
}

export class ConversationQueries extends Queries implements ConversationStoreOps {
  async findOpenConversation(
    connectionId: string,
    contactId: string,
    threadKey: string | null,
  ): Promise<ConversationRecord | undefined> {
    const r = this.hot
      ? this.hot.findOpenConversation(openKey(connectionId, contactId, threadKey))
      : await this.db
          .selectFrom('conversations')
          .selectAll()
          .where('open_key', '=', openKey(connectionId, contactId, threadKey))
          .executeTakeFirst();
    return r && toConversation(r);
  }
  async insertConversation(row: ConversationRecord): Promise<boolean> {
    const r = await this.db
      .insertInto('conversations')
      .values({
        id: row.id,
        workspace_id: row.workspaceId,
        contact_id: row.contactId,
        connection_id: row.connectionId,
        channel_type: row.channelType,
        address: row.address,
        thread_key: row.threadKey,
        status: row.status,
        open_key: row.status === 'resolved' ? null : openKey(row.connectionId, row.contactId, row.threadKey),
        assignee_id: row.assigneeId,
        sender_address: row.senderAddress,
        window_expires_at: row.windowExpiresAt,
        last_inbound_at: row.lastInboundAt,
        last_business_template_at: row.lastBusinessTemplateAt,
        last_message_at: row.lastMessageAt,
        last_message_preview: row.lastMessagePreview,
        unread_count: row.unreadCount,
        created_at: row.createdAt,
        updated_at: row.updatedAt,
        subject: row.subject ?? null,
      })
      .onConflict((oc) => oc.column('open_key').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
  async findConversationBySubject(
    connectionId: string,
    contactId: string,
    subject: string,
    since: string,
  ): Promise<ConversationRecord | undefined> {
    const r = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('contact_id', '=', contactId)
      .where('subject', '=', subject)
      .where((eb) => eb(eb.fn.coalesce('last_message_at', 'created_at'), '>=', since))
      // an open one first (the fallback joins it), else the latest
      .orderBy(sql`case when open_key is null then 1 else 0 end`)
      .orderBy(sql`coalesce(last_message_at, created_at)`, 'desc')
      .limit(1)
      .executeTakeFirst();
    return r && toConversation(r);
  }
  async setThreadKey(id: string, threadKey: string): Promise<boolean> {
    const row = await this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || row.thread_key !== null) return false;
    const key = openKey(row.connection_id, row.contact_id, threadKey);
    // checked first rather than caught: a failed statement would abort a PostgreSQL transaction around this call
    if (row.open_key !== null && (await this.findOpenConversation(row.connection_id, row.contact_id, threadKey)))
      return false;
    const r = await this.db
      .updateTable('conversations')
      .set({ thread_key: threadKey, ...(row.open_key !== null ? { open_key: key } : {}) })
      .where('id', '=', id)
      .where('thread_key', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async getConversation(workspaceId: string, id: string): Promise<ConversationRecord | undefined> {
    const r = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return r && toConversation(r);
  }
  async listConversations(
    workspaceId: string,
    filter: ConversationFilter,
    q: PageQuery,
  ): Promise<Page<ConversationRecord>> {
    let query = this.db.selectFrom('conversations').selectAll().where('workspace_id', '=', workspaceId);
    if (filter.contactId) query = query.where('contact_id', '=', filter.contactId);
    if (filter.connectionId) query = query.where('connection_id', '=', filter.connectionId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.text?.trim()) {
      const said = messagesSaying(this.db, workspaceId, filter.text.trim());
      query = query.where((eb) => eb('id', 'in', said));
    }
    if (q.cursor) query = query.where('id', '<', q.cursor);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    return page(rows.map(toConversation), q.limit);
  }
  async updateConversation(
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
  ): Promise<void> {
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
      await this.db
        .updateTable('conversations')
        .set((eb) => ({
          ...set,
          open_key: sql<string>`${eb.ref('connection_id')} || ':' || ${eb.ref('contact_id')} || ':' || coalesce(${eb.ref('thread_key')}, '')`,
        }))
        .where('id', '=', id)
        .execute();
      return;
    }
    await this.db.updateTable('conversations').set(set).where('id', '=', id).execute();
  }
  async incrementUnread(id: string, at: string, preview: string, windowExpiresAt: string | null): Promise<void> {
    if (this.hot) return this.hot.incrementUnread(id, at, preview, windowExpiresAt);
    await this.db
      .updateTable('conversations')
      .set((eb) => ({
        unread_count: eb('unread_count', '+', 1),
        last_message_at: at,
        last_message_preview: preview,
        updated_at: at,
        last_inbound_at: at,
        ...(windowExpiresAt ? { window_expires_at: windowExpiresAt } : {}),
      }))
      .where('id', '=', id)
      .execute();
  }
  async lastSenderFor(connectionId: string, contactId: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('conversations')
      .select('sender_address')
      .where('connection_id', '=', connectionId)
      .where('contact_id', '=', contactId)
      .where('sender_address', 'is not', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r?.sender_address ?? undefined;
  }
  async insertMessage(row: NewMessage & { createdAt: string }): Promise<boolean> {
    if (this.hot) {
      return this.hot.insertMessage({
        id: row.id,
        workspace_id: row.workspaceId,
        conversation_id: row.conversationId,
        connection_id: row.connectionId,
        channel_type: row.channelType,
        direction: row.direction,
        from_addr: row.from,
        to_addr: row.to,
        content: json(row.content),
        status: row.status,
        provider_message_id: row.providerMessageId,
        timestamp: row.timestamp,
        metadata: json(row.metadata),
        created_at: row.createdAt,
      });
    }
    const r = await this.db
      .insertInto('messages')
      .values({
        id: row.id,
        workspace_id: row.workspaceId,
        conversation_id: row.conversationId,
        connection_id: row.connectionId,
        channel_type: row.channelType,
        direction: row.direction,
        from_addr: row.from,
        to_addr: row.to,
        content: json(row.content),
        status: row.status,
        status_detail: null,
        provider_message_id: row.providerMessageId,
        timestamp: row.timestamp,
        edited_at: null,
        metadata: json(row.metadata),
        attempts: 0,
        next_attempt_at: null,
        send_started_at: null,
        created_at: row.createdAt,
      })
      .onConflict((oc) => oc.columns(['connection_id', 'provider_message_id']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
  async getMessage(workspaceId: string, id: string): Promise<MessageRecord | undefined> {
    const r = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return r && toMessage(r);
  }
  async getMessageUnscoped(id: string): Promise<MessageRecord | undefined> {
    const r = await this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toMessage(r);
  }
  async findMessageByProviderId(connectionId: string, providerMessageId: string): Promise<MessageRecord | undefined> {
    const r = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('provider_message_id', '=', providerMessageId)
      .executeTakeFirst();
    return r && toMessage(r);
  }
  async listMessages(conversationId: string, q: PageQuery): Promise<Page<MessageRecord>> {
    let query = this.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
    if (q.cursor) query = query.where('id', '>', q.cursor);
    const rows = await query
      .orderBy('id')
      .limit(q.limit + 1)
      .execute();
    return page(rows.map(toMessage), q.limit);
  }
  async listRecentMessages(conversationId: string, limit: number): Promise<MessageRecord[]> {
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toMessage).reverse();
  }
  async lastInboundMessage(conversationId: string): Promise<MessageRecord | undefined> {
    const r = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'inbound')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r && toMessage(r);
  }
  async replaceMessageContent(id: string, content: MessageRecord['content']): Promise<void> {
    await this.db
      .updateTable('messages')
      .set({ content: json(content) })
      .where('id', '=', id)
      .execute();
  }
  async editMessageContent(id: string, content: MessageRecord['content'], editedAt: string): Promise<void> {
    await this.db
      .updateTable('messages')
      .set({ content: json(content), edited_at: editedAt })
      .where('id', '=', id)
      .execute();
  }
  async replaceMessageMetadata(id: string, metadata: Record<string, unknown>): Promise<void> {
    await this.db
      .updateTable('messages')
      .set({ metadata: json(metadata) })
      .where('id', '=', id)
      .execute();
  }
  async keepDeletedContent(id: string, content: MessageRecord['content']): Promise<void> {
    await this.db
      .updateTable('messages')
      .set({ deleted_content: json(content) })
      .where('id', '=', id)
      .execute();
  }
  async deletedContent(workspaceId: string, id: string): Promise<MessageRecord['content'] | undefined> {
    const r = await this.db
      .selectFrom('messages')
      .select('deleted_content')
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return r?.deleted_content ? (JSON.parse(r.deleted_content) as MessageRecord['content']) : undefined;
  }
  async claimForSend(id: string, at: string): Promise<boolean> {
    const r = await this.db
      .updateTable('messages')
      .set((eb) => ({ send_started_at: at, attempts: eb('attempts', '+', 1), next_attempt_at: null }))
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .where('send_started_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async markSent(id: string, providerMessageId: string, from: string | null, at: string): Promise<void> {
    await this.db
      .updateTable('messages')
      .set({
        status: 'sent',
        status_at: at,
        provider_message_id: providerMessageId,
        send_started_at: null,
        status_detail: null,
        ...(from ? { from_addr: from } : {}),
      })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
  }
  async scheduleRetry(id: string, nextAttemptAt: string, detail: StatusDetail): Promise<void> {
    await this.db
      .updateTable('messages')
      .set({ send_started_at: null, next_attempt_at: nextAttemptAt, status_detail: json(detail) })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
  }
  async applyStatus(
    id: string,
    status: MessageStatus,
    detail: StatusDetail | null,
    allowedFrom: MessageStatus[],
    at: string,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('messages')
      .set({ status, status_at: at, status_detail: detail ? json(detail) : null, send_started_at: null })
      .where('id', '=', id)
      .where('status', 'in', allowedFrom)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async insertStatusEvent(row: StatusEventRecord): Promise<void> {
    await this.db
      .insertInto('message_status_events')
      .values({
        id: row.id,
        message_id: row.messageId,
        connection_id: row.connectionId,
        provider_message_id: row.providerMessageId,
        status: row.status,
        detail: row.detail ? json(row.detail) : null,
        occurred_at: row.occurredAt,
        applied: row.applied ? 1 : 0,
      })
      .execute();
  }
  async listOrphanStatusEvents(connectionId: string, providerMessageId: string): Promise<StatusEventRecord[]> {
    const rows = await this.db
      .selectFrom('message_status_events')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('provider_message_id', '=', providerMessageId)
      .where('applied', '=', 0)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      messageId: r.message_id,
      connectionId: r.connection_id,
      providerMessageId: r.provider_message_id,
      status: r.status as MessageStatus,
      detail: parseJson<StatusDetail | null>(r.detail),
      occurredAt: r.occurred_at,
      applied: Boolean(r.applied),
    }));
  }
  async markStatusEventsApplied(ids: string[], messageId: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('message_status_events')
      .set({ applied: 1, message_id: messageId })
      .where('id', 'in', ids)
      .execute();
  }
  async takeDueRetry(id: string, now: string): Promise<boolean> {
    const r = await this.db
      .updateTable('messages')
      .set({ next_attempt_at: null })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .where('send_started_at', 'is', null)
      .where('next_attempt_at', '<=', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async setFallbackDue(id: string, at: string | null): Promise<void> {
    await this.db
      .updateTable('messages')
      .set({ next_attempt_at: at })
      .where('id', '=', id)
      .where('status', '=', 'sent')
      .execute();
  }
  async listDueFallbacks(now: string, limit: number): Promise<QueuedMessageRef[]> {
    const rows = await this.db
      .selectFrom('messages')
      .select(['id', 'connection_id', 'from_addr'])
      .where('status', '=', 'sent')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, connectionId: r.connection_id, from: r.from_addr }));
  }
  async takeDueFallback(id: string, now: string, leaseUntil: string): Promise<boolean> {
    const r = await this.db
      .updateTable('messages')
      .set({ next_attempt_at: leaseUntil })
      .where('id', '=', id)
      .where('status', '=', 'sent')
      .where('next_attempt_at', '<=', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async listDueRetries(now: string, limit: number): Promise<QueuedMessageRef[]> {
    const rows = await this.db
      .selectFrom('messages')
      .select(['id', 'connection_id', 'from_addr'])
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', now)
      .where('send_started_at', 'is', null)
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, connectionId: r.connection_id, from: r.from_addr }));
  }
  async listQueuedMessageIds(
    connectionId: string | null,
    limit: number,
    afterId?: string,
  ): Promise<QueuedMessageRef[]> {
    let q = this.db
      .selectFrom('messages')
      .select(['id', 'connection_id', 'from_addr'])
      .where('status', '=', 'queued')
      .where('send_started_at', 'is', null);
    if (connectionId) q = q.where('connection_id', '=', connectionId);
    if (afterId) q = q.where('id', '>', afterId);
    const rows = await q.orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, connectionId: r.connection_id, from: r.from_addr }));
  }
  async listInterruptedSends(
    before: string,
    limit: number,
  ): Promise<Array<{ id: string; workspaceId: string; conversationId: string }>> {
    const rows = await this.db
      .selectFrom('messages')
      .select(['id', 'workspace_id', 'conversation_id'])
      .where('status', '=', 'queued')
      .where('send_started_at', 'is not', null)
      .where('send_started_at', '<', before)
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id, conversationId: r.conversation_id }));
  }
}

/**
 * The conversations (ids) of a workspace's messages whose words contain `text`: the text of a text message, a
 * media caption, a transcript in the metadata (a call's utterance, a voice message transcribed). The words are
 * read out of the JSON text columns, so a JSON key ("type", "media") never matches. SQLite's lower() folds ASCII
 * only (https://www.sqlite.org/lang_corefunc.html#lower); PostgreSQL's folds every letter.
 */
function messagesSaying(db: Db, workspaceId: string, text: string) {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const field = (column: 'content' | 'metadata', path: string[]): RawBuilder<string | null> =>
    pg
      ? sql`(cast(${sql.ref(column)} as jsonb) #>> ${`{${path.join(',')}}`})`
      : sql`json_extract(${sql.ref(column)}, ${`$.${path.map((p) => `"${p}"`).join('.')}`})`;
  const words = [field('content', ['text']), field('content', ['media', 'caption']), field('metadata', ['transcript'])];
  const matches = sql<SqlBool>`(${sql.join(
    words.map((w) => sql`lower(coalesce(${w}, '')) like ${pattern} escape '\\'`),
    sql` or `,
  )})`;
  return db
    .selectFrom('messages')
    .select('conversation_id')
    .where('workspace_id', '=', workspaceId)
    .where(field('metadata', ['deletedByCustomer']), 'is', null)
    .where(matches);
}
