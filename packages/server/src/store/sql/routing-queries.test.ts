/**
 * The routing part of the store on SQLite and on a fresh PostgreSQL database: rule order and workspace scoping,
 * the exactly-once routing claim (claim, busy, stale take-over, release, done), lost-work detection, and team
 * round-robin that never overfills a member when many workers hand out one team's inbox at the same time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { CoreDeps } from '../../core/deps.js';
import type { ConversationRecord, RoutingRuleRecord, Store } from '../../core/ports/index.js';
import { TeamService } from '../../core/teams/team-service.js';
import { openTestStore } from '../../testing/test-databases.js';

const at = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

const sqlite = () => openTestStore('sqlite', 'routing');
const postgres = () => openTestStore('postgres', 'routing', 6);

for (const [dialect, open] of [
  ['sqlite', sqlite],
  ['postgres', postgres],
] as const) {
  describe(`routing store: ${dialect}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    const ws = newId('ws');
    const other = newId('ws');
    const conn = newId('conn');
    const users = [newId('usr'), newId('usr'), newId('usr')];

    const conversation = async (patch: Partial<ConversationRecord> = {}): Promise<ConversationRecord> => {
      const contactId = newId('ct');
      await store.insertContact({
        id: contactId,
        workspaceId: ws,
        name: null,
        attributes: {},
        createdAt: at(),
        updatedAt: at(),
      });
      const c: ConversationRecord = {
        id: newId('conv'),
        workspaceId: ws,
        contactId,
        connectionId: conn,
        channelType: 'webchat',
        address: contactId,
        threadKey: null,
        status: 'open',
        assigneeId: null,
        senderAddress: null,
        windowExpiresAt: null,
        lastInboundAt: null,
        lastBusinessTemplateAt: null,
        lastMessageAt: null,
        lastMessagePreview: null,
        unreadCount: 0,
        createdAt: at(),
        updatedAt: at(),
        ...patch,
      };
      await store.insertConversation(c);
      return c;
    };
    const rule = (connectionId: string | null, name: string, position: number): RoutingRuleRecord => ({
      id: newId('rr'),
      workspaceId: ws,
      connectionId,
      position,
      name,
      enabled: true,
      conditions: { keywords: ['x'] },
      actions: [{ type: 'tag', tag: name }],
      createdAt: at(),
      updatedAt: at(),
    });

    beforeAll(async () => {
      ({ store, dispose } = await open());
      await store.migrate();
      for (const id of [ws, other]) await store.insertWorkspace({ id, name: id, createdAt: at() });
      await store.insertConnection({
        id: conn,
        workspaceId: ws,
        type: 'webchat',
        name: 'c',
        description: '',
        config: {},
        status: 'RUNNING',
        statusReason: null,
        deprecated: false,
        createdAt: at(),
        updatedAt: at(),
      });
      for (const [i, id] of users.entries())
        await store.insertUser({
          id,
          workspaceId: ws,
          email: `u${i}@example.com`,
          name: `u${i}`,
          role: 'operator',
          passwordHash: null,
          createdAt: at(),
        });
    }, 30_000);
    afterAll(async () => dispose());

    it("rules: the connection's own by position, then workspace-wide; positions per scope; scoped by workspace", async () => {
      const wide = rule(null, 'wide', 0);
      const second = rule(conn, 'second', 1);
      const first = rule(conn, 'first', 0);
      for (const r of [wide, second, first]) await store.routing.insertRoutingRule(r);
      expect((await store.routing.rulesForConnection(ws, conn)).map((r) => r.name)).toEqual([
        'first',
        'second',
        'wide',
      ]);
      expect(await store.routing.nextRoutingRulePosition(ws, conn)).toBe(2);
      expect(await store.routing.nextRoutingRulePosition(ws, null)).toBe(1);
      expect(await store.routing.nextRoutingRulePosition(other, null)).toBe(0);
      expect((await store.routing.listRoutingRules(ws, { connectionId: null })).map((r) => r.name)).toEqual(['wide']);
      expect(await store.routing.getRoutingRule(other, first.id)).toBeUndefined();
      expect(await store.routing.updateRoutingRule(other, first.id, { name: 'hijacked', updatedAt: at() })).toBe(false);
      expect(await store.routing.deleteRoutingRule(other, first.id)).toBe(false);
      expect(
        await store.routing.updateRoutingRule(ws, first.id, {
          enabled: false,
          conditions: { regex: 'a+' },
          updatedAt: at(),
        }),
      ).toBe(true);
      expect(await store.routing.getRoutingRule(ws, first.id)).toMatchObject({
        name: 'first',
        enabled: false,
        conditions: { regex: 'a+' },
        actions: [{ type: 'tag', tag: 'first' }],
      });
      expect(await store.routing.deleteRoutingRule(ws, wide.id)).toBe(true);
    });

    it('routing marks: one claim per message; busy, stale take-over, release and done', async () => {
      const c = await conversation();
      const work = { messageId: newId('msg'), conversationId: c.id, workspaceId: ws };
      expect(await store.routing.claimRouting(work, at(), at(-60_000))).toBe('claimed');
      expect(await store.routing.claimRouting(work, at(), at(-60_000))).toBe('busy');
      // its worker died: after the lease another takes it over, once
      expect(await store.routing.listStaleRoutingClaims(at(1000), 10)).toContainEqual(work);
      expect(await store.routing.claimRouting(work, at(), at(1000))).toBe('taken-over');
      expect(await store.routing.claimRouting(work, at(), at(-60_000))).toBe('busy');
      await store.routing.releaseRouting(work.messageId);
      expect(await store.routing.claimRouting(work, at(), at(-60_000))).toBe('claimed');
      await store.routing.finishRouting(work.messageId, at());
      expect(await store.routing.claimRouting(work, at(), at(1000))).toBe('done');
      expect(await store.routing.listStaleRoutingClaims(at(1000), 10)).not.toContainEqual(work);
      // nothing to run: marked done in one statement
      const quiet = { messageId: newId('msg'), conversationId: c.id, workspaceId: ws };
      expect(await store.routing.claimRouting(quiet, at(), at(-60_000), 'done')).toBe('claimed');
      expect(await store.routing.claimRouting(quiet, at(), at(1000))).toBe('done');
      expect(await store.routing.listStaleRoutingClaims(at(1000), 10)).not.toContainEqual(quiet);
    });

    it('finds routing work that was published but never routed', async () => {
      const c = await conversation();
      const lost = { messageId: newId('msg'), conversationId: c.id, workspaceId: ws };
      const routed = { messageId: newId('msg'), conversationId: c.id, workspaceId: ws };
      const pending = { messageId: newId('msg'), conversationId: c.id, workspaceId: ws };
      const since = at(-1000);
      await store.insertOutbox(
        [lost, routed].map((p) => ({ topic: 'routing', key: c.id, workspaceId: ws, payload: p })),
        at(),
      );
      await store.insertOutbox([{ topic: 'events', key: c.id, workspaceId: ws, payload: { type: 'x' } }], at());
      const rows = await store.listUnpublishedOutbox(1000);
      await store.markOutboxPublished(
        rows.map((r) => r.seq),
        at(),
      );
      // still unpublished: the relay will deliver it, recovery leaves it alone
      await store.insertOutbox([{ topic: 'routing', key: c.id, workspaceId: ws, payload: pending }], at());
      await store.routing.claimRouting(routed, at(), at());
      const found: string[] = [];
      let after = 0;
      for (;;) {
        const page = await store.routing.listUnroutedWork(since, after, 1);
        found.push(...page.work.map((w) => w.messageId));
        if (page.lastSeq === null) break;
        after = page.lastSeq;
      }
      expect(found).toEqual([lost.messageId]);
    });

    it('timeline events page oldest first, per conversation', async () => {
      const c = await conversation();
      const events = ['rule.fired', 'tagged', 'assigned'].map((type) => ({
        id: newId('tev'),
        workspaceId: ws,
        conversationId: c.id,
        type,
        actor: 'system',
        data: { type },
        at: at(),
      }));
      await store.routing.insertConversationEvents(events);
      const first = await store.routing.listConversationEvents(c.id, { limit: 2 });
      expect(first.data.map((e) => e.type)).toEqual(['rule.fired', 'tagged']);
      const rest = await store.routing.listConversationEvents(c.id, { limit: 2, cursor: first.nextCursor ?? '' });
      expect(rest).toMatchObject({ data: [{ type: 'assigned', data: { type: 'assigned' } }], nextCursor: null });
    });

    it('conversation routing fields: compare-and-set on the handler, read back by every conversation read', async () => {
      const c = await conversation();
      expect(await store.getConversation(ws, c.id)).toMatchObject({
        handler: null,
        agentId: null,
        teamId: null,
        tags: [],
      });
      expect(
        await store.routing.setConversationRouting(
          c.id,
          { handler: 'agent', agentId: 'agt_1', tags: ['a', 'b'], updatedAt: at() },
          { handler: null },
        ),
      ).toBe(true);
      expect(
        await store.routing.setConversationRouting(c.id, { handler: 'human', updatedAt: at() }, { handler: null }),
      ).toBe(false);
      expect(await store.getConversation(ws, c.id)).toMatchObject({
        handler: 'agent',
        agentId: 'agt_1',
        tags: ['a', 'b'],
      });
      expect((await store.listConversations(ws, {}, { limit: 200 })).data.find((x) => x.id === c.id)).toMatchObject({
        handler: 'agent',
        tags: ['a', 'b'],
      });
    });

    it('round-robin under concurrency: members take turns and nobody goes over capacity', async () => {
      const team = newId('team');
      await store.routing.insertTeam({
        id: team,
        workspaceId: ws,
        name: 'Support',
        lastAssignedUserId: null,
        createdAt: at(),
        updatedAt: at(),
      });
      await store.routing.replaceTeamMembers(
        team,
        users.map((userId, i) => ({ teamId: team, userId, capacity: i + 1 })),
      );
      expect(await store.routing.teamsOfUser(ws, users[0] as string)).toContain(team);
      expect((await store.routing.listTeamMembers([team])).map((m) => m.capacity)).toEqual([1, 2, 3]);
      for (let i = 0; i < 10; i++)
        await conversation({ handler: 'human', teamId: team } as Partial<ConversationRecord>);
      // insertConversation does not write routing fields: put them in the inbox
      const all = (await store.listConversations(ws, {}, { limit: 200 })).data
        .filter((c) => c.teamId === null && c.handler === null)
        .slice(0, 10);
      for (const c of all)
        await store.routing.setConversationRouting(c.id, { handler: 'human', teamId: team, updatedAt: at() });
      const deps = { store, clock: { now: () => new Date() }, afterCommit: () => undefined } as unknown as CoreDeps;
      const teams = new TeamService(deps);
      // five workers drain the same inbox at once
      const handed = await Promise.all(Array.from({ length: 5 }, () => teams.drain(ws, team)));
      expect(handed.reduce((a, b) => a + b, 0)).toBe(6);
      const load = await store.routing.openAssignedCounts(ws, users);
      expect(users.map((u) => load.get(u))).toEqual([1, 2, 3]);
      expect(await store.routing.listWaitingInTeam(team, 100)).toHaveLength(4);
      // one resolved: its member takes the next waiting conversation, the others stay full
      const ofFirst = (await store.listConversations(ws, {}, { limit: 200 })).data.find(
        (c) => c.assigneeId === users[0],
      ) as ConversationRecord;
      await store.updateConversation(ofFirst.id, { status: 'resolved', updatedAt: at() });
      expect(await teams.drain(ws, team)).toBe(1);
      expect((await store.routing.openAssignedCounts(ws, users)).get(users[0] as string)).toBe(1);
      expect(await store.routing.listWaitingInTeam(team, 100)).toHaveLength(3);
      // deleting the team empties its inbox
      expect(await store.routing.deleteTeam(other, team)).toBe(false);
      expect(await store.routing.deleteTeam(ws, team)).toBe(true);
      expect(await store.routing.listWaitingInTeam(team, 100)).toHaveLength(0);
    }, 30_000);

    it('two teams sharing an operator never both fill their capacity at the same time', async () => {
      const shared = newId('usr');
      await store.insertUser({
        id: shared,
        workspaceId: ws,
        email: 'shared@example.com',
        name: 'shared',
        role: 'operator',
        passwordHash: null,
        createdAt: at(),
      });
      const teamIds = [newId('team'), newId('team')];
      for (const id of teamIds) {
        await store.routing.insertTeam({
          id,
          workspaceId: ws,
          name: id,
          lastAssignedUserId: null,
          createdAt: at(),
          updatedAt: at(),
        });
        await store.routing.replaceTeamMembers(id, [{ teamId: id, userId: shared, capacity: 3 }]);
        for (let i = 0; i < 4; i++) {
          const c = await conversation();
          await store.routing.setConversationRouting(c.id, { handler: 'human', teamId: id, updatedAt: at() });
        }
      }
      const teams = new TeamService({
        store,
        clock: { now: () => new Date() },
        afterCommit: () => undefined,
      } as unknown as CoreDeps);
      // both inboxes drained at once, twice over: capacity counts the operator's open conversations in every team
      const handed = await Promise.all([...teamIds, ...teamIds].map((id) => teams.drain(ws, id)));
      expect(handed.reduce((a, b) => a + b, 0)).toBe(3);
      expect((await store.routing.openAssignedCounts(ws, [shared])).get(shared)).toBe(3);
    }, 30_000);
  });
}
