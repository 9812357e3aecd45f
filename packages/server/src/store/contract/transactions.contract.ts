/**
 * Store contract, transactions: inside a transaction the inbound pipeline's statements may take a dialect's native
 * path (SQLite's prepared statements, store/sql/hot-statements.ts): same results as outside, dedup and
 * compare-and-set included, and a rollback undoes them like any other write.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { InboundEventRecord } from '../../core/ports/index.js';
import { newConnection, newConversation, newInboundEvent, newMessage, now, type StoreContext } from './context.js';

export function transactionsContract(ctx: StoreContext): void {
  describe('transactions', () => {
    it("runs the inbound pipeline's statements inside a transaction with the same results, and rolls them back", async () => {
      const { store, ws, otherWs, contactId } = ctx;
      const conn = newConnection(ctx, { name: 'hot' });
      await store.insertConnection(conn);
      const ev: InboundEventRecord = newInboundEvent(ctx, {
        connectionId: conn.id,
        eventKey: 'hot-1',
        headers: { 'x-h': '1' },
        body: Buffer.from('{"a":1}'),
      });
      const conv = newConversation(ctx, { connectionId: conn.id, address: 'hot-addr', windowExpiresAt: null });
      const address = `hot-${newId('cid')}`;
      const seqBefore = (await store.listUnpublishedOutbox(10_000)).length;
      const result = await store.transaction(async (tx) => {
        const inserted = await tx.insertInboundEvents([ev, { ...ev, id: newId('evt') }]);
        const claimed = [
          await tx.finishInboundEvent(ev.id, 'processed', null, now()),
          await tx.finishInboundEvent(ev.id, 'processed', null, now()),
        ];
        await tx.insertIdentity({
          id: newId('cid'),
          workspaceId: ws,
          contactId,
          channelType: 'hot',
          address,
          connectionId: conn.id,
          createdAt: now(),
        });
        const identity = await tx.findIdentity(ws, 'hot', address);
        const contact = await tx.getContact(ws, contactId);
        const otherWsContact = await tx.getContact(otherWs, contactId);
        await tx.insertConversation(conv);
        const open = await tx.findOpenConversation(conn.id, contactId, null);
        const m = newMessage(ctx, conv.id, 'hot-p1', { connectionId: conn.id });
        const firstInsert = await tx.insertMessage(m);
        const secondInsert = await tx.insertMessage({ ...m, id: newId('msg') });
        await tx.incrementUnread(conv.id, '2030-01-01T00:00:00.000Z', 'preview', '2030-01-02T00:00:00.000Z');
        await tx.incrementUnread(conv.id, '2030-01-01T00:00:01.000Z', 'preview 2', null);
        await tx.insertOutbox(
          [
            { topic: 'events', key: 'hot', workspaceId: ws, payload: { n: 1 } },
            { topic: 'events', key: 'hot', workspaceId: ws, payload: { n: 2 } },
          ],
          now(),
        );
        return { inserted, claimed, identity, contact, otherWsContact, open, firstInsert, secondInsert };
      });
      expect([...result.inserted]).toEqual([ev.id]);
      expect(result.claimed).toEqual([true, false]);
      expect(result.identity?.contactId).toBe(contactId);
      expect(result.contact?.attributes).toEqual({ tier: 'gold' });
      expect(result.otherWsContact).toBeUndefined();
      expect(result.open?.id).toBe(conv.id);
      expect([result.firstInsert, result.secondInsert]).toEqual([true, false]);
      const after = await store.getConversation(ws, conv.id);
      expect(after).toMatchObject({
        unreadCount: 2,
        lastMessageAt: '2030-01-01T00:00:01.000Z',
        lastMessagePreview: 'preview 2',
        lastInboundAt: '2030-01-01T00:00:01.000Z',
        windowExpiresAt: '2030-01-02T00:00:00.000Z',
      });
      expect((await store.getInboundEvent(ev.id))?.status).toBe('processed');
      expect((await store.findMessageByProviderId(conn.id, 'hot-p1'))?.content).toEqual({ type: 'text', text: 'hi' });
      const outbox = (await store.listUnpublishedOutbox(10_000)).filter((r) => r.key === 'hot');
      expect(outbox.map((r) => r.payload)).toEqual([{ n: 1 }, { n: 2 }]);
      expect((await store.listUnpublishedOutbox(10_000)).length).toBe(seqBefore + 2);
      await store.markOutboxPublished(
        outbox.map((r) => r.seq),
        now(),
      );
      // a failing transaction leaves nothing behind
      const rolled = { ...ev, id: newId('evt'), eventKey: 'hot-2' };
      await expect(
        store.transaction(async (tx) => {
          await tx.insertInboundEvents([rolled]);
          await tx.insertOutbox([{ topic: 'events', key: 'hot-rolled', workspaceId: ws, payload: {} }], now());
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await store.getInboundEvent(rolled.id)).toBeUndefined();
      expect((await store.listUnpublishedOutbox(10_000)).some((r) => r.key === 'hot-rolled')).toBe(false);
    });

    it('rolls a failed transaction back entirely', async () => {
      const { store, ws } = ctx;
      const id = newId('ct');
      await expect(
        store.transaction(async (tx) => {
          await tx.insertContact({
            id,
            workspaceId: ws,
            name: 'ghost',
            attributes: {},
            createdAt: now(),
            updatedAt: now(),
          });
          await tx.routing.insertTeam({
            id: `team-${id}`,
            workspaceId: ws,
            name: 'ghost',
            lastAssignedUserId: null,
            createdAt: now(),
            updatedAt: now(),
          });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.getContact(ws, id)).toBeUndefined();
      expect(await store.routing.getTeam(ws, `team-${id}`)).toBeUndefined();
    });
  });
}
