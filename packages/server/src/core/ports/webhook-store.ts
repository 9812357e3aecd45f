/**
 * @module core/ports/webhook-store
 * Outgoing webhooks: a workspace's subscriptions and one delivery row per (subscription, event), the queue the
 * delivery worker claims from. Implemented in store/sql/webhook-queries.ts.
 */
import type { Page, PageQuery } from './records.js';

export interface WebhookSubscriptionRecord {
  id: string;
  workspaceId: string;
  url: string;
  /** event types to deliver; ['*'] = all */
  eventTypes: string[];
  /** sealed with the SecretBox */
  secret: string;
  active: boolean;
  description: string;
  createdAt: string;
  updatedAt: string;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'dead';
export interface WebhookDeliveryRecord {
  /** stays the same across retries and replays: receivers dedup on it */
  id: string;
  subscriptionId: string;
  workspaceId: string;
  eventSeq: number;
  eventType: string;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

export interface WebhookRequeueFilter {
  id?: string;
  subscriptionId?: string;
  from?: string;
  to?: string;
}

export interface WebhookStoreOps {
  insertWebhookSubscription(row: WebhookSubscriptionRecord): Promise<void>;
  getWebhookSubscription(workspaceId: string, id: string): Promise<WebhookSubscriptionRecord | undefined>;
  listWebhookSubscriptions(workspaceId: string, page: PageQuery): Promise<Page<WebhookSubscriptionRecord>>;
  /** every active subscription of the given workspaces (fan-out) */
  activeWebhookSubscriptions(workspaceIds: string[]): Promise<WebhookSubscriptionRecord[]>;
  updateWebhookSubscription(
    workspaceId: string,
    id: string,
    patch: Partial<
      Pick<WebhookSubscriptionRecord, 'url' | 'eventTypes' | 'secret' | 'active' | 'description' | 'updatedAt'>
    >,
  ): Promise<boolean>;
  /** removes the subscription with its deliveries */
  deleteWebhookSubscription(workspaceId: string, id: string): Promise<boolean>;
  /** insert-or-ignore on (subscription, event) */
  insertWebhookDeliveries(rows: WebhookDeliveryRecord[]): Promise<void>;
  /** claims due deliveries for this process until `claimUntil` (compare-and-set per row) */
  claimDueWebhookDeliveries(now: string, claimUntil: string, limit: number): Promise<WebhookDeliveryRecord[]>;
  /** records an attempt's result and releases the claim */
  finishWebhookAttempt(
    id: string,
    patch: Pick<
      WebhookDeliveryRecord,
      'status' | 'attempts' | 'nextAttemptAt' | 'lastStatusCode' | 'lastError' | 'deliveredAt' | 'updatedAt'
    >,
  ): Promise<void>;
  /** newest first */
  listWebhookDeliveries(subscriptionId: string, page: PageQuery): Promise<Page<WebhookDeliveryRecord>>;
  getWebhookDelivery(workspaceId: string, id: string): Promise<WebhookDeliveryRecord | undefined>;
  /** puts deliveries back in the queue (replay), keeping their ids; answers how many */
  requeueWebhookDeliveries(workspaceId: string, filter: WebhookRequeueFilter, now: string): Promise<number>;
}
