/**
 * Store contract, outgoing webhooks: subscriptions scoped by workspace, one delivery per (subscription, event),
 * claims that only one process wins until they lapse, attempts, and replay that keeps delivery ids.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { WebhookDeliveryRecord, WebhookSubscriptionRecord } from '../../core/ports/index.js';
import { now, type StoreContext } from './context.js';

export function webhooksContract(ctx: StoreContext): void {
  describe('webhooks', () => {
    const subscription = (overrides: Partial<WebhookSubscriptionRecord> = {}): WebhookSubscriptionRecord => ({
      id: newId('whs'),
      workspaceId: ctx.ws,
      url: 'https://example.com/hook',
      eventTypes: ['message.created'],
      secret: 'sealed-secret',
      active: true,
      description: 'crm',
      createdAt: now(),
      updatedAt: now(),
      ...overrides,
    });
    const delivery = (
      sub: WebhookSubscriptionRecord,
      eventSeq: number,
      overrides: Partial<WebhookDeliveryRecord> = {},
    ): WebhookDeliveryRecord => ({
      id: newId('whd'),
      subscriptionId: sub.id,
      workspaceId: sub.workspaceId,
      eventSeq,
      eventType: 'message.created',
      body: `{"seq":${eventSeq}}`,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now(-1000),
      lastStatusCode: null,
      lastError: null,
      createdAt: now(),
      updatedAt: now(),
      deliveredAt: null,
      ...overrides,
    });

    it('keeps subscriptions per workspace, in pages, updating only the given fields', async () => {
      const { store } = ctx;
      const ws = newId('ws');
      await store.insertWorkspace({ id: ws, name: 'webhooks', createdAt: now() });
      const [a, b, c] = [
        subscription({ workspaceId: ws }),
        subscription({ workspaceId: ws, eventTypes: ['*'] }),
        subscription({ workspaceId: ws, active: false }),
      ];
      for (const s of [a, b, c]) await store.insertWebhookSubscription(s);
      expect(await store.getWebhookSubscription(ws, b.id)).toEqual(b);
      expect(await store.getWebhookSubscription(ctx.otherWs, b.id)).toBeUndefined();
      const first = await store.listWebhookSubscriptions(ws, { limit: 2 });
      expect(first.data).toEqual([a, b]);
      expect(await store.listWebhookSubscriptions(ws, { limit: 2, cursor: first.nextCursor ?? undefined })).toEqual({
        data: [c],
        nextCursor: null,
      });
      expect(await store.updateWebhookSubscription(ctx.otherWs, a.id, { url: 'https://evil.example.com' })).toBe(false);
      const patch = {
        url: 'https://example.com/v2',
        eventTypes: ['message.status'],
        secret: 'rotated',
        active: false,
        description: 'v2',
        updatedAt: '2030-01-01T00:00:00.000Z',
      };
      expect(await store.updateWebhookSubscription(ws, a.id, patch)).toBe(true);
      expect(await store.getWebhookSubscription(ws, a.id)).toEqual({ ...a, ...patch });
      expect(await store.updateWebhookSubscription(ws, a.id, { active: true })).toBe(true);
      expect(await store.getWebhookSubscription(ws, a.id)).toMatchObject({
        active: true,
        url: 'https://example.com/v2',
        secret: 'rotated',
      });
      expect(await store.updateWebhookSubscription(ws, newId('whs'), { active: true })).toBe(false);
    });

    it('fans out to the active subscriptions of the given workspaces only', async () => {
      const { store } = ctx;
      const active = subscription();
      const inactive = subscription({ active: false });
      const elsewhere = subscription({ workspaceId: ctx.otherWs });
      for (const s of [active, inactive, elsewhere]) await store.insertWebhookSubscription(s);
      const ids = (await store.activeWebhookSubscriptions([ctx.ws])).map((s) => s.id);
      expect(ids).toContain(active.id);
      expect(ids).not.toContain(inactive.id);
      expect(ids).not.toContain(elsewhere.id);
      expect((await store.activeWebhookSubscriptions([ctx.ws, ctx.otherWs])).map((s) => s.id)).toEqual(
        expect.arrayContaining([active.id, elsewhere.id]),
      );
      expect(await store.activeWebhookSubscriptions([])).toEqual([]);
    });

    it('stores one delivery per (subscription, event); one claimer wins until the claim lapses', async () => {
      const { store } = ctx;
      const sub = subscription();
      await store.insertWebhookSubscription(sub);
      const d1 = delivery(sub, 1);
      const notDue = delivery(sub, 2, { nextAttemptAt: now(3_600_000) });
      await store.insertWebhookDeliveries([d1, notDue]);
      await store.insertWebhookDeliveries([delivery(sub, 1, { body: 'duplicate' })]);
      await store.insertWebhookDeliveries([]);
      expect((await store.listWebhookDeliveries(sub.id, { limit: 10 })).data).toEqual([notDue, d1]);
      const claimUntil = now(30_000);
      const [x, y] = await Promise.all([
        store.claimDueWebhookDeliveries(now(), claimUntil, 100),
        store.claimDueWebhookDeliveries(now(), claimUntil, 100),
      ]);
      const mine = [...x, ...y].filter((d) => d.subscriptionId === sub.id);
      expect(mine).toEqual([d1]);
      expect((await store.claimDueWebhookDeliveries(now(), claimUntil, 100)).map((d) => d.id)).not.toContain(d1.id);
      // the claimer died: once the claim lapses another process takes it
      expect((await store.claimDueWebhookDeliveries(now(60_000), now(90_000), 100)).map((d) => d.id)).toContain(d1.id);
    });

    it('records attempts, releasing the claim, and pages deliveries newest first', async () => {
      const { store } = ctx;
      const sub = subscription();
      await store.insertWebhookSubscription(sub);
      const [d1, d2, d3] = [delivery(sub, 1), delivery(sub, 2), delivery(sub, 3)];
      await store.insertWebhookDeliveries([d1, d2, d3]);
      expect((await store.claimDueWebhookDeliveries(now(), now(30_000), 1000)).map((d) => d.id)).toEqual(
        expect.arrayContaining([d1.id, d2.id, d3.id]),
      );
      const retry = {
        status: 'pending' as const,
        attempts: 1,
        nextAttemptAt: now(-10),
        lastStatusCode: 503,
        lastError: 'unavailable',
        deliveredAt: null,
        updatedAt: now(),
      };
      await store.finishWebhookAttempt(d1.id, retry);
      expect(await store.getWebhookDelivery(ctx.ws, d1.id)).toEqual({ ...d1, ...retry });
      // released: due again at once, although the earlier claim has not lapsed
      expect(
        (await store.claimDueWebhookDeliveries(now(), now(30_000), 1000))
          .filter((d) => d.subscriptionId === sub.id)
          .map((d) => d.id),
      ).toEqual([d1.id]);
      const delivered = {
        status: 'delivered' as const,
        attempts: 2,
        nextAttemptAt: null,
        lastStatusCode: 200,
        lastError: null,
        deliveredAt: now(),
        updatedAt: now(),
      };
      await store.finishWebhookAttempt(d1.id, delivered);
      expect(await store.getWebhookDelivery(ctx.ws, d1.id)).toEqual({ ...d1, ...delivered });
      expect(await store.getWebhookDelivery(ctx.otherWs, d1.id)).toBeUndefined();
      const first = await store.listWebhookDeliveries(sub.id, { limit: 2 });
      expect(first.data.map((d) => d.id)).toEqual([d3.id, d2.id]);
      expect(
        (await store.listWebhookDeliveries(sub.id, { limit: 2, cursor: first.nextCursor ?? undefined })).data.map(
          (d) => d.id,
        ),
      ).toEqual([d1.id]);
    });

    it('requeues deliveries by id, subscription and time range, keeping ids, within the workspace', async () => {
      const { store } = ctx;
      const sub = subscription();
      const other = subscription();
      await store.insertWebhookSubscription(sub);
      await store.insertWebhookSubscription(other);
      const old = delivery(sub, 1, { createdAt: '2020-01-01T00:00:00.000Z' });
      const recent = delivery(sub, 2, { createdAt: '2020-06-01T00:00:00.000Z' });
      const theirs = delivery(other, 1, { createdAt: '2020-06-01T00:00:00.000Z' });
      const dead = {
        status: 'dead' as const,
        attempts: 8,
        nextAttemptAt: null,
        lastStatusCode: 500,
        lastError: 'boom',
        deliveredAt: null,
        updatedAt: now(),
      };
      await store.insertWebhookDeliveries([old, recent, theirs].map((d) => ({ ...d, ...dead })));
      const at = now();
      expect(await store.requeueWebhookDeliveries(ctx.otherWs, { subscriptionId: sub.id }, at)).toBe(0);
      expect(await store.requeueWebhookDeliveries(ctx.ws, { id: old.id }, at)).toBe(1);
      expect(await store.getWebhookDelivery(ctx.ws, old.id)).toMatchObject({
        id: old.id,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: at,
        createdAt: at,
        lastError: 'boom',
      });
      expect(
        await store.requeueWebhookDeliveries(
          ctx.ws,
          { subscriptionId: sub.id, from: '2020-05-01T00:00:00.000Z', to: '2020-07-01T00:00:00.000Z' },
          at,
        ),
      ).toBe(1);
      expect((await store.getWebhookDelivery(ctx.ws, recent.id))?.status).toBe('pending');
      expect((await store.getWebhookDelivery(ctx.ws, theirs.id))?.status).toBe('dead');
      expect(
        await store.requeueWebhookDeliveries(ctx.ws, { subscriptionId: other.id, to: '2019-01-01T00:00:00.000Z' }, at),
      ).toBe(0);
    });

    it('deletes a subscription with its deliveries, only within the workspace', async () => {
      const { store } = ctx;
      const sub = subscription();
      await store.insertWebhookSubscription(sub);
      const d = delivery(sub, 1);
      await store.insertWebhookDeliveries([d]);
      expect(await store.deleteWebhookSubscription(ctx.otherWs, sub.id)).toBe(false);
      expect(await store.getWebhookDelivery(ctx.ws, d.id)).toBeDefined();
      expect(await store.deleteWebhookSubscription(ctx.ws, sub.id)).toBe(true);
      expect(await store.getWebhookSubscription(ctx.ws, sub.id)).toBeUndefined();
      expect(await store.getWebhookDelivery(ctx.ws, d.id)).toBeUndefined();
      expect(await store.deleteWebhookSubscription(ctx.ws, sub.id)).toBe(false);
    });
  });
}
