/**
 * @module store/sql/webhook-queries
 * The WebhookStoreOps port (core/ports/webhook-store.ts) over Kysely, for both dialects: outgoing webhook
 * subscriptions and their deliveries (the delivery worker's queue).
 */
import type { Selectable } from 'kysely';
import type {
  Page,
  PageQuery,
  WebhookDeliveryRecord,
  WebhookRequeueFilter,
  WebhookStoreOps,
  WebhookSubscriptionRecord,
} from '../../core/ports/index.js';
import type { WebhookDeliveriesTable, WebhookSubscriptionsTable } from './schema.js';
import { Queries, json, parseJson } from './queries.js';
import { page } from './pagination.js';

function toSubscription(r: Selectable<WebhookSubscriptionsTable>): WebhookSubscriptionRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    url: r.url,
    eventTypes: parseJson<string[]>(r.event_types),
    secret: r.secret,
    active: Boolean(r.active),
    description: r.description,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toDelivery(r: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    workspaceId: r.workspace_id,
    eventSeq: Number(r.event_seq),
    eventType: r.event_type,
    body: r.body,
    status: r.status as WebhookDeliveryRecord['status'],
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at,
    lastStatusCode: r.last_status_code === null ? null : Number(r.last_status_code),
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deliveredAt: r.delivered_at,
  };
}

export class WebhookQueries extends Queries implements WebhookStoreOps {
  async insertWebhookSubscription(row: WebhookSubscriptionRecord): Promise<void> {
    await this.db
      .insertInto('webhook_subscriptions')
      .values({
        id: row.id,
        workspace_id: row.workspaceId,
        url: row.url,
        event_types: json(row.eventTypes),
        secret: row.secret,
        active: row.active ? 1 : 0,
        description: row.description,
        created_at: row.createdAt,
        updated_at: row.updatedAt,
      })
      .execute();
  }
  async getWebhookSubscription(workspaceId: string, id: string): Promise<WebhookSubscriptionRecord | undefined> {
    const r = await this.db
      .selectFrom('webhook_subscriptions')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return r && toSubscription(r);
  }
  async listWebhookSubscriptions(workspaceId: string, q: PageQuery): Promise<Page<WebhookSubscriptionRecord>> {
    let query = this.db.selectFrom('webhook_subscriptions').selectAll().where('workspace_id', '=', workspaceId);
    if (q.cursor) query = query.where('id', '>', q.cursor);
    return page(
      (
        await query
          .orderBy('id')
          .limit(q.limit + 1)
          .execute()
      ).map(toSubscription),
      q.limit,
    );
  }
  async activeWebhookSubscriptions(workspaceIds: string[]): Promise<WebhookSubscriptionRecord[]> {
    if (workspaceIds.length === 0) return [];
    return (
      await this.db
        .selectFrom('webhook_subscriptions')
        .selectAll()
        .where('workspace_id', 'in', workspaceIds)
        .where('active', '=', 1)
        .execute()
    ).map(toSubscription);
  }
  async updateWebhookSubscription(
    workspaceId: string,
    id: string,
    patch: Partial<
      Pick<WebhookSubscriptionRecord, 'url' | 'eventTypes' | 'secret' | 'active' | 'description' | 'updatedAt'>
    >,
  ): Promise<boolean> {
    const set: Partial<Selectable<WebhookSubscriptionsTable>> = {};
    if (patch.url !== undefined) set.url = patch.url;
    if (patch.eventTypes !== undefined) set.event_types = json(patch.eventTypes);
    if (patch.secret !== undefined) set.secret = patch.secret;
    if (patch.active !== undefined) set.active = patch.active ? 1 : 0;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
    const r = await this.db
      .updateTable('webhook_subscriptions')
      .set(set)
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async deleteWebhookSubscription(workspaceId: string, id: string): Promise<boolean> {
    await this.db
      .deleteFrom('webhook_deliveries')
      .where('subscription_id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .execute();
    const r = await this.db
      .deleteFrom('webhook_subscriptions')
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  async insertWebhookDeliveries(rows: WebhookDeliveryRecord[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('webhook_deliveries')
      .values(
        rows.map((d) => ({
          id: d.id,
          subscription_id: d.subscriptionId,
          workspace_id: d.workspaceId,
          event_seq: d.eventSeq,
          event_type: d.eventType,
          body: d.body,
          status: d.status,
          attempts: d.attempts,
          next_attempt_at: d.nextAttemptAt,
          claimed_until: null,
          last_status_code: d.lastStatusCode,
          last_error: d.lastError,
          created_at: d.createdAt,
          updated_at: d.updatedAt,
          delivered_at: d.deliveredAt,
        })),
      )
      .onConflict((oc) => oc.columns(['subscription_id', 'event_seq']).doNothing())
      .execute();
  }
  async claimDueWebhookDeliveries(now: string, claimUntil: string, limit: number): Promise<WebhookDeliveryRecord[]> {
    const due = await this.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    const claimed: WebhookDeliveryRecord[] = [];
    for (const { id } of due) {
      const r = await this.db
        .updateTable('webhook_deliveries')
        .set({ claimed_until: claimUntil })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) continue;
      const row = await this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
      if (row) claimed.push(toDelivery(row));
    }
    return claimed;
  }
  async finishWebhookAttempt(
    id: string,
    patch: Pick<
      WebhookDeliveryRecord,
      'status' | 'attempts' | 'nextAttemptAt' | 'lastStatusCode' | 'lastError' | 'deliveredAt' | 'updatedAt'
    >,
  ): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: patch.status,
        attempts: patch.attempts,
        next_attempt_at: patch.nextAttemptAt,
        last_status_code: patch.lastStatusCode,
        last_error: patch.lastError,
        delivered_at: patch.deliveredAt,
        updated_at: patch.updatedAt,
        claimed_until: null,
      })
      .where('id', '=', id)
      .execute();
  }
  async listWebhookDeliveries(subscriptionId: string, q: PageQuery): Promise<Page<WebhookDeliveryRecord>> {
    let query = this.db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', subscriptionId);
    if (q.cursor) query = query.where('id', '<', q.cursor);
    return page(
      (
        await query
          .orderBy('id', 'desc')
          .limit(q.limit + 1)
          .execute()
      ).map(toDelivery),
      q.limit,
    );
  }
  async getWebhookDelivery(workspaceId: string, id: string): Promise<WebhookDeliveryRecord | undefined> {
    const r = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return r && toDelivery(r);
  }
  async requeueWebhookDeliveries(workspaceId: string, filter: WebhookRequeueFilter, now: string): Promise<number> {
    let q = this.db
      .updateTable('webhook_deliveries')
      .set({
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        claimed_until: null,
        created_at: now,
        updated_at: now,
      })
      .where('workspace_id', '=', workspaceId);
    if (filter.id) q = q.where('id', '=', filter.id);
    if (filter.subscriptionId) q = q.where('subscription_id', '=', filter.subscriptionId);
    if (filter.from) q = q.where('created_at', '>=', filter.from);
    if (filter.to) q = q.where('created_at', '<=', filter.to);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
