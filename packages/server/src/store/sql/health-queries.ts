/**
 * @module store/sql/health-queries
 * The HealthStoreOps port (core/ports/health-store.ts) over Kysely, for both dialects: one row per connection in
 * connection_health (0027_connection_health), and the activity counts read from messages (indexed by connection,
 * direction and time in the same migration).
 */
import type {
  ConnectionActivity,
  ConnectionHealthRecord,
  HealthCheckRecord,
  HealthState,
  HealthStoreOps,
  HourlyCount,
  ProviderCallRecord,
  ProviderCallStats,
} from '../../core/ports/index.js';
import { sql } from 'kysely';
import { Queries } from './queries.js';

interface Row {
  connection_id: string;
  workspace_id: string;
  state: string;
  checks: string;
  updated_at: string;
}

const toRecord = (r: Row): ConnectionHealthRecord => ({
  connectionId: r.connection_id,
  workspaceId: r.workspace_id,
  state: r.state as HealthState,
  checks: JSON.parse(r.checks) as HealthCheckRecord[],
  updatedAt: r.updated_at,
});

export class HealthQueries extends Queries implements HealthStoreOps {
  async getConnectionHealth(workspaceId: string, connectionId: string): Promise<ConnectionHealthRecord | undefined> {
    const row = await this.db
      .selectFrom('connection_health')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('connection_id', '=', connectionId)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async listConnectionHealth(workspaceId: string): Promise<ConnectionHealthRecord[]> {
    const rows = await this.db
      .selectFrom('connection_health')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('connection_id')
      .execute();
    return rows.map(toRecord);
  }

  async listAllConnectionHealth(): Promise<ConnectionHealthRecord[]> {
    const rows = await this.db.selectFrom('connection_health').selectAll().orderBy('connection_id').execute();
    return rows.map(toRecord);
  }

  async putConnectionHealth(record: ConnectionHealthRecord): Promise<void> {
    const values = {
      connection_id: record.connectionId,
      workspace_id: record.workspaceId,
      state: record.state,
      checks: JSON.stringify(record.checks),
      updated_at: record.updatedAt,
    };
    await this.db
      .insertInto('connection_health')
      .values(values)
      .onConflict((oc) =>
        oc
          .column('connection_id')
          .doUpdateSet({ state: values.state, checks: values.checks, updated_at: values.updated_at }),
      )
      .execute();
  }

  async connectionActivity(connectionId: string, since: string): Promise<ConnectionActivity> {
    const last = async (direction: 'inbound' | 'outbound') => {
      const row = await this.db
        .selectFrom('messages')
        .select('created_at')
        .where('connection_id', '=', connectionId)
        .where('direction', '=', direction)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row?.created_at ?? null;
    };
    const counts = await this.db
      .selectFrom('messages')
      .select((eb) => [
        eb.fn.countAll<string | number>().as('outbound'),
        eb.fn
          .sum<string | number | null>(
            eb
              .case()
              .when(eb.or([eb('status', '=', 'failed'), eb.and([eb('status', '=', 'queued'), eb('attempts', '>', 0)])]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('trouble'),
      ])
      .where('connection_id', '=', connectionId)
      .where('direction', '=', 'outbound')
      .where('created_at', '>=', since)
      .executeTakeFirst();
    return {
      lastInboundAt: await last('inbound'),
      lastOutboundAt: await last('outbound'),
      outbound: Number(counts?.outbound ?? 0),
      outboundTrouble: Number(counts?.trouble ?? 0),
    };
  }

  async insertProviderCalls(calls: ProviderCallRecord[]): Promise<void> {
    if (calls.length === 0) return;
    await this.db
      .insertInto('provider_calls')
      .values(
        calls.map((c) => ({
          id: c.id,
          connection_id: c.connectionId,
          workspace_id: c.workspaceId,
          at: c.at,
          outcome: c.outcome,
          duration_ms: Math.max(0, Math.round(c.durationMs)),
        })),
      )
      .execute();
  }

  async providerCallStats(
    connectionId: string,
    since: string,
    options: { durations?: boolean } = {},
  ): Promise<ProviderCallStats> {
    const counts = await this.db
      .selectFrom('provider_calls')
      .select(['outcome', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('connection_id', '=', connectionId)
      .where('at', '>=', since)
      .groupBy('outcome')
      .execute();
    const recent = await this.db
      .selectFrom('provider_calls')
      .select(['outcome', 'duration_ms'])
      .where('connection_id', '=', connectionId)
      .where('at', '>=', since)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.durations ? 5000 : 10)
      .execute();
    const by = new Map(counts.map((r) => [r.outcome, Number(r.n)]));
    const calls = [...by.values()].reduce((a, b) => a + b, 0);
    const rateLimited = by.get('RATE_LIMITED') ?? 0;
    const unavailable = by.get('UNAVAILABLE') ?? 0;
    return {
      calls,
      rateLimited,
      unavailable,
      otherErrors: calls - rateLimited - unavailable - (by.get('ok') ?? 0),
      latest: recent.slice(0, 10).map((r) => r.outcome),
      durationsMs: options.durations ? recent.map((r) => Number(r.duration_ms)) : [],
    };
  }

  async pruneProviderCalls(before: string): Promise<number> {
    const result = await this.db.deleteFrom('provider_calls').where('at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async recentInboundTimes(connectionId: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('messages')
      .select('created_at')
      .where('connection_id', '=', connectionId)
      .where('direction', '=', 'inbound')
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => r.created_at);
  }

  async hourlyMessageCounts(connectionId: string, since: string): Promise<HourlyCount[]> {
    // created_at is ISO 8601 text in both dialects: its first 13 characters are the hour (2026-12-07T14)
    const hour = sql<string>`substr(created_at, 1, 13)`;
    const rows = await this.db
      .selectFrom('messages')
      .select([hour.as('hour'), 'direction', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('connection_id', '=', connectionId)
      .where('created_at', '>=', since)
      .groupBy([hour, 'direction'])
      .execute();
    const out = new Map<string, HourlyCount>();
    for (const r of rows) {
      const entry = out.get(r.hour) ?? { hour: r.hour, inbound: 0, outbound: 0 };
      if (r.direction === 'inbound') entry.inbound += Number(r.n);
      else entry.outbound += Number(r.n);
      out.set(r.hour, entry);
    }
    return [...out.values()].sort((a, b) => a.hour.localeCompare(b.hour));
  }
}
