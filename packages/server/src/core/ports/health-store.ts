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
  /** a credential's end (ISO time), when the finding is about one */
  expiresAt?: string;
  /** where the finding stands within its state (a credential's `14d` warning, then `3d`): a move is an event */
  stage?: string;
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

/** one outbound provider call (the outbound worker's connector.send): how it ended and how long it took */
export interface ProviderCallRecord {
  id: string;
  connectionId: string;
  workspaceId: string;
  at: string;
  /** 'ok', or the ChannelError code it ended with (RATE_LIMITED: a 429; UNAVAILABLE: a 5xx, a timeout) */
  outcome: string;
  durationMs: number;
}

/** a connection's provider calls since a moment */
export interface ProviderCallStats {
  calls: number;
  rateLimited: number;
  /** 5xx answers, timeouts, transport failures */
  unavailable: number;
  /** any other error (refused recipients, rejected content, credentials) */
  otherErrors: number;
  /** the latest outcomes, newest first (at most 10) */
  latest: string[];
  /** durations of the calls in ms, at most the latest 5,000 (for percentiles); empty unless asked for */
  durationsMs: number[];
}

/** how many messages a connection had in one hour (the hour's start, ISO to the hour: `2026-12-07T14`) */
export interface HourlyCount {
  hour: string;
  inbound: number;
  outbound: number;
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
  insertProviderCalls(calls: ProviderCallRecord[]): Promise<void>;
  providerCallStats(connectionId: string, since: string, options?: { durations?: boolean }): Promise<ProviderCallStats>;
  /** the calls before a moment are forgotten (they are kept a day) */
  pruneProviderCalls(before: string): Promise<number>;
  /** the times of the connection's latest inbound messages, newest first (the silence watch learns its usual gap) */
  recentInboundTimes(connectionId: string, limit: number): Promise<string[]>;
  /** messages per hour since a moment, only the hours that had any */
  hourlyMessageCounts(connectionId: string, since: string): Promise<HourlyCount[]>;
}
