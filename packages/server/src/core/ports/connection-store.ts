/**
 * @module core/ports/connection-store
 * Connections (a configured channel account), their log, the provider templates synced for them, and the sender
 * rotation over their numbers. Implemented in store/sql/connection-queries.ts.
 */
import type { ProviderTemplate } from '../../channel-kit/index.js';
import type { Page, PageQuery } from './records.js';

export const CONNECTION_STATUSES = ['STOPPED', 'STARTING', 'RUNNING', 'STOPPING', 'ERROR'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

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

export interface ConnectionLogRecord {
  id: string;
  connectionId: string;
  level: 'info' | 'warn' | 'error';
  event: string;
  message: string;
  at: string;
}

/** a provider's template as synced into the hub (channel-kit ProviderTemplate, whose `id` is the provider's) */
export interface TemplateRecord extends Omit<ProviderTemplate, 'id'> {
  id: string;
  workspaceId: string;
  connectionId: string;
  providerTemplateId: string;
  syncedAt: string;
}

export interface ConnectionStoreOps {
  insertConnection(row: ConnectionRecord): Promise<void>;
  getConnection(workspaceId: string, id: string): Promise<ConnectionRecord | undefined>;
  /** unscoped: only for provider webhooks, which name the connection in the URL */
  getConnectionUnscoped(id: string): Promise<ConnectionRecord | undefined>;
  listConnections(workspaceId: string, page: PageQuery): Promise<Page<ConnectionRecord>>;
  /** every connection the workers should run at boot */
  listConnectionsByStatus(statuses: ConnectionStatus[]): Promise<ConnectionRecord[]>;
  updateConnection(
    workspaceId: string,
    id: string,
    patch: Partial<Pick<ConnectionRecord, 'name' | 'description' | 'config' | 'deprecated' | 'updatedAt'>>,
  ): Promise<boolean>;
  /** moves the status; with `from`, only when the current status is one of them (compare-and-set) */
  setConnectionStatus(
    id: string,
    status: ConnectionStatus,
    reason: string | null,
    at: string,
    from?: ConnectionStatus[],
  ): Promise<boolean>;
  /** where a listening connection (long poll, mailbox) resumes: the provider's cursor, kept per connection */
  getListenCursor(connectionId: string): Promise<string | undefined>;
  setListenCursor(connectionId: string, cursor: string): Promise<void>;
  /** removes the connection with its log */
  deleteConnection(workspaceId: string, id: string): Promise<boolean>;
  insertConnectionLog(row: ConnectionLogRecord): Promise<void>;
  /** newest first */
  listConnectionLogs(connectionId: string, page: PageQuery): Promise<Page<ConnectionLogRecord>>;

  /** replaces the connection's templates with the provider's current list */
  replaceTemplates(connectionId: string, rows: TemplateRecord[]): Promise<void>;
  listTemplates(workspaceId: string, connectionId: string): Promise<TemplateRecord[]>;
  findTemplate(connectionId: string, name: string, language: string): Promise<TemplateRecord | undefined>;
  /** atomically advances the connection's sender rotation, returning the value before the increment */
  nextSenderRotation(connectionId: string): Promise<number>;
}
