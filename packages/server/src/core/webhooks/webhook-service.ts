/**
 * @module core/webhooks/webhook-service
 * Outgoing webhooks: integrators subscribe to event types; every event of the workspace becomes a
 * durable delivery row (one per subscription and event, whichever process relayed it), POSTed signed —
 * `Switchboard-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` with `Switchboard-Timestamp` and a
 * `Switchboard-Delivery` id that stays the same across retries and replays — and retried with exponential backoff
 * on timeouts and non-2xx for up to 24 h, then marked dead. Every attempt is visible in the delivery log.
 * Dispatch is polled (every 250 ms) from the database, so any worker can send any delivery.
 *
 * Receivers are admin-configured URLs under the address policy (core/security/admin-endpoints.ts): a URL the
 * policy refuses as written answers 400 at create/update; a host is resolved and checked at each attempt (and again
 * at connect time). A refused attempt is permanent — the delivery is dead at once with the refusal as its error
 * ("refused by the address policy: …", never a socket error), because retrying cannot change the verdict; once the
 * URL or the workspace's opt-in is fixed, a replay sends it again.
 */
import { createHmac } from 'node:crypto';
import { newId } from '../../model/index.js';
import { AppError, notFound } from '../errors.js';
import { generateSecret } from '../security/api-tokens.js';
import { AdminEndpoints } from '../security/admin-endpoints.js';
import { isAddressRefusal } from '../security/address-guard.js';
import type { HttpClient } from '../../channel-kit/index.js';
import type {
  OutboxRecord,
  Page,
  PageQuery,
  WebhookDeliveryRecord,
  WebhookSubscriptionRecord,
} from '../ports/index.js';
import type { CorePorts } from '../deps.js';

export interface WebhookSettings {
  retryBaseMs: number;
  retryMaxMs: number;
  maxAgeMs: number;
  timeoutMs: number;
}

export interface SubscriptionInput {
  url: string;
  eventTypes: string[];
  secret?: string | undefined;
  description?: string | undefined;
  active?: boolean | undefined;
}

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export class WebhookService {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private readonly cache = new Map<string, { at: number; subs: WebhookSubscriptionRecord[] }>();
  private readonly endpoints: AdminEndpoints;

  constructor(
    // writes no outbox rows, so it needs no afterCommit: the relay that afterCommit wakes is built after it
    private readonly deps: CorePorts,
    private readonly settings: WebhookSettings,
  ) {
    this.endpoints = new AdminEndpoints(deps);
  }

  // --- subscriptions -------------------------------------------------------------------------------------------

  private async checkUrl(workspaceId: string, url: string): Promise<void> {
    try {
      new URL(url);
    } catch {
      throw new AppError('VALIDATION', 'url must be an absolute http(s) URL', {
        fields: [{ field: 'url', message: 'invalid URL' }],
      });
    }
    await this.endpoints.check(workspaceId, [{ field: 'url', url }]);
  }

  async create(
    workspaceId: string,
    input: SubscriptionInput,
  ): Promise<{ subscription: WebhookSubscriptionRecord; secret: string }> {
    await this.checkUrl(workspaceId, input.url);
    const secret = input.secret ?? `whsec_${generateSecret()}`;
    const now = this.deps.clock.now().toISOString();
    const row: WebhookSubscriptionRecord = {
      id: newId('whs'),
      workspaceId,
      url: input.url,
      eventTypes: input.eventTypes,
      secret: this.deps.secrets.seal(secret),
      active: input.active ?? true,
      description: input.description ?? '',
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.store.insertWebhookSubscription(row);
    this.cache.delete(workspaceId);
    return { subscription: row, secret };
  }

  async get(workspaceId: string, id: string): Promise<WebhookSubscriptionRecord> {
    const s = await this.deps.store.getWebhookSubscription(workspaceId, id);
    if (!s) throw notFound('webhook subscription');
    return s;
  }

  list(workspaceId: string, page: PageQuery): Promise<Page<WebhookSubscriptionRecord>> {
    return this.deps.store.listWebhookSubscriptions(workspaceId, page);
  }

  async update(workspaceId: string, id: string, patch: Partial<SubscriptionInput>): Promise<WebhookSubscriptionRecord> {
    await this.get(workspaceId, id);
    if (patch.url) await this.checkUrl(workspaceId, patch.url);
    await this.deps.store.updateWebhookSubscription(workspaceId, id, {
      url: patch.url,
      eventTypes: patch.eventTypes,
      active: patch.active,
      description: patch.description,
      secret: patch.secret ? this.deps.secrets.seal(patch.secret) : undefined,
      updatedAt: this.deps.clock.now().toISOString(),
    });
    this.cache.delete(workspaceId);
    return this.get(workspaceId, id);
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    if (!(await this.deps.store.deleteWebhookSubscription(workspaceId, id))) throw notFound('webhook subscription');
    this.cache.delete(workspaceId);
  }

  async deliveries(workspaceId: string, subscriptionId: string, page: PageQuery): Promise<Page<WebhookDeliveryRecord>> {
    await this.get(workspaceId, subscriptionId);
    return this.deps.store.listWebhookDeliveries(subscriptionId, page);
  }

  /** replays one delivery (same id, so receivers recognise it) */
  async replayOne(workspaceId: string, deliveryId: string): Promise<WebhookDeliveryRecord> {
    if (!(await this.deps.store.getWebhookDelivery(workspaceId, deliveryId))) throw notFound('webhook delivery');
    await this.deps.store.requeueWebhookDeliveries(
      workspaceId,
      { id: deliveryId },
      this.deps.clock.now().toISOString(),
    );
    return (await this.deps.store.getWebhookDelivery(workspaceId, deliveryId)) as WebhookDeliveryRecord;
  }

  /** replays every delivery of a subscription queued within [from, to] */
  async replayRange(workspaceId: string, subscriptionId: string, from: string, to: string): Promise<number> {
    await this.get(workspaceId, subscriptionId);
    if (Date.parse(from) > Date.parse(to)) throw new AppError('VALIDATION', '`from` must not be after `to`');
    const n = await this.deps.store.requeueWebhookDeliveries(
      workspaceId,
      { subscriptionId, from, to },
      this.deps.clock.now().toISOString(),
    );
    return n;
  }

  // --- fan-out: called by the outbox relay with the events it just published ----------------------------------

  async fanOut(rows: OutboxRecord[]): Promise<void> {
    const events = rows.filter((r) => r.topic === 'events' && r.workspaceId);
    if (events.length === 0) return;
    const workspaces = [...new Set(events.map((e) => e.workspaceId as string))];
    const subs = (await Promise.all(workspaces.map((w) => this.subscriptionsOf(w)))).flat();
    if (subs.length === 0) return;
    const now = this.deps.clock.now().toISOString();
    const deliveries: WebhookDeliveryRecord[] = [];
    for (const e of events) {
      const type = String(e.payload.type);
      for (const s of subs) {
        if (s.workspaceId !== e.workspaceId || !(s.eventTypes.includes('*') || s.eventTypes.includes(type))) continue;
        const body = JSON.stringify({
          id: String(e.seq),
          type,
          createdAt: e.createdAt,
          workspaceId: e.workspaceId,
          conversationId: typeof e.payload.conversationId === 'string' ? e.payload.conversationId : null,
          data: e.payload.data ?? {},
        });
        deliveries.push({
          id: newId('whd'),
          subscriptionId: s.id,
          workspaceId: s.workspaceId,
          eventSeq: e.seq,
          eventType: type,
          body,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          lastStatusCode: null,
          lastError: null,
          createdAt: now,
          updatedAt: now,
          deliveredAt: null,
        });
      }
    }
    await this.deps.store.insertWebhookDeliveries(deliveries);
  }

  private async subscriptionsOf(workspaceId: string): Promise<WebhookSubscriptionRecord[]> {
    const hit = this.cache.get(workspaceId);
    if (hit && Date.now() - hit.at < 2000) return hit.subs;
    const subs = await this.deps.store.activeWebhookSubscriptions([workspaceId]);
    this.cache.set(workspaceId, { at: Date.now(), subs });
    return subs;
  }

  // --- dispatch ------------------------------------------------------------------------------------------------

  start(intervalMs = 250): void {
    const loop = (): void => {
      this.timer = setTimeout(() => {
        const round = this.tick().then(
          () => undefined,
          (error: unknown) => this.deps.log.warn({ err: error }, 'webhook dispatch failed; trying again'),
        );
        this.ticking = round;
        void round.finally(() => {
          if (this.timer) loop();
        });
      }, intervalMs);
      this.timer.unref();
    };
    loop();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  /** one round: claim what is due, POST it, record the outcome */
  async tick(): Promise<number> {
    const now = this.deps.clock.now();
    const due = await this.deps.store.claimDueWebhookDeliveries(
      now.toISOString(),
      new Date(now.getTime() + this.settings.timeoutMs * 3).toISOString(),
      50,
    );
    // the policy as it is now, read once per workspace per round
    const clients = new Map<string, Promise<HttpClient>>();
    const clientOf = (workspaceId: string): Promise<HttpClient> => {
      let c = clients.get(workspaceId);
      if (!c) clients.set(workspaceId, (c = this.endpoints.client(workspaceId)));
      return c;
    };
    await Promise.all(due.map(async (d) => this.attempt(d, await clientOf(d.workspaceId))));
    return due.length;
  }

  private async attempt(d: WebhookDeliveryRecord, http: HttpClient): Promise<void> {
    const sub = await this.deps.store.getWebhookSubscription(d.workspaceId, d.subscriptionId);
    if (!sub) return;
    const timestamp = String(Math.floor(this.deps.clock.now().getTime() / 1000));
    let status: number | null = null;
    let error: string | null = null;
    let refused = false;
    try {
      const res = await http(sub.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Switchboard-Webhooks/1',
          'switchboard-delivery': d.id,
          'switchboard-event': d.eventType,
          'switchboard-timestamp': timestamp,
          'switchboard-signature': signWebhook(this.deps.secrets.open(sub.secret), timestamp, d.body),
        },
        body: d.body,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        redirect: 'manual',
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) error = `receiver answered ${res.status}`;
    } catch (e) {
      refused = isAddressRefusal(e);
      if (refused) error = (e as Error).message;
      else
        error =
          e instanceof Error && e.name === 'TimeoutError'
            ? `no answer within ${this.settings.timeoutMs} ms`
            : `could not reach the receiver: ${e instanceof Error ? e.message : String(e)}`;
    }
    const at = this.deps.clock.now();
    const attempts = d.attempts + 1;
    if (!error) {
      await this.deps.store.finishWebhookAttempt(d.id, {
        status: 'delivered',
        attempts,
        nextAttemptAt: null,
        lastStatusCode: status,
        lastError: null,
        deliveredAt: at.toISOString(),
        updatedAt: at.toISOString(),
      });
      return;
    }
    const delay =
      Math.min(this.settings.retryMaxMs, this.settings.retryBaseMs * 2 ** (attempts - 1)) * (0.8 + Math.random() * 0.4);
    const next = new Date(at.getTime() + delay);
    const dead = refused || next.getTime() - Date.parse(d.createdAt) > this.settings.maxAgeMs;
    await this.deps.store.finishWebhookAttempt(d.id, {
      status: dead ? 'dead' : 'pending',
      attempts,
      nextAttemptAt: dead ? null : next.toISOString(),
      lastStatusCode: status,
      lastError: error,
      deliveredAt: null,
      updatedAt: at.toISOString(),
    });
    if (refused)
      this.deps.log.warn(
        { deliveryId: d.id, subscriptionId: d.subscriptionId, attempts },
        `webhook delivery dead, not retried: ${error}`,
      );
    else if (dead)
      this.deps.log.warn(
        { deliveryId: d.id, subscriptionId: d.subscriptionId, attempts },
        `webhook delivery dead after its retry window: ${error}`,
      );
  }
}
