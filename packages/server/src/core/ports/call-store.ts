/**
 * @module core/ports/call-store
 * Phone calls (model/call.ts): one row per provider call id on a connection, its state moved forward only by
 * compare-and-set. Implemented in store/sql/call-queries.ts (0032_calls).
 */
import type { Call, CallState } from '../../model/index.js';

export interface CallRecord extends Call {
  workspaceId: string;
}

export type CallPatch = Partial<
  Pick<CallRecord, 'state' | 'answeredAt' | 'endedAt' | 'durationSeconds' | 'answeredBy' | 'hangupCause'>
> & { updatedAt: string };

/** calls by outcome across every workspace: the /metrics gauges */
export interface CallStats {
  channelType: string;
  state: CallState;
  count: number;
  /** summed duration of those calls, seconds */
  durationSeconds: number;
}

/** ended calls' durations by channel and outcome, counted under each bound (cumulative, as Prometheus buckets) */
export interface CallDurationHistogram {
  channelType: string;
  state: CallState;
  /** calls whose duration is ≤ bounds[i], for each bound given */
  buckets: number[];
  count: number;
  sumSeconds: number;
}

export interface CallStoreOps {
  /** false when the connection already has a call of that provider id (the caller reads it again) */
  insertCall(call: CallRecord): Promise<boolean>;
  findCallByProviderId(connectionId: string, providerCallId: string): Promise<CallRecord | undefined>;
  getCall(workspaceId: string, id: string): Promise<CallRecord | undefined>;
  /** the calls of a conversation, oldest first */
  listCallsOfConversation(workspaceId: string, conversationId: string): Promise<CallRecord[]>;
  /** a connection's calls not yet ended (ringing, in progress), oldest first, at most `limit` */
  listOpenCallsOfConnection(connectionId: string, limit: number): Promise<CallRecord[]>;
  /** applies the patch only while the call is still in `expected` (compare-and-set); false when it moved meanwhile */
  updateCallState(id: string, expected: CallState, patch: CallPatch): Promise<boolean>;
  callStats(): Promise<CallStats[]>;
  /** the /metrics histogram of ended calls' durations, counted by the database (every process the same) */
  callDurationHistogram(bounds: number[]): Promise<CallDurationHistogram[]>;
  /** names the agent a call was placed for, once (a call that already names one keeps it); false when it did */
  setCallAgent(id: string, agentId: string): Promise<boolean>;
}
