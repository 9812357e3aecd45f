/**
 * @module core/ports/routing-store
 * Routing rules, teams and their round-robin cursor, the routing fields of conversations, the conversation
 * timeline, and the per-message routing marks (reached as `store.routing`, also inside transactions as
 * `tx.routing`), with their records. Implemented once for both dialects in
 * store/sql/routing-queries.ts.
 */
import type { ConversationRecord } from './conversation-store.js';
import type { Page, PageQuery } from './records.js';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface AttributeCondition {
  key: string;
  /** the attribute equals this value, compared as trimmed text, case-insensitively ("40" equals 40) */
  equals?: string | number | boolean | undefined;
  /** true: the attribute is present and not empty; false: absent or empty */
  exists?: boolean | undefined;
}

export interface BusinessHoursCondition {
  /** IANA time zone, e.g. Europe/Berlin */
  timeZone: string;
  days: Weekday[];
  /** HH:MM; when `to` is before `from` the range runs past midnight into the next day */
  from: string;
  to: string;
  /** true: holds inside these hours; false: holds outside them */
  inside: boolean;
}

/** every condition present must hold; an empty object always holds */
export interface RoutingConditions {
  channelTypes?: string[] | undefined;
  /** any of these words or phrases, as whole words, case-insensitive */
  keywords?: string[] | undefined;
  /** a regular expression in RE2 syntax, case-insensitive (core/patterns/admin-pattern.ts) */
  regex?: string | undefined;
  contactAttributes?: AttributeCondition[] | undefined;
  businessHours?: BusinessHoursCondition | undefined;
  /** true: the contact has no earlier conversation; false: a returning contact */
  newContact?: boolean | undefined;
}

export type RoutingAction =
  | { type: 'agent'; agentId: string }
  | { type: 'team'; teamId: string }
  | { type: 'assign'; userId: string }
  | { type: 'tag'; tag: string }
  | { type: 'reply'; text: string }
  /** a signed call to an external automation, through an outgoing webhook subscription (core/routing/workflow-trigger) */
  | { type: 'workflow'; webhookId: string };

export interface RoutingRuleRecord {
  id: string;
  workspaceId: string;
  /** null: applies to every connection of the workspace (evaluated after the connection's own rules) */
  connectionId: string | null;
  position: number;
  name: string;
  enabled: boolean;
  conditions: RoutingConditions;
  actions: RoutingAction[];
  createdAt: string;
  updatedAt: string;
}

export interface TeamRecord {
  id: string;
  workspaceId: string;
  name: string;
  /** round-robin cursor: the member who got the last assignment */
  lastAssignedUserId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TeamMemberRecord {
  teamId: string;
  userId: string;
  capacity: number;
}

export type ConversationHandler = 'agent' | 'human';

/** what routing may set on a conversation */
export interface ConversationRoutingPatch {
  handler?: ConversationHandler | null | undefined;
  agentId?: string | null | undefined;
  teamId?: string | null | undefined;
  assigneeId?: string | null | undefined;
  tags?: string[] | undefined;
  updatedAt: string;
}

export interface ConversationEventRecord {
  id: string;
  workspaceId: string;
  conversationId: string;
  /** rule.fired, routed.default, agent.replied, agent.error, handoff, assigned, unassigned, team.queued, tagged, auto_reply, … */
  type: string;
  /** who decided: 'system', 'rule:<id>', 'agent:<id>' or 'user:<id>' */
  actor: string;
  data: Record<string, unknown>;
  at: string;
}

export interface RoutingStoreOps {
  // rules
  listRoutingRules(
    workspaceId: string,
    filter: { connectionId?: string | null | undefined },
  ): Promise<RoutingRuleRecord[]>;
  /** the rules that apply to a connection: its own (by position), then the workspace-wide ones (by position) */
  rulesForConnection(workspaceId: string, connectionId: string): Promise<RoutingRuleRecord[]>;
  getRoutingRule(workspaceId: string, id: string): Promise<RoutingRuleRecord | undefined>;
  insertRoutingRule(row: RoutingRuleRecord): Promise<void>;
  updateRoutingRule(
    workspaceId: string,
    id: string,
    patch: Partial<Pick<RoutingRuleRecord, 'name' | 'enabled' | 'conditions' | 'actions' | 'position' | 'updatedAt'>>,
  ): Promise<boolean>;
  deleteRoutingRule(workspaceId: string, id: string): Promise<boolean>;
  /** one past the highest position of the scope (a connection, or null for workspace-wide) */
  nextRoutingRulePosition(workspaceId: string, connectionId: string | null): Promise<number>;

  // teams
  insertTeam(row: TeamRecord): Promise<void>;
  getTeam(workspaceId: string, id: string): Promise<TeamRecord | undefined>;
  listTeams(workspaceId: string, page: PageQuery): Promise<Page<TeamRecord>>;
  updateTeam(
    workspaceId: string,
    id: string,
    patch: { name?: string | undefined; updatedAt: string },
  ): Promise<boolean>;
  /** removes the team and its members; its conversations leave the team inbox (team_id cleared) */
  deleteTeam(workspaceId: string, id: string): Promise<boolean>;
  replaceTeamMembers(teamId: string, members: TeamMemberRecord[]): Promise<void>;
  listTeamMembers(teamIds: string[]): Promise<TeamMemberRecord[]>;
  /** the teams a user is a member of */
  teamsOfUser(workspaceId: string, userId: string): Promise<string[]>;
  /**
   * takes the team's row lock for the rest of the transaction (an UPDATE), so concurrent assignments to the same
   * team run one after another; answers the team as it is now
   */
  lockTeam(teamId: string): Promise<TeamRecord | undefined>;
  setTeamCursor(teamId: string, userId: string): Promise<void>;
  /**
   * row-locks these users, one at a time in id order, until the transaction ends: capacity is counted per operator
   * across every team, so two teams sharing a member must not both see room for them (PostgreSQL; SQLite has one writer)
   */
  lockUsers(userIds: string[]): Promise<void>;
  /** conversations not resolved, per assignee */
  openAssignedCounts(workspaceId: string, userIds: string[]): Promise<Map<string, number>>;
  /** open conversations waiting in the team inbox (human handler, nobody assigned), oldest first */
  listWaitingInTeam(teamId: string, limit: number): Promise<ConversationRecord[]>;

  // conversations
  /**
   * sets routing fields; with `expectHandler`, only when the handler currently is that value (compare-and-set:
   * undefined in the expectation means "do not check")
   */
  setConversationRouting(
    id: string,
    patch: ConversationRoutingPatch,
    expect?: { handler?: ConversationHandler | null; assigneeId?: string | null },
  ): Promise<boolean>;
  /** the most recent other conversation of the contact (on the connection, when given) */
  previousConversation(
    contactId: string,
    excludeId: string,
    connectionId?: string,
  ): Promise<ConversationRecord | undefined>;

  // timeline
  insertConversationEvents(rows: ConversationEventRecord[]): Promise<void>;
  /** oldest first; the cursor is the last event id of the previous page */
  listConversationEvents(conversationId: string, page: PageQuery): Promise<Page<ConversationEventRecord>>;

  // exactly-once routing per stored inbound message
  /**
   * insert-or-ignore of the message's routing mark in state 'claimed' (or 'done' at once, when nothing is left to
   * run); answers 'claimed' when this caller inserted it,
   * 'taken-over' when it existed in state 'claimed' since before `staleBefore` (its worker died) and this caller took
   * it over, otherwise 'busy' (another worker is on it) or 'done'
   */
  claimRouting(
    row: { messageId: string; conversationId: string; workspaceId: string },
    at: string,
    staleBefore: string,
    state?: 'claimed' | 'done',
  ): Promise<'claimed' | 'taken-over' | 'busy' | 'done'>;
  finishRouting(messageId: string, at: string): Promise<void>;
  // the routing consumer's batched fast path (core/routing/routing-batch.ts)
  /** the conversations with these ids (any workspace: the caller checks each one's workspace), for routing many messages at once */
  conversationsForRouting(ids: string[]): Promise<ConversationRecord[]>;
  /** insert-or-ignore of many messages' routing marks in state 'done' at once; answers the message ids this call inserted */
  markRoutedDone(
    rows: Array<{ messageId: string; conversationId: string; workspaceId: string }>,
    at: string,
  ): Promise<Set<string>>;
  /** drops a 'claimed' mark so a redelivery of the work runs the agent turn again (the decision is already written) */
  releaseRouting(messageId: string): Promise<void>;
  /** marks left in state 'claimed' since before `before` (their worker died between decision and agent turn) */
  listStaleRoutingClaims(
    before: string,
    limit: number,
  ): Promise<Array<{ messageId: string; conversationId: string; workspaceId: string }>>;
  /**
   * routing work rows already published (the in-process bus may have lost them in a crash) whose message has no
   * routing mark, published at or after `publishedSince`, after outbox sequence `afterSeq`
   */
  listUnroutedWork(
    publishedSince: string,
    afterSeq: number,
    limit: number,
  ): Promise<{
    work: Array<{ messageId: string; conversationId: string; workspaceId: string }>;
    lastSeq: number | null;
  }>;
}
