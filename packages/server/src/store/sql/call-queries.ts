/**
 * @module store/sql/call-queries
 * The CallStoreOps port (core/ports/call-store.ts) over Kysely, for both dialects: `calls` (0032_calls), unique on
 * (connection, provider call id) so two writers of one call's first event cannot create twins, and state moves as
 * compare-and-set so out-of-order callbacks never move a call backwards.
 */
import { sql } from 'kysely';
import type { CallDirection, CallState } from '../../model/index.js';
import type { CallDurationHistogram, CallPatch, CallRecord, CallStats, CallStoreOps } from '../../core/ports/index.js';
import { Queries } from './queries.js';
import type { CallsTable } from './schema.js';

const toRecord = (r: CallsTable): CallRecord => ({
  id: r.id,
  workspaceId: r.workspace_id,
  conversationId: r.conversation_id,
  connectionId: r.connection_id,
  providerCallId: r.provider_call_id,
  direction: r.direction as CallDirection,
  from: r.from_addr,
  to: r.to_addr,
  state: r.state as CallState,
  startedAt: r.started_at,
  answeredAt: r.answered_at,
  endedAt: r.ended_at,
  durationSeconds: r.duration_seconds === null ? null : Number(r.duration_seconds),
  answeredBy: r.answered_by,
  hangupCause: r.hangup_cause,
  agentId: r.agent_id ?? null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class CallQueries extends Queries implements CallStoreOps {
  async insertCall(call: CallRecord): Promise<boolean> {
    const r = await this.db
      .insertInto('calls')
      .values({
        id: call.id,
        workspace_id: call.workspaceId,
        conversation_id: call.conversationId,
        connection_id: call.connectionId,
        provider_call_id: call.providerCallId,
        direction: call.direction,
        from_addr: call.from,
        to_addr: call.to,
        state: call.state,
        started_at: call.startedAt,
        answered_at: call.answeredAt,
        ended_at: call.endedAt,
        duration_seconds: call.durationSeconds,
        answered_by: call.answeredBy,
        hangup_cause: call.hangupCause,
        agent_id: call.agentId,
        created_at: call.createdAt,
        updated_at: call.updatedAt,
      })
      .onConflict((oc) => oc.columns(['connection_id', 'provider_call_id']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async findCallByProviderId(connectionId: string, providerCallId: string): Promise<CallRecord | undefined> {
    const row = await this.db
      .selectFrom('calls')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('provider_call_id', '=', providerCallId)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async getCall(workspaceId: string, id: string): Promise<CallRecord | undefined> {
    const row = await this.db
      .selectFrom('calls')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async listCallsOfConversation(workspaceId: string, conversationId: string): Promise<CallRecord[]> {
    const rows = await this.db
      .selectFrom('calls')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('conversation_id', '=', conversationId)
      .orderBy('started_at')
      .orderBy('id')
      .execute();
    return rows.map(toRecord);
  }

  async listOpenCallsOfConnection(connectionId: string, limit: number): Promise<CallRecord[]> {
    const rows = await this.db
      .selectFrom('calls')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('state', 'in', ['ringing', 'in-progress'])
      .orderBy('started_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  async updateCallState(id: string, expected: CallState, patch: CallPatch): Promise<boolean> {
    const set: Partial<CallsTable> = { updated_at: patch.updatedAt };
    if (patch.state !== undefined) set.state = patch.state;
    if (patch.answeredAt !== undefined) set.answered_at = patch.answeredAt;
    if (patch.endedAt !== undefined) set.ended_at = patch.endedAt;
    if (patch.durationSeconds !== undefined) set.duration_seconds = patch.durationSeconds;
    if (patch.answeredBy !== undefined) set.answered_by = patch.answeredBy;
    if (patch.hangupCause !== undefined) set.hangup_cause = patch.hangupCause;
    const r = await this.db
      .updateTable('calls')
      .set(set)
      .where('id', '=', id)
      .where('state', '=', expected)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async setCallAgent(id: string, agentId: string): Promise<boolean> {
    const r = await this.db
      .updateTable('calls')
      .set({ agent_id: agentId })
      .where('id', '=', id)
      .where('agent_id', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async callDurationHistogram(bounds: number[]): Promise<CallDurationHistogram[]> {
    const safe = bounds.filter((b) => Number.isFinite(b) && b >= 0).map((b) => Math.floor(b));
    let q = this.db
      .selectFrom('calls')
      .innerJoin('connections', 'connections.id', 'calls.connection_id')
      .where('calls.ended_at', 'is not', null)
      .where('calls.duration_seconds', 'is not', null)
      .select([
        'connections.type as channelType',
        'calls.state as state',
        sql<number>`count(*)`.as('count'),
        sql<number>`coalesce(sum(calls.duration_seconds), 0)`.as('sum'),
      ]);
    for (const [i, bound] of safe.entries())
      q = q.select(
        sql<number>`sum(case when calls.duration_seconds <= ${sql.lit(bound)} then 1 else 0 end)`.as(`b${i}`),
      ) as unknown as typeof q;
    const rows = (await q
      .groupBy(['connections.type', 'calls.state'])
      .orderBy('connections.type')
      .orderBy('calls.state')
      .execute()) as unknown as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      channelType: String(r.channelType),
      state: r.state as CallState,
      buckets: safe.map((_, i) => Number(r[`b${i}`] ?? 0)),
      count: Number(r.count),
      sumSeconds: Number(r.sum),
    }));
  }

  async callStats(): Promise<CallStats[]> {
    const rows = await this.db
      .selectFrom('calls')
      .innerJoin('connections', 'connections.id', 'calls.connection_id')
      .select([
        'connections.type as channelType',
        'calls.state as state',
        sql<number>`count(*)`.as('count'),
        sql<number>`coalesce(sum(calls.duration_seconds), 0)`.as('duration'),
      ])
      .groupBy(['connections.type', 'calls.state'])
      .orderBy('connections.type')
      .orderBy('calls.state')
      .execute();
    return rows.map((r) => ({
      channelType: r.channelType,
      state: r.state as CallState,
      count: Number(r.count),
      durationSeconds: Number(r.duration),
    }));
  }
}
