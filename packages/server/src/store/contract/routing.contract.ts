/**
 * Store contract, routing (`store.routing`): teams and their round-robin cursor, the conversation reads routing
 * needs, and the batched routing marks. Rules, the per-message claim, the timeline, lost work and assignment under
 * concurrency are covered, on both dialects, by store/sql/routing-queries.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { TeamRecord } from '../../core/ports/index.js';
import { now, storedConversation, type StoreContext } from './context.js';

export function routingContract(ctx: StoreContext): void {
  describe('routing', () => {
    const team = (name: string, overrides: Partial<TeamRecord> = {}): TeamRecord => ({
      id: newId('team'),
      workspaceId: ctx.ws,
      name,
      lastAssignedUserId: null,
      createdAt: now(),
      updatedAt: now(),
      ...overrides,
    });
    const operator = async (): Promise<string> => {
      const id = newId('usr');
      await ctx.store.insertUser({
        id,
        workspaceId: ctx.ws,
        email: `${id}@example.com`,
        name: id,
        role: 'operator',
        passwordHash: null,
        createdAt: now(),
      });
      return id;
    };

    it('keeps teams per workspace, in pages; renames within the workspace', async () => {
      const { store } = ctx;
      const ws = newId('ws');
      await store.insertWorkspace({ id: ws, name: 'teams', createdAt: now() });
      const [a, b, c] = [
        team('A', { workspaceId: ws }),
        team('B', { workspaceId: ws }),
        team('C', { workspaceId: ws }),
      ];
      for (const t of [a, b, c]) await store.routing.insertTeam(t);
      expect(await store.routing.getTeam(ws, a.id)).toEqual(a);
      expect(await store.routing.getTeam(ctx.otherWs, a.id)).toBeUndefined();
      const first = await store.routing.listTeams(ws, { limit: 2 });
      expect(first.data).toEqual([a, b]);
      expect(await store.routing.listTeams(ws, { limit: 2, cursor: first.nextCursor ?? undefined })).toEqual({
        data: [c],
        nextCursor: null,
      });
      expect(await store.routing.updateTeam(ctx.otherWs, a.id, { name: 'stolen', updatedAt: now() })).toBe(false);
      expect(await store.routing.updateTeam(ws, a.id, { name: 'Sales', updatedAt: '2030-01-01T00:00:00.000Z' })).toBe(
        true,
      );
      expect(await store.routing.getTeam(ws, a.id)).toEqual({
        ...a,
        name: 'Sales',
        updatedAt: '2030-01-01T00:00:00.000Z',
      });
      expect(await store.routing.updateTeam(ws, a.id, { updatedAt: '2030-01-02T00:00:00.000Z' })).toBe(true);
      expect((await store.routing.getTeam(ws, a.id))?.name).toBe('Sales');
    });

    it("replaces members, finds a user's teams, locks a team and moves its cursor", async () => {
      const { store, ws } = ctx;
      const [u1, u2] = [await operator(), await operator()];
      const t = team('Support');
      await store.routing.insertTeam(t);
      await store.routing.replaceTeamMembers(t.id, [
        { teamId: t.id, userId: u1, capacity: 2 },
        { teamId: t.id, userId: u2, capacity: 5 },
      ]);
      await store.routing.replaceTeamMembers(t.id, [{ teamId: t.id, userId: u2, capacity: 4 }]);
      expect(await store.routing.listTeamMembers([t.id])).toEqual([{ teamId: t.id, userId: u2, capacity: 4 }]);
      expect(await store.routing.listTeamMembers([])).toEqual([]);
      expect(await store.routing.teamsOfUser(ws, u2)).toEqual([t.id]);
      expect(await store.routing.teamsOfUser(ws, u1)).toEqual([]);
      await store.routing.replaceTeamMembers(newId('team'), [{ teamId: 'x', userId: u1, capacity: 1 }]); // unknown team: nothing happens
      expect(await store.routing.teamsOfUser(ws, u1)).toEqual([]);

      const locked = await store.transaction(async (tx) => {
        const row = await tx.routing.lockTeam(t.id);
        await tx.routing.lockUsers([u2, u1]);
        await tx.routing.setTeamCursor(t.id, u2);
        return row;
      });
      expect(locked).toEqual(t);
      expect((await store.routing.getTeam(ws, t.id))?.lastAssignedUserId).toBe(u2);
      expect(await store.routing.lockTeam(newId('team'))).toBeUndefined();
      // locking users writes nothing visible
      expect((await store.getUser(ws, u1))?.email).toBe(`${u1}@example.com`);
    });

    it("finds the contact's previous conversation, on the connection when given", async () => {
      const { store, connection } = ctx;
      const contactId = newId('ct');
      await store.insertContact({
        id: contactId,
        workspaceId: ctx.ws,
        name: null,
        attributes: {},
        createdAt: now(),
        updatedAt: now(),
      });
      const other = { ...connection, id: newId('conn') };
      await store.insertConnection(other);
      const older = await storedConversation(ctx, { contactId });
      const elsewhere = await storedConversation(ctx, { contactId, connectionId: other.id });
      const current = await storedConversation(ctx, { contactId });
      expect((await store.routing.previousConversation(contactId, current.id))?.id).toBe(elsewhere.id);
      expect((await store.routing.previousConversation(contactId, current.id, connection.id))?.id).toBe(older.id);
      expect(await store.routing.previousConversation(contactId, older.id, connection.id)).toMatchObject({
        id: current.id,
        handler: null,
        tags: [],
      });
      expect(await store.routing.previousConversation(newId('ct'), current.id)).toBeUndefined();
    });

    it('reads many conversations at once and marks many messages routed once', async () => {
      const { store, ws } = ctx;
      const convs = [await storedConversation(ctx), await storedConversation(ctx)];
      const read = await store.routing.conversationsForRouting([
        convs[0]!.id,
        convs[1]!.id,
        convs[0]!.id,
        newId('conv'),
      ]);
      expect(read.map((c) => c.id).sort()).toEqual(convs.map((c) => c.id).sort());
      expect(read[0]).toMatchObject({ handler: null, agentId: null, teamId: null, tags: [] });
      expect(await store.routing.conversationsForRouting([])).toEqual([]);
      // more rows than one statement carries
      const work = Array.from({ length: 450 }, (_, i) => ({
        messageId: newId('msg'),
        conversationId: convs[i % 2]!.id,
        workspaceId: ws,
      }));
      const claimed = { messageId: work[7]!.messageId, conversationId: work[7]!.conversationId, workspaceId: ws };
      expect(await store.routing.claimRouting(claimed, now(), now(-60_000))).toBe('claimed');
      const inserted = await store.routing.markRoutedDone(work, now());
      expect(inserted.size).toBe(449);
      expect(inserted.has(claimed.messageId)).toBe(false);
      expect((await store.routing.markRoutedDone(work.slice(0, 3), now())).size).toBe(0);
      expect(await store.routing.claimRouting(work[0]!, now(), now(1000))).toBe('done');
      expect(await store.routing.claimRouting(claimed, now(), now(-60_000))).toBe('busy');
    });
  });
}
