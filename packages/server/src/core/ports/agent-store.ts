/**
 * @module core/ports/agent-store
 * Agents (bots that answer conversations), their channels (what the admin set vs what the agent applied when it
 * last started), their per-conversation sessions, and idempotent turns (one per agent and inbound message).
 * Implemented in store/sql/agent-queries.ts.
 */
import type { ConnectionStatus } from './connection-store.js';
import type { Page, PageQuery } from './records.js';

export type AgentKind = 'flow' | 'llm' | 'webhook';
export interface AgentRecord {
  id: string;
  workspaceId: string;
  kind: AgentKind;
  name: string;
  description: string;
  /** non-secret fields in clear, secret fields as SecretBox ciphertexts */
  config: Record<string, unknown>;
  status: ConnectionStatus;
  statusReason: string | null;
  createdAt: string;
  updatedAt: string;
}
/** an agent's channel: what the admin set (attached, inbound) and what the agent applied when it last started */
export interface AgentConnectionRecord {
  agentId: string;
  connectionId: string;
  attached: boolean;
  inbound: boolean;
  activeAttached: boolean;
  activeInbound: boolean;
  updatedAt: string;
}
export interface AgentSessionRecord {
  id: string;
  workspaceId: string;
  agentId: string;
  conversationId: string;
  state: Record<string, unknown>;
  turns: number;
  createdAt: string;
  updatedAt: string;
}
export interface AgentTurnRecord {
  id: string;
  workspaceId: string;
  agentId: string;
  messageId: string;
  conversationId: string;
  status: 'running' | 'done';
  outcome: Record<string, unknown> | null;
  startedAt: string;
  finishedAt: string | null;
}
/** claiming a turn: run it, it already ran (its outcome), or another worker runs it now */
export type AgentTurnClaim =
  { kind: 'claimed'; turn: AgentTurnRecord } | { kind: 'done'; turn: AgentTurnRecord } | { kind: 'busy' };

export interface AgentStoreOps {
  insertAgent(row: AgentRecord): Promise<void>;
  getAgent(workspaceId: string, id: string): Promise<AgentRecord | undefined>;
  listAgents(workspaceId: string, page: PageQuery): Promise<Page<AgentRecord>>;
  listAgentsByStatus(statuses: ConnectionStatus[]): Promise<AgentRecord[]>;
  updateAgent(
    workspaceId: string,
    id: string,
    patch: Partial<Pick<AgentRecord, 'name' | 'description' | 'config' | 'updatedAt'>>,
  ): Promise<boolean>;
  /** moves the status; with `from`, only when the current status is one of them (compare-and-set) */
  setAgentStatus(
    id: string,
    status: ConnectionStatus,
    reason: string | null,
    at: string,
    from?: ConnectionStatus[],
  ): Promise<boolean>;
  /** removes the agent with its channels, sessions and turns */
  deleteAgent(workspaceId: string, id: string): Promise<boolean>;
  /** every channel row of the agent (desired and applied), by connection id */
  listAgentConnections(agentId: string): Promise<AgentConnectionRecord[]>;
  getAgentConnection(agentId: string, connectionId: string): Promise<AgentConnectionRecord | undefined>;
  /**
   * replaces the agent's desired channels (rows not listed become detached, still applied until restart); a second
   * agent with inbound on a connection violates a unique index (the store throws)
   */
  setAgentConnections(
    workspaceId: string,
    agentId: string,
    rows: Array<{ connectionId: string; inbound: boolean }>,
    at: string,
  ): Promise<void>;
  /** the other agent (id, name) that has inbound on the connection in the desired set, if any */
  findInboundHolder(connectionId: string, exceptAgentId: string): Promise<{ id: string; name: string } | undefined>;
  /** at start: the desired channels become the applied ones; others' applied inbound on these connections ends */
  applyAgentConnections(agentId: string, at: string): Promise<void>;
  /** the RUNNING agent holding the connection's applied inbound */
  findActiveInboundAgent(workspaceId: string, connectionId: string): Promise<string | undefined>;
  getAgentSession(agentId: string, conversationId: string): Promise<AgentSessionRecord | undefined>;
  /** insert or replace on (agent, conversation) */
  saveAgentSession(row: AgentSessionRecord): Promise<void>;
  /** insert-or-ignore on (agent, message); a running turn started before `staleBefore` is taken over */
  claimAgentTurn(row: AgentTurnRecord, staleBefore: string): Promise<AgentTurnClaim>;
  finishAgentTurn(id: string, outcome: Record<string, unknown>, at: string): Promise<void>;
  /** forgets a running turn that failed before it sent anything, so a redelivery runs it again */
  releaseAgentTurn(id: string): Promise<void>;
}
