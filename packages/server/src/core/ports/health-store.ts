/**
 * @module core/ports/health-store
 * A connection's health beside its lifecycle status (core/health): the last result of each check, and the counts
 * the hub-side checks are computed from (last inbound and outbound, outbound trouble in a window). Implemented in
 * store/sql/health-queries.ts.
 */

export type HealthState = 'healthy' | 'warning' | 'failing';

export interface HealthCheckRecord {
  /** a stable name: `webhook`, `first_message`, `outbound_errors`, … */
  name: string;
  state: HealthState;
  /** what was found, in the provider's words where it said something, and the fix */
  detail: string;
  checkedAt: string;
}

export interface ConnectionHealthRecord {
  connectionId: string;
  workspaceId: string;
  /** the worst state of its checks */
  state: HealthState;
  checks: HealthCheckRecord[];
  updatedAt: string;
}

/** what a connection did since a moment: read from the messages themselves, so every process sees the same */
export interface ConnectionActivity {
  lastInboundAt: string | null;
  lastOutboundAt: string | null;
  /** outbound messages created since the moment */
  outbound: number;
  /** of those: failed, or waiting for a retry after a provider error */
  outboundTrouble: number;
}

export interface HealthStoreOps {
  getConnectionHealth(workspaceId: string, connectionId: string): Promise<ConnectionHealthRecord | undefined>;
  /** every stored health of a workspace (the connections list) */
  listConnectionHealth(workspaceId: string): Promise<ConnectionHealthRecord[]>;
  /** every stored health, of every workspace (the /metrics gauge) */
  listAllConnectionHealth(): Promise<ConnectionHealthRecord[]>;
  /** replaces the connection's health */
  putConnectionHealth(record: ConnectionHealthRecord): Promise<void>;
  connectionActivity(connectionId: string, since: string): Promise<ConnectionActivity>;
}
