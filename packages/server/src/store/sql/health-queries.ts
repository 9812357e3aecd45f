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
} from '../../core/ports/index.js';
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
}
