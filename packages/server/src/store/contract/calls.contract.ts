/**
 * Store contract, calls: one call per (connection, provider call id) — a second insert is refused, not a twin —,
 * reads scoped by workspace, state moved only by compare-and-set from the state the caller read, the calls of a
 * conversation in order, and the per-channel counts /metrics reports.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { CallRecord } from '../../core/ports/index.js';
import { newConnection, now, storedConversation, type StoreContext } from './context.js';

export function callsContract(ctx: StoreContext): void {
  describe('calls', () => {
    const call = (conversationId: string, connectionId: string, patch: Partial<CallRecord> = {}): CallRecord => ({
      id: newId('call'),
      workspaceId: ctx.ws,
      conversationId,
      connectionId,
      providerCallId: `CA${newId('call')}`,
      direction: 'inbound',
      from: '+14155550100',
      to: '+15005550006',
      state: 'ringing',
      startedAt: now(),
      answeredAt: null,
      endedAt: null,
      durationSeconds: null,
      answeredBy: null,
      hangupCause: null,
      agentId: null,
      createdAt: now(),
      updatedAt: now(),
      ...patch,
    });

    it('names the agent a call was placed for once, the first name kept', async () => {
      const { store } = ctx;
      const conn = newConnection(ctx, { type: 'x-voice' });
      await store.insertConnection(conn);
      const conv = await storedConversation(ctx, { connectionId: conn.id });
      const placed = call(conv.id, conn.id);
      expect(await store.insertCall(placed)).toBe(true);
      expect((await store.getCall(ctx.ws, placed.id))?.agentId).toBeNull();
      expect(await store.setCallAgent(placed.id, 'agt_first')).toBe(true);
      expect(await store.setCallAgent(placed.id, 'agt_second')).toBe(false);
      expect((await store.getCall(ctx.ws, placed.id))?.agentId).toBe('agt_first');
      const named = call(conv.id, conn.id, { agentId: 'agt_named' });
      expect(await store.insertCall(named)).toBe(true);
      expect((await store.findCallByProviderId(conn.id, named.providerCallId))?.agentId).toBe('agt_named');
    });

    it('keeps one call per provider id on a connection, scoped by workspace, listed by conversation', async () => {
      const { store } = ctx;
      const conn = newConnection(ctx, { type: 'x-voice' });
      await store.insertConnection(conn);
      const conv = await storedConversation(ctx, { connectionId: conn.id });
      const first = call(conv.id, conn.id, { startedAt: now(-2000) });
      expect(await store.insertCall(first)).toBe(true);
      expect(await store.insertCall({ ...first, id: newId('call') })).toBe(false);
      expect(await store.findCallByProviderId(conn.id, first.providerCallId)).toEqual(first);
      expect(await store.getCall(ctx.ws, first.id)).toEqual(first);
      expect(await store.getCall(ctx.otherWs, first.id)).toBeUndefined();
      const second = call(conv.id, conn.id, { startedAt: now(-1000), direction: 'outbound' });
      expect(await store.insertCall(second)).toBe(true);
      expect((await store.listCallsOfConversation(ctx.ws, conv.id)).map((c) => c.id)).toEqual([first.id, second.id]);
      expect(await store.listCallsOfConversation(ctx.otherWs, conv.id)).toEqual([]);
    });

    it("lists a connection's calls not yet ended, oldest first, no other connection's", async () => {
      const { store } = ctx;
      const conn = newConnection(ctx, { type: 'x-voice' });
      const other = newConnection(ctx, { type: 'x-voice' });
      await store.insertConnection(conn);
      await store.insertConnection(other);
      const conv = await storedConversation(ctx, { connectionId: conn.id });
      const live = call(conv.id, conn.id, { state: 'in-progress', startedAt: now(-3000), answeredAt: now(-2500) });
      const ringing = call(conv.id, conn.id, { startedAt: now(-2000) });
      const ended = call(conv.id, conn.id, { state: 'completed', startedAt: now(-4000), endedAt: now(-3500) });
      const failed = call(conv.id, conn.id, { state: 'failed', startedAt: now(-1000), endedAt: now(-500) });
      for (const c of [live, ringing, ended, failed]) expect(await store.insertCall(c)).toBe(true);
      const elsewhere = await storedConversation(ctx, { connectionId: other.id });
      await store.insertCall(call(elsewhere.id, other.id));
      expect((await store.listOpenCallsOfConnection(conn.id, 10)).map((c) => c.id)).toEqual([live.id, ringing.id]);
      expect((await store.listOpenCallsOfConnection(conn.id, 1)).map((c) => c.id)).toEqual([live.id]);
      await store.updateCallState(live.id, 'in-progress', { state: 'completed', endedAt: now(), updatedAt: now() });
      expect((await store.listOpenCallsOfConnection(conn.id, 10)).map((c) => c.id)).toEqual([ringing.id]);
    });

    it('moves a call by compare-and-set from the state read, and counts calls by channel and state', async () => {
      const { store } = ctx;
      const conn = newConnection(ctx, { type: 'x-voice-stats' });
      await store.insertConnection(conn);
      const conv = await storedConversation(ctx, { connectionId: conn.id });
      const c = call(conv.id, conn.id);
      await store.insertCall(c);
      const answered = { state: 'in-progress' as const, answeredAt: now(), answeredBy: 'agent:a1', updatedAt: now() };
      expect(await store.updateCallState(c.id, 'ringing', answered)).toBe(true);
      // a second writer that read `ringing` too is refused
      expect(await store.updateCallState(c.id, 'ringing', { state: 'busy', updatedAt: now() })).toBe(false);
      const ended = {
        state: 'completed' as const,
        endedAt: now(),
        durationSeconds: 42,
        hangupCause: 'caller hung up',
        updatedAt: now(),
      };
      expect(await store.updateCallState(c.id, 'in-progress', ended)).toBe(true);
      expect(await store.getCall(ctx.ws, c.id)).toMatchObject({ ...answered, ...ended });
      await store.insertCall(call(conv.id, conn.id, { state: 'busy', durationSeconds: 0 }));
      const stats = (await store.callStats()).filter((s) => s.channelType === 'x-voice-stats');
      expect(stats).toEqual([
        { channelType: 'x-voice-stats', state: 'busy', count: 1, durationSeconds: 0 },
        { channelType: 'x-voice-stats', state: 'completed', count: 1, durationSeconds: 42 },
      ]);
      // ended calls only (the busy one ended at once, 0 s): cumulative counts under each bound
      await store.insertCall(
        call(conv.id, conn.id, { state: 'completed', durationSeconds: 5, endedAt: now(), answeredAt: now(-5000) }),
      );
      await store.insertCall(call(conv.id, conn.id, { state: 'busy', durationSeconds: 0, endedAt: now() }));
      const histogram = (await store.callDurationHistogram([5, 60])).filter((s) => s.channelType === 'x-voice-stats');
      expect(histogram).toEqual([
        { channelType: 'x-voice-stats', state: 'busy', buckets: [1, 1], count: 1, sumSeconds: 0 },
        { channelType: 'x-voice-stats', state: 'completed', buckets: [1, 2], count: 2, sumSeconds: 47 },
      ]);
      await store.deleteConnection(ctx.ws, conn.id);
      expect(await store.getCall(ctx.ws, c.id)).toBeUndefined();
    });
  });
}
