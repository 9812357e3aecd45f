/**
 * Store contract, agents: workspace scoping, one inbound agent per connection (a unique index), channels desired vs
 * applied at start, sessions per conversation, and turns that run once per inbound message.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { AgentRecord } from '../../core/ports/index.js';
import { newConnection, now, storedConversation, type StoreContext } from './context.js';

export function agentsContract(ctx: StoreContext): void {
  describe('agents', () => {
    const agent = (name: string, overrides: Partial<AgentRecord> = {}): AgentRecord => ({
      id: newId('agt'),
      workspaceId: ctx.ws,
      kind: 'flow',
      name,
      description: '',
      config: { greeting: 'hi' },
      status: 'STOPPED',
      statusReason: null,
      createdAt: now(),
      updatedAt: now(),
      ...overrides,
    });

    it('keeps agents per workspace, updates the given fields, lists by status and in pages', async () => {
      const { store } = ctx;
      const ws = newId('ws');
      await store.insertWorkspace({ id: ws, name: 'agents', createdAt: now() });
      const [a, b, c] = [
        agent('A', { workspaceId: ws }),
        agent('B', { workspaceId: ws, kind: 'llm' }),
        agent('C', { workspaceId: ws, kind: 'webhook' }),
      ];
      for (const row of [a, b, c]) await store.insertAgent(row);
      expect(await store.getAgent(ws, b.id)).toEqual(b);
      expect(await store.getAgent(ctx.otherWs, b.id)).toBeUndefined();
      const first = await store.listAgents(ws, { limit: 2 });
      expect(first.data).toEqual([a, b]);
      expect(await store.listAgents(ws, { limit: 2, cursor: first.nextCursor ?? undefined })).toEqual({
        data: [c],
        nextCursor: null,
      });
      expect(await store.updateAgent(ctx.otherWs, a.id, { name: 'stolen' })).toBe(false);
      expect(
        await store.updateAgent(ws, a.id, {
          name: 'A2',
          config: { greeting: 'hello', key: 'sealed' },
          updatedAt: '2030-01-01T00:00:00.000Z',
        }),
      ).toBe(true);
      expect(await store.getAgent(ws, a.id)).toEqual({
        ...a,
        name: 'A2',
        config: { greeting: 'hello', key: 'sealed' },
        updatedAt: '2030-01-01T00:00:00.000Z',
      });
      expect(await store.updateAgent(ws, a.id, { description: 'menu bot' })).toBe(true);
      expect(await store.getAgent(ws, a.id)).toMatchObject({ name: 'A2', description: 'menu bot' });
      expect(await store.setAgentStatus(c.id, 'ERROR', 'bad key', now())).toBe(true);
      expect(await store.getAgent(ws, c.id)).toMatchObject({ status: 'ERROR', statusReason: 'bad key' });
      const ids = (await store.listAgentsByStatus(['ERROR'])).map((x) => x.id);
      expect(ids).toContain(c.id);
      expect(ids).not.toContain(a.id);
    });

    it('keeps one inbound agent per connection, channels applied at start, turns once', async () => {
      const { store, ws, otherWs } = ctx;
      const connection = newConnection(ctx);
      await store.insertConnection(connection);
      const a = agent('A');
      const b = agent('B');
      await store.insertAgent(a);
      await store.insertAgent(b);
      expect(await store.setAgentStatus(a.id, 'RUNNING', null, now(), ['STOPPED'])).toBe(true);
      expect(await store.setAgentStatus(a.id, 'RUNNING', null, now(), ['STOPPED'])).toBe(false);

      await store.setAgentConnections(ws, a.id, [{ connectionId: connection.id, inbound: true }], now());
      await expect(
        store.setAgentConnections(ws, b.id, [{ connectionId: connection.id, inbound: true }], now()),
      ).rejects.toThrow();
      expect(await store.findInboundHolder(connection.id, b.id)).toEqual({ id: a.id, name: 'A' });
      expect(await store.findInboundHolder(connection.id, a.id)).toBeUndefined();
      await store.setAgentConnections(ws, b.id, [{ connectionId: connection.id, inbound: false }], now());
      // desired, not applied yet
      expect(await store.findActiveInboundAgent(ws, connection.id)).toBeUndefined();
      await store.applyAgentConnections(a.id, now());
      expect(await store.findActiveInboundAgent(ws, connection.id)).toBe(a.id);
      expect(await store.findActiveInboundAgent(otherWs, connection.id)).toBeUndefined();
      expect(await store.listAgentConnections(a.id)).toEqual([
        expect.objectContaining({
          agentId: a.id,
          connectionId: connection.id,
          attached: true,
          inbound: true,
          activeAttached: true,
          activeInbound: true,
        }),
      ]);
      // inbound moves to B: A keeps it until B applies
      await store.setAgentConnections(ws, a.id, [], now());
      expect(await store.getAgentConnection(a.id, connection.id)).toMatchObject({
        attached: false,
        activeAttached: true,
        activeInbound: true,
      });
      expect(await store.getAgentConnection(a.id, newId('conn'))).toBeUndefined();
      await store.setAgentConnections(ws, b.id, [{ connectionId: connection.id, inbound: true }], now());
      expect(await store.findActiveInboundAgent(ws, connection.id)).toBe(a.id);
      await store.setAgentStatus(b.id, 'RUNNING', null, now());
      await store.applyAgentConnections(b.id, now());
      expect(await store.findActiveInboundAgent(ws, connection.id)).toBe(b.id);
      await store.applyAgentConnections(a.id, now());
      expect(await store.listAgentConnections(a.id)).toEqual([]);
      // a stopped agent does not answer, even while it holds the applied inbound
      await store.setAgentStatus(b.id, 'STOPPED', null, now());
      expect(await store.findActiveInboundAgent(ws, connection.id)).toBeUndefined();
      await store.setAgentStatus(b.id, 'RUNNING', null, now());

      const c = await storedConversation(ctx);
      const turn = {
        id: newId('agturn'),
        workspaceId: ws,
        agentId: b.id,
        messageId: 'msg_x',
        conversationId: c.id,
        status: 'running' as const,
        outcome: null,
        startedAt: now(),
        finishedAt: null,
      };
      expect((await store.claimAgentTurn(turn, '2000-01-01T00:00:00.000Z')).kind).toBe('claimed');
      expect((await store.claimAgentTurn({ ...turn, id: newId('agturn') }, '2000-01-01T00:00:00.000Z')).kind).toBe(
        'busy',
      );
      // a crashed worker's turn is taken over once
      const late = now(60_000);
      const takeover = await Promise.all([
        store.claimAgentTurn({ ...turn, id: newId('agturn'), startedAt: late }, late),
        store.claimAgentTurn({ ...turn, id: newId('agturn'), startedAt: late }, late),
      ]);
      expect(takeover.map((x) => x.kind).sort()).toEqual(['busy', 'claimed']);
      await store.finishAgentTurn(turn.id, { replyMessageIds: ['m1'] }, now());
      const done = await store.claimAgentTurn({ ...turn, id: newId('agturn') }, late);
      expect(done.kind === 'done' && done.turn.outcome).toEqual({ replyMessageIds: ['m1'] });
      const other = { ...turn, id: newId('agturn'), messageId: 'msg_y' };
      await store.claimAgentTurn(other, late);
      await store.releaseAgentTurn(other.id);
      expect((await store.claimAgentTurn({ ...other, id: newId('agturn') }, '2000-01-01T00:00:00.000Z')).kind).toBe(
        'claimed',
      );
      // a finished turn is never released
      await store.releaseAgentTurn(turn.id);
      expect((await store.claimAgentTurn({ ...turn, id: newId('agturn') }, late)).kind).toBe('done');

      const session = {
        id: newId('ags'),
        workspaceId: ws,
        agentId: b.id,
        conversationId: c.id,
        state: { at: 'menu', misses: 0 },
        turns: 1,
        createdAt: now(),
        updatedAt: now(),
      };
      expect(await store.getAgentSession(b.id, c.id)).toBeUndefined();
      await store.saveAgentSession(session);
      expect(await store.getAgentSession(b.id, c.id)).toEqual(session);
      await store.saveAgentSession({ ...session, id: newId('ags'), state: { misses: 1 }, turns: 2 });
      expect(await store.getAgentSession(b.id, c.id)).toMatchObject({ id: session.id, state: { misses: 1 }, turns: 2 });

      expect(await store.deleteAgent(otherWs, b.id)).toBe(false);
      expect(await store.deleteAgent(ws, b.id)).toBe(true);
      expect(await store.getAgent(ws, b.id)).toBeUndefined();
      expect(await store.getAgentSession(b.id, c.id)).toBeUndefined();
      expect(await store.listAgentConnections(b.id)).toEqual([]);
      expect(await store.deleteAgent(ws, b.id)).toBe(false);
    });
  });
}
