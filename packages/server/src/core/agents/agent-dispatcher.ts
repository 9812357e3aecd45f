/**
 * @module core/agents/agent-dispatcher
 * The seam between routing (core/routing decides who answers a message) and the agent runtime (core/agents runs
 * flow/llm/webhook agents). Routing never knows how an agent works; agents never decide routing or ownership —
 * they answer, and may ask for a human, which routing then carries out (handoff, team, timeline).
 */

export interface AgentTurnInput {
  workspaceId: string;
  agentId: string;
  conversationId: string;
  /** the inbound message that triggered the turn */
  messageId: string;
  /**
   * routing's cutoff for work it considers abandoned (it took over its own claim): a turn of this message started
   * before it belongs to a dead worker and is taken over. Without it the agent's own lease applies.
   */
  staleBefore?: string | undefined;
}

export interface AgentTurnOutcome {
  /** ids of the outbound messages the agent queued in this turn (may be empty) */
  replyMessageIds: string[];
  /** short texts of those replies, for the timeline */
  replyPreviews: string[];
  /** the agent (tool call, flow step or failure) asks for a human */
  handoff?: { reason: string } | undefined;
  /** the agent failed and degraded (fallback reply); kept for the timeline */
  error?: string | undefined;
}

export interface AgentDispatcher {
  /** the RUNNING agent attached to this connection with Inbound on, if any (the default route) */
  inboundAgentFor(workspaceId: string, connectionId: string): Promise<string | undefined>;
  /** whether the agent exists in the workspace and is RUNNING */
  isRunning(workspaceId: string, agentId: string): Promise<boolean>;
  /** runs one turn of the agent on the conversation; never throws for provider errors (degrades instead) */
  runTurn(input: AgentTurnInput): Promise<AgentTurnOutcome>;
}
