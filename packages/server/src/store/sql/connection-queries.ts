/**
 * @module store/sql/connection-queries
 * The ConnectionStoreOps port (core/ports/connection-store.ts) over Kysely, for both dialects: connections, their
 * log, their synced provider templates and their sender rotation.
 */
import type { Selectable } from 'kysely';
import type {
  ConnectionLogRecord,
  ConnectionRecord,
  ConnectionStatus,
  ConnectionStoreOps,
  Page,
  PageQuery,
  TemplateRecord,
} from '../../core/ports/index.js';
import type { ConnectionsTable, TemplatesTable } from './schema.js';
import { Queries, json, parseJson } from './queries.js';
import { page } from './pagination.js';

function toConnection(r: Selectable<ConnectionsTable>): ConnectionRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    type: r.type,
    name: r.name,
    description: r.description,
    config: parseJson<Record<string, unknown>>(r.config),
    status: r.status as ConnectionStatus,
    statusReason: r.status_reason,
    deprecated: Boolean(r.deprecated),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toTemplate(r: Selectable<TemplatesTable>): TemplateRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    connectionId: r.connection_id,
    providerTemplateId: r.provider_template_id,
    name: r.name,
    language: r.language,
    status: r.status,
    category: r.category,
    components: parseJson<unknown[]>(r.components),
    variables: parseJson<string[]>(r.variables),
    body: r.body,
    syncedAt: r.synced_at,
  };
}

export class ConnectionQueries extends Queries implements ConnectionStoreOps {
  async insertConnection(row: ConnectionRecord): Promise<void> {
    await this.db
      .insertInto('connections')
      .values({
        id: row.id,
        workspace_id: row.workspaceId,
        type: row.type,
        name: row.name,
        description: row.description,
        config: json(row.config),
        status: row.status,
        status_reason: row.statusReason,
        deprecated: row.deprecated ? 1 : 0,
        created_at: row.createdAt,
        updated_at: row.updatedAt,
      })
      .execute();
  }
  async getConnection(workspaceId: string, id: string): Promise<ConnectionRecord | undefined> {
    const r = await this.db
      .selectFrom('connections')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return r && toConnection(r);
  }
  async getConnectionUnscoped(id: string): Promise<ConnectionRecord | undefined> {
    const r = await this.db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toConnection(r);
  }
  async listConnections(workspaceId: string, q: PageQuery): Promise<Page<ConnectionRecord>> {
    let query = this.db.selectFrom('connections').selectAll().where('workspace_id', '=', workspaceId);
    if (q.cursor) query = query.where('id', '>', q.cursor);
    const rows = await query
      .orderBy('id')
      .limit(q.limit + 1)
      .execute();
    return page(rows.map(toConnection), q.limit);
  }
  async listConnectionsByStatus(statuses: ConnectionStatus[]): Promise<ConnectionRecord[]> {
    const rows = await this.db
      .selectFrom('connections')
      .selectAll()
      .where('status', 'in', statuses)
      .orderBy('id')
      .execute();
    return rows.map(toConnection);
  }
  async updateConnection(
    workspaceId: string,
    id: string,
    patch: Partial<Pick<ConnectionRecord, 'name' | 'description' | 'config' | 'deprecated' | 'updatedAt'>>,
  ): Promise<boolean> {
    const set: Partial<Selectable<ConnectionsTable>> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.config !== undefined) set.config = json(patch.config);
    if (patch.deprecated !== undefined) set.deprecated = patch.deprecated ? 1 : 0;
    if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
    const r = await this.db
      .updateTable('connections')
      .set(set)
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async getListenCursor(connectionId: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('connections')
      .select('listen_cursor')
      .where('id', '=', connectionId)
      .executeTakeFirst();
    return r?.listen_cursor ?? undefined;
  }

  async setListenCursor(connectionId: string, cursor: string): Promise<void> {
    await this.db.updateTable('connections').set({ listen_cursor: cursor }).where('id', '=', connectionId).execute();
  }

  async setConnectionStatus(
    id: string,
    status: ConnectionStatus,
    reason: string | null,
    at: string,
    from?: ConnectionStatus[],
  ): Promise<boolean> {
    let q = this.db
      .updateTable('connections')
      .set({ status, status_reason: reason, updated_at: at })
      .where('id', '=', id);
    if (from) q = q.where('status', 'in', from);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async deleteConnection(workspaceId: string, id: string): Promise<boolean> {
    await this.db
      .deleteFrom('connection_logs')
      .where('connection_id', '=', id)
      .where((eb) =>
        eb.exists(
          eb.selectFrom('connections').select('id').where('id', '=', id).where('workspace_id', '=', workspaceId),
        ),
      )
      .execute();
    const r = await this.db
      .deleteFrom('connections')
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  async insertConnectionLog(row: ConnectionLogRecord): Promise<void> {
    await this.db
      .insertInto('connection_logs')
      .values({
        id: row.id,
        connection_id: row.connectionId,
        level: row.level,
        event: row.event,
        message: row.message,
        at: row.at,
      })
      .execute();
  }
  async listConnectionLogs(connectionId: string, q: PageQuery): Promise<Page<ConnectionLogRecord>> {
    let query = this.db.selectFrom('connection_logs').selectAll().where('connection_id', '=', connectionId);
    if (q.cursor) query = query.where('id', '<', q.cursor);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    return page(
      rows.map((r) => ({
        id: r.id,
        connectionId: r.connection_id,
        level: r.level as ConnectionLogRecord['level'],
        event: r.event,
        message: r.message,
        at: r.at,
      })),
      q.limit,
    );
  }
  async replaceTemplates(connectionId: string, rows: TemplateRecord[]): Promise<void> {
    await this.db.deleteFrom('templates').where('connection_id', '=', connectionId).execute();
    if (rows.length === 0) return;
    await this.db
      .insertInto('templates')
      .values(
        rows.map((r) => ({
          id: r.id,
          workspace_id: r.workspaceId,
          connection_id: r.connectionId,
          provider_template_id: r.providerTemplateId,
          name: r.name,
          language: r.language,
          status: r.status,
          category: r.category,
          components: json(r.components),
          variables: json(r.variables),
          body: r.body,
          synced_at: r.syncedAt,
        })),
      )
      .execute();
  }
  async listTemplates(workspaceId: string, connectionId: string): Promise<TemplateRecord[]> {
    const rows = await this.db
      .selectFrom('templates')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('connection_id', '=', connectionId)
      .orderBy('name')
      .orderBy('language')
      .execute();
    return rows.map(toTemplate);
  }
  async findTemplate(connectionId: string, name: string, language: string): Promise<TemplateRecord | undefined> {
    const r = await this.db
      .selectFrom('templates')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('name', '=', name)
      .where('language', '=', language)
      .executeTakeFirst();
    return r && toTemplate(r);
  }
  async nextSenderRotation(connectionId: string): Promise<number> {
    const r = await this.db
      .updateTable('connections')
      .set((eb) => ({ sender_rotation: eb('sender_rotation', '+', 1) }))
      .where('id', '=', connectionId)
      .returning('sender_rotation')
      .executeTakeFirst();
    return Number(r?.sender_rotation ?? 1) - 1;
  }
}
