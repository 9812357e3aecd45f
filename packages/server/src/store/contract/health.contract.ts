/**
 * Store contract, connection health: one row per connection replaced on every check, scoped by workspace, and the
 * activity counts the hub-side checks read (last inbound/outbound, outbound failed or waiting for a retry).
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
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

    it('keeps provider calls with their outcomes and durations, counts them since a moment, and prunes old ones', async () => {
      const { store } = ctx;
      const conn = newConnection(ctx);
      await store.insertConnection(conn);
      const call = (outcome: string, ms: number, durationMs: number) => ({
        id: newId('pcall'),
        connectionId: conn.id,
        workspaceId: ctx.ws,
        at: now(ms),
        outcome,
        durationMs,
      });
      await store.insertProviderCalls([
        call('ok', -7_200_000, 900), // before the window
        call('ok', -50_000, 120),
        call('UNAVAILABLE', -40_000, 2000),
        call('RATE_LIMITED', -30_000, 15),
        call('REJECTED', -20_000, 80),
        call('ok', -10_000, 100),
      ]);
      await store.insertProviderCalls([]);
      const stats = await store.providerCallStats(conn.id, now(-3_600_000), { durations: true });
      expect(stats).toMatchObject({ calls: 5, rateLimited: 1, unavailable: 1, otherErrors: 1 });
      expect(stats.latest).toEqual(['ok', 'REJECTED', 'RATE_LIMITED', 'UNAVAILABLE', 'ok']);
      expect([...stats.durationsMs].sort((a, b) => a - b)).toEqual([15, 80, 100, 120, 2000]);
      expect((await store.providerCallStats(conn.id, now(-3_600_000))).durationsMs).toEqual([]);
      expect(await store.pruneProviderCalls(now(-3_600_000))).toBeGreaterThanOrEqual(1);
      expect((await store.providerCallStats(conn.id, now(-86_400_000))).calls).toBe(5);
    });

    it('lists the latest inbound times and counts messages per hour', async () => {
      const { store } = ctx;
      const conn = newConnection(ctx);
      await store.insertConnection(conn);
      const conv = await storedConversation(ctx, { connectionId: conn.id });
      const at = (iso: string, direction: 'inbound' | 'outbound') => ({
        ...newMessage(ctx, conv.id, null, {
          connectionId: conn.id,
          direction,
          status: direction === 'inbound' ? ('received' as const) : ('sent' as const),
        }),
        createdAt: iso,
      });
      await store.insertMessage(at('2026-01-01T09:59:00.000Z', 'inbound'));
      await store.insertMessage(at('2026-01-01T10:05:00.000Z', 'inbound'));
      await store.insertMessage(at('2026-01-01T10:40:00.000Z', 'outbound'));
      await store.insertMessage(at('2026-01-01T12:01:00.000Z', 'inbound'));
      expect(await store.recentInboundTimes(conn.id, 2)).toEqual([
        '2026-01-01T12:01:00.000Z',
        '2026-01-01T10:05:00.000Z',
      ]);
      expect(await store.hourlyMessageCounts(conn.id, '2026-01-01T10:00:00.000Z')).toEqual([
        { hour: '2026-01-01T10', inbound: 1, outbound: 1 },
        { hour: '2026-01-01T12', inbound: 1, outbound: 0 },
      ]);
    });

    it('claims a notification mark once per interval, scoped by workspace, and restores a claim that was not sent', async () => {
      const { store } = ctx;
      const key = `health:${newId('conn')}`;
      const mark = { workspaceId: ctx.ws, key, state: 'warning', sentAt: now() };
      expect(await store.getNotificationMark(ctx.ws, key)).toBeUndefined();
      // no mark yet: the first claim wins
      expect(await store.claimNotificationMark(mark, now(-60_000))).toBe(true);
      expect(await store.getNotificationMark(ctx.ws, key)).toEqual(mark);
      expect(await store.getNotificationMark(ctx.otherWs, key)).toBeUndefined();
      // a second claim within the interval (the last mail went after lastSentBefore) loses, and changes nothing
      const next = { ...mark, state: 'healthy', sentAt: now(1000) };
      expect(await store.claimNotificationMark(next, now(-60_000))).toBe(false);
      expect(await store.getNotificationMark(ctx.ws, key)).toEqual(mark);
      // the other workspace's key of the same name is its own
      expect(await store.claimNotificationMark({ ...next, workspaceId: ctx.otherWs }, now(-60_000))).toBe(true);
      // once the interval passed it wins
      expect(await store.claimNotificationMark(next, now(500))).toBe(true);
      expect((await store.getNotificationMark(ctx.ws, key))?.state).toBe('healthy');
      // the mail could not go: the previous mark is back, or none
      await store.restoreNotificationMark(ctx.ws, key, mark);
      expect(await store.getNotificationMark(ctx.ws, key)).toEqual(mark);
      await store.restoreNotificationMark(ctx.ws, key, undefined);
      expect(await store.getNotificationMark(ctx.ws, key)).toBeUndefined();
      expect((await store.getNotificationMark(ctx.otherWs, key))?.state).toBe('healthy');
    });

    it("stores the workspace's notification channel", async () => {
      const { store } = ctx;
      const conn = newConnection(ctx);
      await store.insertConnection(conn);
      expect(await store.updateWorkspace(ctx.ws, { notificationConnectionId: conn.id })).toBe(true);
      expect((await store.getWorkspace(ctx.ws))?.notificationConnectionId).toBe(conn.id);
      expect((await store.getWorkspace(ctx.otherWs))?.notificationConnectionId ?? null).toBeNull();
      expect(await store.updateWorkspace(ctx.ws, { notificationConnectionId: null })).toBe(true);
      expect((await store.getWorkspace(ctx.ws))?.notificationConnectionId).toBeNull();
    });
  });
}
