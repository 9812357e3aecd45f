/**
 * @module store/sqlite/hot-statements
 * The inbound pipeline's per-message statements as prepared better-sqlite3 statements (see store/sql/hot-statements):
 * same SQL meaning as the Kysely versions in the store/sql query modules, prepared once, bound per call.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { Selectable } from 'kysely';
import type { HotStatements, InboundEventValues, MessageValues, OutboxValues } from '../sql/hot-statements.js';
import type { ContactIdentitiesTable, ContactsTable, ConversationsTable } from '../sql/schema.js';

export class SqliteHotStatements implements HotStatements {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  /** prepared on first use (the tables exist only after the migrations ran) */
  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  insertInboundEvent(row: InboundEventValues): boolean {
    return (
      this.stmt(
        'insert into inbound_events (id, workspace_id, connection_id, event_key, method, url, headers, body, status, error, received_at, processed_at) ' +
          'values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (connection_id, event_key) do nothing',
      ).run(
        row.id,
        row.workspace_id,
        row.connection_id,
        row.event_key,
        row.method,
        row.url,
        row.headers,
        row.body,
        row.status,
        row.error,
        row.received_at,
        row.processed_at,
      ).changes > 0
    );
  }

  finishInboundEvent(id: string, status: string, error: string | null, at: string): boolean {
    return (
      this.stmt(
        "update inbound_events set status = ?, error = ?, processed_at = ? where id = ? and status = 'pending'",
      ).run(status, error, at, id).changes > 0
    );
  }

  findIdentity(
    workspaceId: string,
    channelType: string,
    address: string,
  ): Selectable<ContactIdentitiesTable> | undefined {
    return this.stmt(
      'select * from contact_identities where workspace_id = ? and channel_type = ? and address = ?',
    ).get(workspaceId, channelType, address) as Selectable<ContactIdentitiesTable> | undefined;
  }

  getContact(workspaceId: string, id: string): Selectable<ContactsTable> | undefined {
    return this.stmt('select * from contacts where id = ? and workspace_id = ?').get(id, workspaceId) as
      Selectable<ContactsTable> | undefined;
  }

  findOpenConversation(openKey: string): Selectable<ConversationsTable> | undefined {
    return this.stmt('select * from conversations where open_key = ?').get(openKey) as
      Selectable<ConversationsTable> | undefined;
  }

  insertMessage(row: MessageValues): boolean {
    return (
      this.stmt(
        'insert into messages (id, workspace_id, conversation_id, connection_id, channel_type, direction, from_addr, to_addr, content, status, status_detail, ' +
          'provider_message_id, timestamp, edited_at, metadata, attempts, next_attempt_at, send_started_at, created_at) ' +
          'values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, null, ?, 0, null, null, ?) on conflict (connection_id, provider_message_id) do nothing',
      ).run(
        row.id,
        row.workspace_id,
        row.conversation_id,
        row.connection_id,
        row.channel_type,
        row.direction,
        row.from_addr,
        row.to_addr,
        row.content,
        row.status,
        row.provider_message_id,
        row.timestamp,
        row.metadata,
        row.created_at,
      ).changes > 0
    );
  }

  incrementUnread(id: string, at: string, preview: string, windowExpiresAt: string | null): void {
    if (windowExpiresAt) {
      this.stmt(
        'update conversations set unread_count = unread_count + 1, last_message_at = ?, last_message_preview = ?, updated_at = ?, last_inbound_at = ?, window_expires_at = ? where id = ?',
      ).run(at, preview, at, at, windowExpiresAt, id);
    } else {
      this.stmt(
        'update conversations set unread_count = unread_count + 1, last_message_at = ?, last_message_preview = ?, updated_at = ?, last_inbound_at = ? where id = ?',
      ).run(at, preview, at, at, id);
    }
  }

  insertOutbox(rows: OutboxValues[]): void {
    const insert = this.stmt(
      'insert into outbox (topic, key, workspace_id, payload, created_at, published_at) values (?, ?, ?, ?, ?, null)',
    );
    for (const r of rows) insert.run(r.topic, r.key, r.workspace_id, r.payload, r.created_at);
  }
}
