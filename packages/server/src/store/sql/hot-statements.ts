/**
 * @module store/sql/hot-statements
 * The statements the inbound pipeline runs for every webhook and every message, as a narrow port a dialect may
 * implement natively (store/sqlite does, with prepared better-sqlite3 statements: ~4 µs a statement instead of
 * ~30–50 µs through Kysely's builder, compiler and executor). Used only inside a transaction, where the caller
 * owns the connection. Rows come back exactly as `select *` returns them, so the Kysely mappers stay the one
 * place that turns rows into records.
 */
import type { Selectable } from 'kysely';
import type { ContactIdentitiesTable, ContactsTable, ConversationsTable } from './schema.js';

export interface InboundEventValues {
  id: string;
  workspace_id: string;
  connection_id: string;
  event_key: string | null;
  method: string;
  url: string;
  headers: string;
  body: Buffer;
  status: string;
  error: string | null;
  received_at: string;
  processed_at: string | null;
}
export interface MessageValues {
  id: string;
  workspace_id: string;
  conversation_id: string;
  connection_id: string;
  channel_type: string;
  direction: string;
  from_addr: string;
  to_addr: string;
  content: string;
  status: string;
  provider_message_id: string | null;
  timestamp: string;
  metadata: string;
  created_at: string;
}
export interface OutboxValues {
  topic: string;
  key: string;
  workspace_id: string | null;
  payload: string;
  created_at: string;
}

export interface HotStatements {
  /** insert-or-ignore on (connection_id, event_key); true when inserted */
  insertInboundEvent(row: InboundEventValues): boolean;
  /** compare-and-set from pending */
  finishInboundEvent(id: string, status: string, error: string | null, at: string): boolean;
  findIdentity(
    workspaceId: string,
    channelType: string,
    address: string,
  ): Selectable<ContactIdentitiesTable> | undefined;
  getContact(workspaceId: string, id: string): Selectable<ContactsTable> | undefined;
  findOpenConversation(openKey: string): Selectable<ConversationsTable> | undefined;
  /** insert-or-ignore on (connection_id, provider_message_id); true when inserted */
  insertMessage(row: MessageValues): boolean;
  incrementUnread(id: string, at: string, preview: string, windowExpiresAt: string | null): void;
  insertOutbox(rows: OutboxValues[]): void;
}
