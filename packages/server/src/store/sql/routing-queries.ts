/**
 * @module store/sql/routing-queries
 * The RoutingStoreOps port (core/ports/routing-store.ts) over Kysely, for both dialects: rules, teams and
 * their round-robin cursor, routing fields of conversations, the timeline, and the per-message routing marks.
 */
import { sql, type Selectable } from 'kysely';
import type {
  ConversationEventRecord,
  ConversationRecord,
  ConversationRoutingPatch,
  PageQuery,
  RoutingRuleRecord,
  RoutingStoreOps,
  TeamMemberRecord,
  TeamRecord,
} from '../../core/ports/index.js';
import { newId } from '../../model/index.js';
import type { ConversationsTable, RoutingRulesTable, TeamsTable } from './schema.js';
import type { Db } from './queries.js';
import { toConversation } from './conversation-queries.js';
import { page } from './pagination.js';

/** rows per statement of the batched routing queries (well under both databases' bound-parameter limits) */
const CHUNK = 200;

function toRule(r: Selectable<RoutingRulesTable>): RoutingRuleRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    connectionId: r.connection_id,
    position: Number(r.position),
    name: r.name,
    enabled: Boolean(r.enabled),
    conditions: JSON.parse(r.conditions) as RoutingRuleRecord['conditions'],
    actions: JSON.parse(r.actions) as RoutingRuleRecord['actions'],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toTeam(r: Selectable<TeamsTable>): TeamRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    lastAssignedUserId: r.last_assigned_user_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function routingQueries(db: Db): RoutingStoreOps {
  return {
    async listRoutingRules(workspaceId, filter) {
      let q = db.selectFrom('routing_rules').selectAll().where('workspace_id', '=', workspaceId);
      if (filter.connectionId === null) q = q.where('connection_id', 'is', null);
      else if (filter.connectionId !== undefined) q = q.where('connection_id', '=', filter.connectionId);
      const rows = await q
        .orderBy(sql`case when connection_id is null then 1 else 0 end`)
        .orderBy('connection_id')
        .orderBy('position')
        .orderBy('id')
        .execute();
      return rows.map(toRule);
    },
    async rulesForConnection(workspaceId, connectionId) {
      const rows = await db
        .selectFrom('routing_rules')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where((eb) => eb.or([eb('connection_id', '=', connectionId), eb('connection_id', 'is', null)]))
        .orderBy(sql`case when connection_id is null then 1 else 0 end`)
        .orderBy('position')
        .orderBy('id')
        .execute();
      return rows.map(toRule);
    },
    async getRoutingRule(workspaceId, id) {
      const r = await db
        .selectFrom('routing_rules')
        .selectAll()
        .where('id', '=', id)
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      return r && toRule(r);
    },
    async insertRoutingRule(row) {
      await db
        .insertInto('routing_rules')
        .values({
          id: row.id,
          workspace_id: row.workspaceId,
          connection_id: row.connectionId,
          position: row.position,
          name: row.name,
          enabled: row.enabled ? 1 : 0,
          conditions: JSON.stringify(row.conditions),
          actions: JSON.stringify(row.actions),
          created_at: row.createdAt,
          updated_at: row.updatedAt,
        })
        .execute();
    },
    async updateRoutingRule(workspaceId, id, patch) {
      const set: Partial<Selectable<RoutingRulesTable>> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
      if (patch.conditions !== undefined) set.conditions = JSON.stringify(patch.conditions);
      if (patch.actions !== undefined) set.actions = JSON.stringify(patch.actions);
      if (patch.position !== undefined) set.position = patch.position;
      if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
      const r = await db
        .updateTable('routing_rules')
        .set(set)
        .where('id', '=', id)
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async deleteRoutingRule(workspaceId, id) {
      const r = await db
        .deleteFrom('routing_rules')
        .where('id', '=', id)
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async nextRoutingRulePosition(workspaceId, connectionId) {
      let q = db
        .selectFrom('routing_rules')
        .select(sql<number | null>`max(position)`.as('p'))
        .where('workspace_id', '=', workspaceId);
      q = connectionId === null ? q.where('connection_id', 'is', null) : q.where('connection_id', '=', connectionId);
      const r = await q.executeTakeFirst();
      return r?.p === null || r?.p === undefined ? 0 : Number(r.p) + 1;
    },

    async insertTeam(row) {
      await db
        .insertInto('teams')
        .values({
          id: row.id,
          workspace_id: row.workspaceId,
          name: row.name,
          last_assigned_user_id: row.lastAssignedUserId,
          created_at: row.createdAt,
          updated_at: row.updatedAt,
        })
        .execute();
    },
    async getTeam(workspaceId, id) {
      const r = await db
        .selectFrom('teams')
        .selectAll()
        .where('id', '=', id)
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      return r && toTeam(r);
    },
    async listTeams(workspaceId, q: PageQuery) {
      let query = db.selectFrom('teams').selectAll().where('workspace_id', '=', workspaceId);
      if (q.cursor) query = query.where('id', '>', q.cursor);
      return page(
        (
          await query
            .orderBy('id')
            .limit(q.limit + 1)
            .execute()
        ).map(toTeam),
        q.limit,
      );
    },
    async updateTeam(workspaceId, id, patch) {
      const r = await db
        .updateTable('teams')
        .set({ ...(patch.name !== undefined ? { name: patch.name } : {}), updated_at: patch.updatedAt })
        .where('id', '=', id)
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async deleteTeam(workspaceId, id) {
      const team = await db
        .selectFrom('teams')
        .select('id')
        .where('id', '=', id)
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      if (!team) return false;
      await db
        .updateTable('conversations')
        .set({ team_id: null })
        .where('team_id', '=', id)
        .where('workspace_id', '=', workspaceId)
        .execute();
      await db.deleteFrom('team_members').where('team_id', '=', id).execute();
      await db.deleteFrom('teams').where('id', '=', id).execute();
      return true;
    },
    async replaceTeamMembers(teamId, members: TeamMemberRecord[]) {
      const team = await db.selectFrom('teams').select('workspace_id').where('id', '=', teamId).executeTakeFirst();
      if (!team) return;
      await db.deleteFrom('team_members').where('team_id', '=', teamId).execute();
      if (members.length === 0) return;
      await db
        .insertInto('team_members')
        .values(
          members.map((m) => ({
            id: newId('tm'),
            team_id: teamId,
            workspace_id: team.workspace_id,
            user_id: m.userId,
            capacity: m.capacity,
          })),
        )
        .execute();
    },
    async listTeamMembers(teamIds) {
      if (teamIds.length === 0) return [];
      const rows = await db
        .selectFrom('team_members')
        .select(['team_id', 'user_id', 'capacity'])
        .where('team_id', 'in', teamIds)
        .orderBy('team_id')
        .orderBy('user_id')
        .execute();
      return rows.map((r) => ({ teamId: r.team_id, userId: r.user_id, capacity: Number(r.capacity) }));
    },
    async teamsOfUser(workspaceId, userId) {
      const rows = await db
        .selectFrom('team_members')
        .select('team_id')
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .orderBy('team_id')
        .execute();
      return rows.map((r) => r.team_id);
    },
    async lockTeam(teamId) {
      const r = await db
        .updateTable('teams')
        .set((eb) => ({ version: eb('version', '+', 1) }))
        .where('id', '=', teamId)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return undefined;
      const row = await db.selectFrom('teams').selectAll().where('id', '=', teamId).executeTakeFirst();
      return row && toTeam(row);
    },
    async setTeamCursor(teamId, userId) {
      await db.updateTable('teams').set({ last_assigned_user_id: userId }).where('id', '=', teamId).execute();
    },
    async lockUsers(userIds) {
      // a no-op write takes the row lock on both dialects; sorted, so two pickers never wait on each other in a circle
      for (const id of [...userIds].sort())
        await db
          .updateTable('users')
          .set((eb) => ({ email: eb.ref('email') }))
          .where('id', '=', id)
          .execute();
    },
    async openAssignedCounts(workspaceId, userIds) {
      const counts = new Map<string, number>(userIds.map((u) => [u, 0]));
      if (userIds.length === 0) return counts;
      const rows = await db
        .selectFrom('conversations')
        .select(['assignee_id', sql<number>`count(*)`.as('n')])
        .where('workspace_id', '=', workspaceId)
        .where('assignee_id', 'in', userIds)
        .where('status', '!=', 'resolved')
        .groupBy('assignee_id')
        .execute();
      for (const r of rows) if (r.assignee_id) counts.set(r.assignee_id, Number(r.n));
      return counts;
    },
    async listWaitingInTeam(teamId, limit) {
      const rows = await db
        .selectFrom('conversations')
        .selectAll()
        .where('team_id', '=', teamId)
        .where('assignee_id', 'is', null)
        .where('handler', '=', 'human')
        .where('status', '!=', 'resolved')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toConversation);
    },

    async setConversationRouting(id, patch: ConversationRoutingPatch, expect = {}) {
      const set: Partial<Selectable<ConversationsTable>> = { updated_at: patch.updatedAt };
      if (patch.handler !== undefined) set.handler = patch.handler;
      if (patch.agentId !== undefined) set.agent_id = patch.agentId;
      if (patch.teamId !== undefined) set.team_id = patch.teamId;
      if (patch.assigneeId !== undefined) set.assignee_id = patch.assigneeId;
      if (patch.tags !== undefined) set.tags = JSON.stringify(patch.tags);
      let q = db.updateTable('conversations').set(set).where('id', '=', id);
      if (expect.handler !== undefined)
        q = expect.handler === null ? q.where('handler', 'is', null) : q.where('handler', '=', expect.handler);
      if (expect.assigneeId !== undefined)
        q =
          expect.assigneeId === null
            ? q.where('assignee_id', 'is', null)
            : q.where('assignee_id', '=', expect.assigneeId);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async previousConversation(contactId, excludeId, connectionId) {
      let q = db
        .selectFrom('conversations')
        .selectAll()
        .where('contact_id', '=', contactId)
        .where('id', '!=', excludeId);
      if (connectionId) q = q.where('connection_id', '=', connectionId);
      const r = await q.orderBy('id', 'desc').limit(1).executeTakeFirst();
      return r && toConversation(r);
    },

    async insertConversationEvents(rows: ConversationEventRecord[]) {
      if (rows.length === 0) return;
      await db
        .insertInto('conversation_events')
        .values(
          rows.map((e) => ({
            id: e.id,
            workspace_id: e.workspaceId,
            conversation_id: e.conversationId,
            type: e.type,
            actor: e.actor,
            data: JSON.stringify(e.data),
            at: e.at,
          })),
        )
        .execute();
    },
    async listConversationEvents(conversationId, q) {
      let query = db.selectFrom('conversation_events').selectAll().where('conversation_id', '=', conversationId);
      if (q.cursor) query = query.where('id', '>', q.cursor);
      const rows = await query
        .orderBy('id')
        .limit(q.limit + 1)
        .execute();
      return page(
        rows.map((r) => ({
          id: r.id,
          workspaceId: r.workspace_id,
          conversationId: r.conversation_id,
          type: r.type,
          actor: r.actor,
          data: JSON.parse(r.data) as Record<string, unknown>,
          at: r.at,
        })),
        q.limit,
      );
    },

    async claimRouting(row, at, staleBefore, state = 'claimed') {
      const inserted = await db
        .insertInto('routing_marks')
        .values({
          message_id: row.messageId,
          workspace_id: row.workspaceId,
          conversation_id: row.conversationId,
          state,
          claimed_at: at,
          finished_at: state === 'done' ? at : null,
        })
        .onConflict((oc) => oc.column('message_id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return 'claimed';
      const taken = await db
        .updateTable('routing_marks')
        .set({ claimed_at: at })
        .where('message_id', '=', row.messageId)
        .where('state', '=', 'claimed')
        .where('claimed_at', '<', staleBefore)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) > 0) return 'taken-over';
      const current = await db
        .selectFrom('routing_marks')
        .select('state')
        .where('message_id', '=', row.messageId)
        .executeTakeFirst();
      return current?.state === 'done' ? 'done' : 'busy';
    },
    async finishRouting(messageId, at) {
      await db
        .updateTable('routing_marks')
        .set({ state: 'done', finished_at: at })
        .where('message_id', '=', messageId)
        .execute();
    },
    // the batched fast path of the routing consumer (core/routing/routing-batch.ts)
    async conversationsForRouting(ids) {
      const out: ConversationRecord[] = [];
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += CHUNK) {
        const rows = await db
          .selectFrom('conversations')
          .selectAll()
          .where('id', 'in', unique.slice(i, i + CHUNK))
          .execute();
        for (const r of rows) out.push(toConversation(r));
      }
      return out;
    },
    async markRoutedDone(rows, at) {
      const inserted = new Set<string>();
      for (let i = 0; i < rows.length; i += CHUNK) {
        const values = rows.slice(i, i + CHUNK).map((row) => ({
          message_id: row.messageId,
          workspace_id: row.workspaceId,
          conversation_id: row.conversationId,
          state: 'done',
          claimed_at: at,
          finished_at: at,
        }));
        const r = await db
          .insertInto('routing_marks')
          .values(values)
          .onConflict((oc) => oc.column('message_id').doNothing())
          .returning('message_id')
          .execute();
        for (const x of r) inserted.add(x.message_id);
      }
      return inserted;
    },
    async releaseRouting(messageId) {
      await db.deleteFrom('routing_marks').where('message_id', '=', messageId).where('state', '=', 'claimed').execute();
    },
    async listStaleRoutingClaims(before, limit) {
      const rows = await db
        .selectFrom('routing_marks')
        .select(['message_id', 'conversation_id', 'workspace_id'])
        .where('state', '=', 'claimed')
        .where('claimed_at', '<', before)
        .orderBy('claimed_at')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        messageId: r.message_id,
        conversationId: r.conversation_id,
        workspaceId: r.workspace_id,
      }));
    },
    async listUnroutedWork(publishedSince, afterSeq, limit) {
      const rows = await db
        .selectFrom('outbox')
        .select(['seq', 'payload'])
        .where('published_at', '>=', publishedSince)
        .where('topic', '=', 'routing')
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      const work = rows.map((r) => {
        const p = JSON.parse(r.payload) as { messageId?: unknown; conversationId?: unknown; workspaceId?: unknown };
        return {
          seq: Number(r.seq),
          messageId: String(p.messageId),
          conversationId: String(p.conversationId),
          workspaceId: String(p.workspaceId),
        };
      });
      if (work.length === 0) return { work: [], lastSeq: null };
      const marked = new Set(
        (
          await db
            .selectFrom('routing_marks')
            .select('message_id')
            .where(
              'message_id',
              'in',
              work.map((w) => w.messageId),
            )
            .execute()
        ).map((r) => r.message_id),
      );
      return {
        work: work.filter((w) => !marked.has(w.messageId)).map(({ seq: _seq, ...w }) => w),
        lastSeq: work[work.length - 1]?.seq ?? null,
      };
    },
  };
}
