/**
 * @module store/sql/agent-queries
 * The AgentStoreOps port (core/ports/agent-store.ts) over Kysely, for both dialects: agents, their channels
 * (desired and applied), sessions and idempotent turns.
 */
import type { Selectable } from 'kysely';
import type {
  AgentConnectionRecord,
  AgentRecord,
  AgentSessionRecord,
  AgentStoreOps,
  AgentTurnClaim,
  AgentTurnRecord,
  ConnectionStatus,
  Page,
  PageQuery,
} from '../../core/ports/index.js';
import type { AgentConnectionsTable, AgentsTable, AgentTurnsTable } from './schema.js';
import { Queries, json, parseJson } from './queries.js';
import { page } from './pagination.js';

function toAgent(r: Selectable<AgentsTable>): AgentRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    kind: r.kind as AgentRecord['kind'],
    name: r.name,
    description: r.description,
    config: parseJson<Record<string, unknown>>(r.config),
    status: r.status as ConnectionStatus,
    statusReason: r.status_reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toAgentConnection(r: Selectable<AgentConnectionsTable>): AgentConnectionRecord {
  return {
    agentId: r.agent_id,
    connectionId: r.connection_id,
    attached: Boolean(r.attached),
    inbound: Boolean(r.inbound),
    activeAttached: Boolean(r.active_attached),
    activeInbound: Boolean(r.active_inbound),
    updatedAt: r.updated_at,
  };
}

function toAgentTurn(r: Selectable<AgentTurnsTable>): AgentTurnRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    agentId: r.agent_id,
    messageId: r.message_id,
    conversationId: r.conversation_id,
    status: r.status as AgentTurnRecord['status'],
    outcome: parseJson<Record<string, unknown> | null>(r.outcome),
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

export class AgentQueries extends Queries implements AgentStoreOps {
  async insertAgent(row: AgentRecord): Promise<void> {
    await this.db
      .insertInto('agents')
      .values({
        id: row.id,
        workspace_id: row.workspaceId,
        kind: row.kind,
        name: row.name,
        description: row.description,
        config: json(row.config),
        status: row.status,
        status_reason: row.statusReason,
        created_at: row.createdAt,
        updated_at: row.updatedAt,
      })
      .execute();
  }
  async getAgent(workspaceId: string, id: string): Promise<AgentRecord | undefined> {
    const r = await this.db
      .selectFrom('agents')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return r && toAgent(r);
  }
  async listAgents(workspaceId: string, q: PageQuery): Promise<Page<AgentRecord>> {
    let query = this.db.selectFrom('agents').selectAll().where('workspace_id', '=', workspaceId);
    if (q.cursor) query = query.where('id', '>', q.cursor);
    return page(
      (
        await query
          .orderBy('id')
          .limit(q.limit + 1)
          .execute()
      ).map(toAgent),
      q.limit,
    );
  }
  async listAgentsByStatus(statuses: ConnectionStatus[]): Promise<AgentRecord[]> {
    return (await this.db.selectFrom('agents').selectAll().where('status', 'in', statuses).orderBy('id').execute()).map(
      toAgent,
    );
  }
  async updateAgent(
    workspaceId: string,
    id: string,
    patch: Partial<Pick<AgentRecord, 'name' | 'description' | 'config' | 'updatedAt'>>,
  ): Promise<boolean> {
    const set: Partial<Selectable<AgentsTable>> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.config !== undefined) set.config = json(patch.config);
    if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
    const r = await this.db
      .updateTable('agents')
      .set(set)
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async setAgentStatus(
    id: string,
    status: ConnectionStatus,
    reason: string | null,
    at: string,
    from?: ConnectionStatus[],
  ): Promise<boolean> {
    let q = this.db.updateTable('agents').set({ status, status_reason: reason, updated_at: at }).where('id', '=', id);
    if (from) q = q.where('status', 'in', from);
    return Number((await q.executeTakeFirst()).numUpdatedRows) > 0;
  }
  async deleteAgent(workspaceId: string, id: string): Promise<boolean> {
    if (!(await this.getAgent(workspaceId, id))) return false;
    for (const table of ['agent_connections', 'agent_sessions', 'agent_turns'] as const)
      await this.db.deleteFrom(table).where('agent_id', '=', id).execute();
    const r = await this.db
      .deleteFrom('agents')
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  async listAgentConnections(agentId: string): Promise<AgentConnectionRecord[]> {
    return (
      await this.db
        .selectFrom('agent_connections')
        .selectAll()
        .where('agent_id', '=', agentId)
        .orderBy('connection_id')
        .execute()
    ).map(toAgentConnection);
  }
  async getAgentConnection(agentId: string, connectionId: string): Promise<AgentConnectionRecord | undefined> {
    const r = await this.db
      .selectFrom('agent_connections')
      .selectAll()
      .where('agent_id', '=', agentId)
      .where('connection_id', '=', connectionId)
      .executeTakeFirst();
    return r && toAgentConnection(r);
  }
  async setAgentConnections(
    workspaceId: string,
    agentId: string,
    rows: Array<{ connectionId: string; inbound: boolean }>,
    at: string,
  ): Promise<void> {
    // detach first (and give up inbound), so that moving inbound between rows of this agent never trips the index
    await this.db
      .updateTable('agent_connections')
      .set({ attached: 0, inbound: 0, updated_at: at })
      .where('agent_id', '=', agentId)
      .execute();
    // rows neither wanted nor applied are gone for good
    await this.db
      .deleteFrom('agent_connections')
      .where('agent_id', '=', agentId)
      .where('active_attached', '=', 0)
      .where('active_inbound', '=', 0)
      .execute();
    for (const row of rows) {
      await this.db
        .insertInto('agent_connections')
        .values({
          id: `${agentId}:${row.connectionId}`,
          workspace_id: workspaceId,
          agent_id: agentId,
          connection_id: row.connectionId,
          attached: 1,
          inbound: row.inbound ? 1 : 0,
          active_attached: 0,
          active_inbound: 0,
          created_at: at,
          updated_at: at,
        })
        .onConflict((oc) =>
          oc
            .columns(['agent_id', 'connection_id'])
            .doUpdateSet({ attached: 1, inbound: row.inbound ? 1 : 0, updated_at: at }),
        )
        .execute();
    }
  }
  async findInboundHolder(
    connectionId: string,
    exceptAgentId: string,
  ): Promise<{ id: string; name: string } | undefined> {
    const r = await this.db
      .selectFrom('agent_connections')
      .innerJoin('agents', 'agents.id', 'agent_connections.agent_id')
      .select(['agents.id', 'agents.name'])
      .where('agent_connections.connection_id', '=', connectionId)
      .where('agent_connections.inbound', '=', 1)
      .where('agent_connections.agent_id', '!=', exceptAgentId)
      .executeTakeFirst();
    return r && { id: r.id, name: r.name };
  }
  async applyAgentConnections(agentId: string, at: string): Promise<void> {
    const mine = this.db
      .selectFrom('agent_connections')
      .select('connection_id')
      .where('agent_id', '=', agentId)
      .where('inbound', '=', 1);
    await this.db
      .updateTable('agent_connections')
      .set({ active_inbound: 0, updated_at: at })
      .where('agent_id', '!=', agentId)
      .where('active_inbound', '=', 1)
      .where('connection_id', 'in', mine)
      .execute();
    await this.db.deleteFrom('agent_connections').where('agent_id', '=', agentId).where('attached', '=', 0).execute();
    await this.db
      .updateTable('agent_connections')
      .set((eb) => ({ active_attached: eb.ref('attached'), active_inbound: eb.ref('inbound'), updated_at: at }))
      .where('agent_id', '=', agentId)
      .execute();
  }
  async findActiveInboundAgent(workspaceId: string, connectionId: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('agent_connections')
      .innerJoin('agents', 'agents.id', 'agent_connections.agent_id')
      .select('agents.id')
      .where('agent_connections.connection_id', '=', connectionId)
      .where('agent_connections.active_inbound', '=', 1)
      .where('agents.workspace_id', '=', workspaceId)
      .where('agents.status', '=', 'RUNNING')
      .executeTakeFirst();
    return r?.id;
  }
  async getAgentSession(agentId: string, conversationId: string): Promise<AgentSessionRecord | undefined> {
    const r = await this.db
      .selectFrom('agent_sessions')
      .selectAll()
      .where('agent_id', '=', agentId)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    return (
      r && {
        id: r.id,
        workspaceId: r.workspace_id,
        agentId: r.agent_id,
        conversationId: r.conversation_id,
        state: parseJson<Record<string, unknown>>(r.state),
        turns: Number(r.turns),
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }
    );
  }
  async saveAgentSession(row: AgentSessionRecord): Promise<void> {
    await this.db
      .insertInto('agent_sessions')
      .values({
        id: row.id,
        workspace_id: row.workspaceId,
        agent_id: row.agentId,
        conversation_id: row.conversationId,
        state: json(row.state),
        turns: row.turns,
        created_at: row.createdAt,
        updated_at: row.updatedAt,
      })
      .onConflict((oc) =>
        oc
          .columns(['agent_id', 'conversation_id'])
          .doUpdateSet({ state: json(row.state), turns: row.turns, updated_at: row.updatedAt }),
      )
      .execute();
  }
  async claimAgentTurn(row: AgentTurnRecord, staleBefore: string): Promise<AgentTurnClaim> {
    const inserted = await this.db
      .insertInto('agent_turns')
      .values({
        id: row.id,
        workspace_id: row.workspaceId,
        agent_id: row.agentId,
        message_id: row.messageId,
        conversation_id: row.conversationId,
        status: 'running',
        outcome: null,
        started_at: row.startedAt,
        finished_at: null,
      })
      .onConflict((oc) => oc.columns(['agent_id', 'message_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0)
      return { kind: 'claimed', turn: { ...row, status: 'running', outcome: null, finishedAt: null } };
    const existing = await this.db
      .selectFrom('agent_turns')
      .selectAll()
      .where('agent_id', '=', row.agentId)
      .where('message_id', '=', row.messageId)
      .executeTakeFirst();
    if (!existing) return { kind: 'busy' };
    if (existing.status === 'done') return { kind: 'done', turn: toAgentTurn(existing) };
    if (existing.started_at >= staleBefore) return { kind: 'busy' };
    // a worker died mid-turn: take it over (compare-and-set on the start time)
    const taken = await this.db
      .updateTable('agent_turns')
      .set({ started_at: row.startedAt })
      .where('id', '=', existing.id)
      .where('status', '=', 'running')
      .where('started_at', '=', existing.started_at)
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) > 0
      ? { kind: 'claimed', turn: { ...toAgentTurn(existing), startedAt: row.startedAt } }
      : { kind: 'busy' };
  }
  async finishAgentTurn(id: string, outcome: Record<string, unknown>, at: string): Promise<void> {
    await this.db
      .updateTable('agent_turns')
      .set({ status: 'done', outcome: json(outcome), finished_at: at })
      .where('id', '=', id)
      .execute();
  }
  async releaseAgentTurn(id: string): Promise<void> {
    await this.db.deleteFrom('agent_turns').where('id', '=', id).where('status', '=', 'running').execute();
  }
}
