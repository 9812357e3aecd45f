/**
 * Store contract, connection health: one row per connection replaced on every check, scoped by workspace, and the
 * activity counts the hub-side checks read (last inbound/outbound, outbound failed or waiting for a retry).
 */
import { describe, expect, it } from 'vitest';
import { newConnection, now, storedConversation, newMessage, type StoreContext } from './context.js';

export function healthContract(ctx: StoreContext): void {
  describe('connection health', () => {
    it('replaces the health of a connection, scoped by workspace, and lists it', async () => {
      const { store } = ctx;
      const conn = newConnection(ctx);
      await store.insertConnection(conn);
      expect(await store.getConnectionHealth(ctx.ws, conn.id)).toBeUndefined();
      const first = {
        connectionId: conn.id,
        workspaceId: ctx.ws,
        state: 'warning' as const,
        checks: [{ name: 'webhook', state: 'warning' as const, detail: 'elsewhere', checkedAt: now() }],
        updatedAt: now(),
      };
      await store.putConnectionHealth(first);
      expect(await store.getConnectionHealth(ctx.ws, conn.id)).toEqual(first);
      const second = { ...first, state: 'healthy' as const, checks: [], updatedAt: now(1) };
      await store.putConnectionHealth(second);
      expect(await store.getConnectionHealth(ctx.ws, conn.id)).toEqual(second);
      expect(await store.getConnectionHealth(ctx.otherWs, conn.id)).toBeUndefined();
      expect((await store.listConnectionHealth(ctx.ws)).map((h) => h.connectionId)).toContain(conn.id);
      expect(await store.listConnectionHealth(ctx.otherWs)).toEqual([]);
      expect((await store.listAllConnectionHealth()).filter((h) => h.connectionId === conn.id)).toEqual([second]);
      await store.deleteConnection(ctx.ws, conn.id);
      expect(await store.getConnectionHealth(ctx.ws, conn.id)).toBeUndefined();
    });

    it("counts a connection's activity: last inbound and outbound, and outbound trouble since a moment", async () => {
      const { store } = ctx;
      const conn = newConnection(ctx);
      await store.insertConnection(conn);
      const since = now(-60_000);
      expect(await store.connectionActivity(conn.id, since)).toEqual({
        lastInboundAt: null,
        lastOutboundAt: null,
        outbound: 0,
        outboundTrouble: 0,
      });
      const conv = await storedConversation(ctx, { connectionId: conn.id });
      const msg = (
        direction: 'inbound' | 'outbound',
        status: 'received' | 'sent' | 'failed' | 'queued',
        ms: number,
      ) => ({ ...newMessage(ctx, conv.id, null, { connectionId: conn.id, direction, status }), createdAt: now(ms) });
      const lastIn = msg('inbound', 'received', -30_000);
      await store.insertMessage(lastIn);
      await store.insertMessage(msg('inbound', 'received', -120_000));
      await store.insertMessage(msg('outbound', 'sent', -10_000));
      await store.insertMessage(msg('outbound', 'failed', -5_000));
      const retrying = msg('outbound', 'queued', -4_000);
      await store.insertMessage(retrying);
      expect(await store.claimForSend(retrying.id, now())).toBe(true);
      await store.scheduleRetry(retrying.id, now(60_000), { code: 'PROVIDER_ERROR', message: 'HTTP 503' });
      const lastOut = msg('outbound', 'queued', -3_000); // queued, never tried: no trouble
      await store.insertMessage(lastOut);
      await store.insertMessage(msg('outbound', 'failed', -600_000)); // before the window
      expect(await store.connectionActivity(conn.id, since)).toEqual({
        lastInboundAt: lastIn.createdAt,
        lastOutboundAt: lastOut.createdAt,
        outbound: 4,
        outboundTrouble: 2,
      });
    });
  });
}
