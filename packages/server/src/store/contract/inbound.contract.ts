/** Store contract, inbound: raw provider webhooks, deduplicated by event key and finished once. */
import { describe, expect, it } from 'vitest';
import type { ConnectionRecord } from '../../core/ports/index.js';
import { newConnection, newInboundEvent, now, type StoreContext } from './context.js';

export function inboundContract(ctx: StoreContext): void {
  describe('inbound', () => {
    it('dedups raw inbound events by provider event key and finishes them once', async () => {
      const { store } = ctx;
      const a = newInboundEvent(ctx, { eventKey: 'k-1' });
      const b = newInboundEvent(ctx, { eventKey: 'k-1' });
      const c = newInboundEvent(ctx);
      const d = newInboundEvent(ctx);
      const inserted = await store.insertInboundEvents([a, b, c, d]);
      expect([...inserted].sort()).toEqual([a.id, c.id, d.id].sort());
      const read = await store.getInboundEvent(a.id);
      expect(read?.body.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
      expect(read?.headers).toEqual({ 'x-a': '1' });
      expect(await store.listInboundEventIds('pending', 10)).toEqual(expect.arrayContaining([a.id, c.id, d.id]));
      expect(await store.finishInboundEvent(a.id, 'processed', null, now())).toBe(true);
      expect(await store.finishInboundEvent(a.id, 'processed', null, now())).toBe(false);
      expect(await store.finishInboundEvent(c.id, 'failed', 'unparseable', now())).toBe(true);
      expect(await store.getInboundEvent(c.id)).toMatchObject({ status: 'failed', error: 'unparseable' });
      expect(await store.listInboundEventIds('pending', 10)).not.toContain(a.id);
      // retention removes finished events only
      expect(await store.pruneInboundEvents(now(1000))).toBe(2);
      expect(await store.getInboundEvent(a.id)).toBeUndefined();
      expect(await store.getInboundEvent(d.id)).toBeDefined();
      expect(await store.finishInboundEvent(d.id, 'ignored', null, now())).toBe(true);
    });

    it('pages pending event ids after an id', async () => {
      const { store } = ctx;
      const rows = [newInboundEvent(ctx), newInboundEvent(ctx), newInboundEvent(ctx)];
      await store.insertInboundEvents(rows);
      const ids = rows.map((r) => r.id);
      const all = await store.listInboundEventIds('pending', 1000);
      expect(all.filter((id) => ids.includes(id))).toEqual(ids);
      expect(await store.listInboundEventIds('pending', 1, ids[0])).toEqual([ids[1]]);
      for (const id of ids) await store.finishInboundEvent(id, 'processed', null, now());
    });

    it("lists a connection's pending raw events from an id on, oldest first, and no other connection's", async () => {
      const { store } = ctx;
      const own: ConnectionRecord = newConnection(ctx, { name: 'batch' });
      const other: ConnectionRecord = newConnection(ctx, { name: 'other' });
      await store.insertConnection(own);
      await store.insertConnection(other);
      const ev = (conn: ConnectionRecord) =>
        newInboundEvent(ctx, { connectionId: conn.id, headers: {}, body: Buffer.from('{}') });
      const [m0, m1, m2, m3] = [ev(own), ev(own), ev(own), ev(own)];
      await store.insertInboundEvents([m0, ev(other), m1, m2, ev(other), m3]);
      expect(await store.finishInboundEvent(m2.id, 'processed', null, now())).toBe(true);
      const ids = (await store.listPendingInboundEvents(own.id, m1.id, 10)).map((e) => e.id);
      expect(ids).toEqual([m1.id, m3.id]);
      expect((await store.listPendingInboundEvents(own.id, m0.id, 2)).map((e) => e.id)).toEqual([m0.id, m1.id]);
      const [first] = await store.listPendingInboundEvents(own.id, m0.id, 1);
      expect(first?.body.toString()).toBe('{}');
      expect(first?.status).toBe('pending');
    });

    it('reads the backlog: pending raw events counted up to a bound, and when the oldest was received', async () => {
      const { store } = ctx;
      // start from no backlog (earlier tests leave pending events behind)
      for (;;) {
        const ids = await store.listInboundEventIds('pending', 500);
        if (ids.length === 0) break;
        for (const id of ids) await store.finishInboundEvent(id, 'processed', null, now());
      }
      expect(await store.inboundBacklog(10)).toEqual({ pending: 0, oldestReceivedAt: null });
      const oldest = newInboundEvent(ctx, { receivedAt: '2030-01-01T00:00:00.000Z' });
      const events = [oldest, newInboundEvent(ctx), newInboundEvent(ctx), newInboundEvent(ctx)];
      await store.insertInboundEvents(events);
      expect(await store.inboundBacklog(10)).toEqual({ pending: 4, oldestReceivedAt: oldest.receivedAt });
      expect((await store.inboundBacklog(2)).pending).toBe(2);
      await store.finishInboundEvent(oldest.id, 'processed', null, now());
      const after = await store.inboundBacklog(10);
      expect(after.pending).toBe(3);
      expect(after.oldestReceivedAt).toBe(events[1]!.receivedAt);
      for (const e of events.slice(1)) await store.finishInboundEvent(e.id, 'failed', 'test', now());
      expect(await store.inboundBacklog(10)).toEqual({ pending: 0, oldestReceivedAt: null });
    });
  });
}
