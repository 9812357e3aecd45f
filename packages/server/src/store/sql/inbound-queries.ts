/**
 * @module store/sql/inbound-queries
 * The InboundStoreOps port (core/ports/inbound-store.ts) over Kysely, for both dialects: raw provider webhooks
 * (inbound_events); inside a transaction the insert and the finishing compare-and-set take the dialect's native
 * statements when it has them.
 */
import { sql, type Selectable } from 'kysely';
import type { InboundBacklog, InboundEventRecord, InboundStoreOps } from '../../core/ports/index.js';
import type { InboundEventsTable } from './schema.js';
import { Queries, json, parseJson } from './queries.js';

function toInbound(r: Selectable<InboundEventsTable>): InboundEventRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    connectionId: r.connection_id,
    eventKey: r.event_key,
    method: r.method,
    url: r.url,
    headers: parseJson<Record<string, string>>(r.headers),
    body: Buffer.from(r.body),
    status: r.status as InboundEventRecord['status'],
    error: r.error,
    receivedAt: r.received_at,
    processedAt: r.processed_at,
  };
}

export class InboundQueries extends Queries implements InboundStoreOps {
  async insertInboundEvents(rows: InboundEventRecord[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (const row of rows) {
      if (this.hot) {
        if (
          this.hot.insertInboundEvent({
            id: row.id,
            workspace_id: row.workspaceId,
            connection_id: row.connectionId,
            event_key: row.eventKey,
            method: row.method,
            url: row.url,
            headers: json(row.headers),
            body: row.body,
            status: row.status,
            error: row.error,
            received_at: row.receivedAt,
            processed_at: row.processedAt,
          })
        )
          inserted.add(row.id);
        continue;
      }
      const r = await this.db
        .insertInto('inbound_events')
        .values({
          id: row.id,
          workspace_id: row.workspaceId,
          connection_id: row.connectionId,
          event_key: row.eventKey,
          method: row.method,
          url: row.url,
          headers: json(row.headers),
          body: row.body,
          status: row.status,
          error: row.error,
          received_at: row.receivedAt,
          processed_at: row.processedAt,
        })
        .onConflict((oc) => oc.columns(['connection_id', 'event_key']).doNothing())
        .executeTakeFirst();
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
    const r = await this.db
      .deleteFrom('inbound_events')
      .where('status', '!=', 'pending')
      .where('received_at', '<', before)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
  async deleteInboundEvent(id: string): Promise<void> {
    await this.db.deleteFrom('inbound_events').where('id', '=', id).execute();
  }
  async finishInboundEvent(
    id: string,
    status: 'processed' | 'ignored' | 'failed',
    error: string | null,
    at: string,
  ): Promise<boolean> {
    if (this.hot) return this.hot.finishInboundEvent(id, status, error, at);
    const r = await this.db
      .updateTable('inbound_events')
      .set({ status, error, processed_at: at })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async inboundBacklog(countUpTo: number): Promise<InboundBacklog> {
    // both walk the (status, id) index: the count stops at the bound, the oldest is its first entry (ids are
    // time-ordered ULIDs)
    const [counted, oldest] = await Promise.all([
      this.db
        .selectFrom(
          this.db
            .selectFrom('inbound_events')
            .select('id')
            .where('status', '=', 'pending')
            .limit(Math.max(0, countUpTo))
            .as('p'),
        )
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirst(),
      this.db
        .selectFrom('inbound_events')
        .select('received_at')
        .where('status', '=', 'pending')
        .orderBy('status')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst(),
    ]);
    return { pending: Number(counted?.n ?? 0), oldestReceivedAt: oldest?.received_at ?? null };
  }
  async listPendingInboundEvents(connectionId: string, fromId: string, limit: number): Promise<InboundEventRecord[]> {
    const rows = await this.db
      .selectFrom('inbound_events')
      .selectAll()
      .where('status', '=', 'pending')
      .where('connection_id', '=', connectionId)
      .where('id', '>=', fromId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toInbound);
  }
}
