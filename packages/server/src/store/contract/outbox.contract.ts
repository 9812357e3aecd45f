/** Store contract, outbox: sequence order, publishing, per-workspace replay, retention, dead letters, queue depths. */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import { newInboundEvent, newMessage, now, storedConversation, type StoreContext } from './context.js';

export function outboxContract(ctx: StoreContext): void {
  describe('outbox', () => {
    it("orders the outbox, publishes it, and replays a workspace's events after a sequence number", async () => {
      const { store, ws, otherWs } = ctx;
      await store.insertOutbox([], now());
      await store.insertOutbox(
        [
          { topic: 'events', key: 'k', workspaceId: ws, payload: { n: 1 } },
          { topic: 'inbound', key: 'k', workspaceId: null, payload: { n: 2 } },
          { topic: 'events', key: 'k', workspaceId: otherWs, payload: { n: 3 } },
        ],
        now(),
      );
      const rows = await store.listUnpublishedOutbox(100);
      const seqs = rows.map((r) => r.seq);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      expect(rows.map((r) => r.payload)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      expect(rows[1]).toMatchObject({ topic: 'inbound', key: 'k', workspaceId: null });
      expect(await store.listEventsSince(ws, (seqs[0] ?? 0) - 1, 100)).toEqual([]); // not published yet
      await store.markOutboxPublished([], now());
      await store.markOutboxPublished(seqs, now());
      expect(await store.listUnpublishedOutbox(100)).toEqual([]);
      const replay = await store.listEventsSince(ws, (seqs[0] ?? 0) - 1, 100);
      expect(replay.map((r) => r.payload)).toEqual([{ n: 1 }]);
      expect(await store.listEventsSince(ws, seqs[0] ?? 0, 100)).toEqual([]);
      expect(await store.pruneOutbox(now(-60_000))).toBe(0);
      await store.insertOutbox([{ topic: 'events', key: 'kept', workspaceId: ws, payload: {} }], now());
      expect(await store.pruneOutbox(now(1000))).toBeGreaterThanOrEqual(3);
      expect((await store.listUnpublishedOutbox(100)).map((r) => r.key)).toEqual(['kept']);
      await store.markOutboxPublished(
        (await store.listUnpublishedOutbox(100)).map((r) => r.seq),
        now(),
      );
    });

    it('keeps dead letters per workspace, newest first, and marks replays', async () => {
      const { store, ws, otherWs } = ctx;
      const dl = (n: number) => ({
        id: newId('dlq'),
        workspaceId: ws,
        topic: 'outbound',
        key: 'k',
        payload: { messageId: `m${n}` },
        error: 'boom',
        deliveries: 8,
        createdAt: now(),
        replayedAt: null,
      });
      const [a, b] = [dl(1), dl(2)];
      await store.insertDeadLetter(a);
      await store.insertDeadLetter(b);
      await store.insertDeadLetter({ ...dl(3), workspaceId: null });
      const first = await store.listDeadLetters(ws, { limit: 1 });
      expect(first.data).toEqual([b]);
      expect(await store.listDeadLetters(ws, { limit: 10, cursor: first.nextCursor ?? undefined })).toEqual({
        data: [a],
        nextCursor: null,
      });
      expect((await store.listDeadLetters(otherWs, { limit: 10 })).data).toEqual([]);
      expect(await store.getDeadLetter(otherWs, a.id)).toBeUndefined();
      await store.markDeadLetterReplayed(a.id, '2030-01-01T00:00:00.000Z');
      expect(await store.getDeadLetter(ws, a.id)).toEqual({ ...a, replayedAt: '2030-01-01T00:00:00.000Z' });
      expect((await store.getDeadLetter(ws, b.id))?.replayedAt).toBeNull();
    });

    it('counts queued outbound messages, pending raw events and unpublished outbox rows', async () => {
      const { store, ws } = ctx;
      const before = await store.countQueued();
      const conv = await storedConversation(ctx);
      await store.insertMessage(newMessage(ctx, conv.id, null, { direction: 'outbound', status: 'queued' }));
      await store.insertMessage(newMessage(ctx, conv.id, `in-${newId('msg')}`));
      const ev = newInboundEvent(ctx);
      await store.insertInboundEvents([ev, newInboundEvent(ctx)]);
      await store.insertOutbox([{ topic: 'events', key: 'count', workspaceId: ws, payload: {} }], now());
      expect(await store.countQueued()).toEqual({
        outboundQueued: before.outboundQueued + 1,
        inboundPending: before.inboundPending + 2,
        outboxUnpublished: before.outboxUnpublished + 1,
      });
      await store.finishInboundEvent(ev.id, 'processed', null, now());
      expect((await store.countQueued()).inboundPending).toBe(before.inboundPending + 1);
      await store.markOutboxPublished(
        (await store.listUnpublishedOutbox(100)).map((r) => r.seq),
        now(),
      );
    });
  });
}
