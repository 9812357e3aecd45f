/**
 * Store contract, webchat visitor addresses: the open conversations one (hashed) client address holds on a connection,
 * counting conversations the pipeline is about to open, a visitor who moved address, and pruning what no longer counts.
 */
import { describe, expect, it } from 'vitest';
import { newConnection, storedConversation, type StoreContext } from './context.js';

export function visitorsContract(ctx: StoreContext): void {
  describe('visitor addresses', () => {
    it('counts visitors per address holding an open conversation or about to open one, and prunes the rest', async () => {
      const { store } = ctx;
      const conn = newConnection(ctx);
      await store.insertConnection(conn);
      const at = (ms: number) => new Date(Date.parse('2026-03-01T10:00:00.000Z') + ms).toISOString();
      const MIN = 60_000;
      // what the cap asks: how many of the address's visitors count, and whether this visitor already does
      const count = async (connectionId: string, addressKey: string, visitorId: string, pendingSince: string) => ({
        total: await store.countAddressConversations(connectionId, addressKey, pendingSince),
        visitorHolds: await store.visitorHoldsConversation(connectionId, visitorId, pendingSince),
      });
      await store.recordVisitorAddress(conn.id, 'vis_1', 'addr-a', at(0));
      await store.recordVisitorAddress(conn.id, 'vis_2', 'addr-a', at(0));
      await store.recordVisitorAddress(conn.id, 'vis_3', 'addr-b', at(0));
      // both of addr-a's first messages are still being processed (no conversation yet): both count
      expect(await count(conn.id, 'addr-a', 'vis_1', at(-10 * MIN))).toEqual({ total: 2, visitorHolds: true });
      expect(await count(conn.id, 'addr-a', 'vis_new', at(-10 * MIN))).toEqual({ total: 2, visitorHolds: false });
      // another connection's visitors never count
      expect(await count(ctx.connection.id, 'addr-a', 'vis_1', at(-10 * MIN))).toEqual({
        total: 0,
        visitorHolds: false,
      });

      const conv1 = await storedConversation(ctx, { connectionId: conn.id, address: 'vis_1', createdAt: at(1000) });
      await storedConversation(ctx, { connectionId: conn.id, address: 'vis_3', createdAt: at(1000) });
      // past the pending window: vis_1 counts by its open conversation, vis_2 (none opened) no longer counts
      expect(await count(conn.id, 'addr-a', 'vis_2', at(MIN))).toEqual({ total: 1, visitorHolds: false });
      expect(await count(conn.id, 'addr-a', 'vis_1', at(MIN))).toEqual({ total: 1, visitorHolds: true });
      // vis_3 holds an open conversation (from addr-b): asking under addr-a it is known as holding one, addr-a's count is unchanged
      expect(await count(conn.id, 'addr-a', 'vis_3', at(MIN))).toEqual({ total: 1, visitorHolds: true });

      // resolved conversations stop counting
      await store.updateConversation(conv1.id, { status: 'resolved', updatedAt: at(2000) });
      expect(await count(conn.id, 'addr-a', 'vis_1', at(MIN))).toEqual({ total: 0, visitorHolds: false });
      // a visitor writing again after its conversation was resolved is pending again from the new record
      await store.recordVisitorAddress(conn.id, 'vis_1', 'addr-a', at(3000));
      expect(await count(conn.id, 'addr-a', 'vis_1', at(2500))).toEqual({ total: 1, visitorHolds: true });
      // a visitor who moved counts under its new address only
      await store.recordVisitorAddress(conn.id, 'vis_2', 'addr-b', at(4000));
      expect(await count(conn.id, 'addr-b', 'vis_2', at(2500))).toEqual({ total: 2, visitorHolds: true });
      expect(await count(conn.id, 'addr-a', 'vis_2', at(2500))).toEqual({ total: 1, visitorHolds: true }); // (it is opening one, from addr-b)

      // pruning forgets everyone recorded before the cutoff without an unresolved conversation: vis_1 and vis_2, not vis_3
      expect(await store.pruneVisitorAddresses(at(1000))).toBe(0);
      expect(await store.pruneVisitorAddresses(at(60 * MIN))).toBe(2);
      expect(await count(conn.id, 'addr-b', 'vis_3', at(60 * MIN))).toEqual({ total: 1, visitorHolds: true });
      expect(await count(conn.id, 'addr-a', 'vis_1', at(0))).toEqual({ total: 0, visitorHolds: false });
    });
  });
}
