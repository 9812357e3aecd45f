/**
 * @module core/routing/routing-decisions
 * What routing decides, read-only: for a conversation nobody handles yet, the continuation with humans or the
 * rules' verdict turned into a handler (agent / team / operator, tags, auto-replies; otherwise the default route);
 * which agent a conversation is handed back to; and the explanation of both for the rules page. Writing a
 * decision is Ownership's, inside the transaction of whoever acts on it.
 */
import type { Content } from '../../model/index.js';
import { AppError, notFound } from '../errors.js';
import type { CoreDeps } from '../deps.js';
import type { AgentDispatcher } from '../agents/agent-dispatcher.js';
import type { ConversationRecord, MessageRecord, RoutingAction } from '../ports/index.js';
import { evaluateRules, messageText, type Evaluation, type RoutingInput, type RuleExplanation } from './rules.js';

/** what routing decided for a conversation nobody handles yet */
export interface RouteDecision {
  source: 'rule' | 'default' | 'continued';
  rule: { id: string; name: string } | null;
  previousConversationId: string | null;
  handler: 'agent' | 'human';
  agentId: string | null;
  teamId: string | null;
  /** named by the rule (assign) or kept from the previous conversation; a team's round-robin picks one at routing time */
  assigneeId: string | null;
  tags: string[];
  replies: string[];
  actions: RoutingAction[];
  notes: string[];
}

export interface ExplainInput {
  connectionId?: string | undefined;
  messageId?: string | undefined;
  text?: string | undefined;
  contactId?: string | undefined;
  contactAttributes?: Record<string, unknown> | undefined;
  newContact?: boolean | undefined;
  at?: string | undefined;
}

export interface Explanation {
  input: {
    connectionId: string;
    channelType: string;
    text: string;
    contactAttributes: Record<string, unknown>;
    newContact: boolean;
    at: string;
  };
  firedRule: { id: string; name: string } | null;
  route: RouteDecision;
  rules: RuleExplanation[];
}

const unique = (xs: string[]): string[] => [...new Set(xs)];

export class RoutingDecisions {
  constructor(
    private readonly deps: CoreDeps,
    private readonly agents: AgentDispatcher,
    /** a contact writing again within continuationMs after a human resolved their conversation stays with humans */
    private readonly options: { continuationMs: number },
  ) {}

  private async conversation(workspaceId: string, id: string): Promise<ConversationRecord> {
    const c = await this.deps.store.getConversation(workspaceId, id);
    if (!c) throw notFound('conversation');
    return c;
  }

  private async routingInput(conversation: ConversationRecord, message: MessageRecord): Promise<RoutingInput> {
    const contact = await this.deps.store.getContact(conversation.workspaceId, conversation.contactId);
    const earlier = await this.deps.store.routing.previousConversation(conversation.contactId, conversation.id);
    return {
      text: messageText(message.content as Content),
      channelType: conversation.channelType,
      contactAttributes: contact?.attributes ?? {},
      newContact: !earlier,
      at: new Date(message.createdAt),
    };
  }

  /** the decision for a conversation nobody handles yet */
  async decide(conversation: ConversationRecord, message: MessageRecord): Promise<RouteDecision> {
    const continued = await this.continuation(conversation, new Date(message.createdAt));
    if (continued) return continued;
    const rules = await this.deps.store.routing.rulesForConnection(conversation.workspaceId, conversation.connectionId);
    // without rules nothing reads the input (the contact and its history are not fetched)
    const evaluation: Evaluation =
      rules.length === 0
        ? { fired: undefined, rules: [] }
        : evaluateRules(rules, await this.routingInput(conversation, message));
    return this.route(conversation.workspaceId, conversation.connectionId, evaluation);
  }

  /** the contact's previous conversation here was resolved by humans (not returned to the agent) shortly before: stay with them */
  private async continuation(conversation: ConversationRecord, at: Date): Promise<RouteDecision | undefined> {
    const previous = await this.deps.store.routing.previousConversation(
      conversation.contactId,
      conversation.id,
      conversation.connectionId,
    );
    if (
      !previous ||
      previous.status !== 'resolved' ||
      previous.handler !== 'human' ||
      at.getTime() - Date.parse(previous.updatedAt) >= this.options.continuationMs
    )
      return undefined;
    return {
      source: 'continued',
      rule: null,
      previousConversationId: previous.id,
      handler: 'human',
      agentId: null,
      teamId: previous.teamId ?? null,
      assigneeId: previous.assigneeId,
      tags: [],
      replies: [],
      actions: [],
      notes: [
        `the contact's previous conversation ${previous.id} was resolved by humans without returning it to the agent: it continues with humans`,
      ],
    };
  }

  /** turns the fired rule (or none) into who handles the conversation */
  private async route(workspaceId: string, connectionId: string, evaluation: Evaluation): Promise<RouteDecision> {
    const rule = evaluation.fired;
    const actions = rule?.actions ?? [];
    const notes: string[] = [];
    const { agents } = this;
    const agentAction = actions.find((a) => a.type === 'agent');
    let teamAction = actions.find((a) => a.type === 'team');
    let assignAction = actions.find((a) => a.type === 'assign');
    // a rule may outlive its team or operator: skip what no longer exists rather than route into nowhere
    if (teamAction && !(await this.deps.store.routing.getTeam(workspaceId, teamAction.teamId))) {
      notes.push(`team ${teamAction.teamId} no longer exists`);
      teamAction = undefined;
    }
    if (assignAction && !(await this.deps.store.getUser(workspaceId, assignAction.userId))) {
      notes.push(`operator ${assignAction.userId} no longer exists`);
      assignAction = undefined;
    }
    let handler: 'agent' | 'human' = 'human';
    let agentId: string | null = null;
    if (assignAction) notes.push(`assigned to operator ${assignAction.userId}`);
    else if (agentAction) {
      if (await agents.isRunning(workspaceId, agentAction.agentId)) {
        handler = 'agent';
        agentId = agentAction.agentId;
      } else
        notes.push(
          `agent ${agentAction.agentId} is not running: humans take the conversation${teamAction ? ` (team ${teamAction.teamId})` : ''}`,
        );
    } else if (!teamAction) {
      const inbound = await agents.inboundAgentFor(workspaceId, connectionId);
      if (inbound) {
        handler = 'agent';
        agentId = inbound;
        notes.push(
          `${rule ? 'the rule names no target' : 'no rule fired'}: the connection's inbound agent ${inbound} answers`,
        );
      } else
        notes.push(
          `${rule ? 'the rule names no target' : 'no rule fired'} and the connection has no running inbound agent: the human queue`,
        );
    }
    if (teamAction && handler === 'agent') notes.push(`team ${teamAction.teamId} takes over if the agent hands off`);
    else if (teamAction && !assignAction)
      notes.push(`team ${teamAction.teamId}: round-robin among members below capacity, or the team inbox`);
    return {
      source: rule ? 'rule' : 'default',
      rule: rule ? { id: rule.id, name: rule.name } : null,
      previousConversationId: null,
      handler,
      agentId,
      teamId: teamAction?.teamId ?? null,
      assigneeId: assignAction?.userId ?? null,
      tags: unique(actions.flatMap((a) => (a.type === 'tag' ? [a.tag] : []))),
      replies: actions.flatMap((a) => (a.type === 'reply' ? [a.text] : [])),
      actions,
      notes,
    };
  }

  /** the agent to hand a conversation (back) to: the one named, the one it had, or the connection's inbound agent — running */
  async agentFor(c: ConversationRecord, named: string | undefined): Promise<string> {
    const { agents } = this;
    const agentId = named ?? c.agentId ?? (await agents.inboundAgentFor(c.workspaceId, c.connectionId));
    if (!agentId)
      throw new AppError(
        'CONFLICT',
        'name an agentId: the conversation had no agent and its connection has no inbound agent',
      );
    if (!(await agents.isRunning(c.workspaceId, agentId)))
      throw new AppError('CONFLICT', `agent ${agentId} is not running`);
    return agentId;
  }

  async explain(workspaceId: string, input: ExplainInput): Promise<Explanation> {
    const { store } = this.deps;
    let connectionId = input.connectionId;
    let text = input.text ?? '';
    let contactId = input.contactId;
    let at = input.at ? new Date(input.at) : this.deps.clock.now();
    let conversationId: string | undefined;
    let continued: RouteDecision | undefined;
    if (input.messageId) {
      const message = await store.getMessage(workspaceId, input.messageId);
      if (!message) throw notFound('message');
      const conversation = await this.conversation(workspaceId, message.conversationId);
      connectionId = message.connectionId;
      text = input.text ?? messageText(message.content as Content);
      contactId = conversation.contactId;
      conversationId = conversation.id;
      if (!input.at) at = new Date(message.createdAt);
      // a conversation that continued with humans did not go through the rules (they are still explained)
      if (input.text === undefined && input.contactAttributes === undefined && input.newContact === undefined)
        continued = await this.continuation(conversation, at);
    }
    if (!connectionId) throw new AppError('VALIDATION', 'connectionId or messageId is required');
    const connection = await store.getConnection(workspaceId, connectionId);
    if (!connection) throw notFound('connection');
    let attributes: Record<string, unknown> = {};
    let newContact = true;
    if (contactId) {
      const contact = await store.getContact(workspaceId, contactId);
      if (!contact) throw notFound('contact');
      attributes = contact.attributes;
      newContact = !(await store.routing.previousConversation(contactId, conversationId ?? ''));
    }
    const routingInput: RoutingInput = {
      text,
      channelType: connection.type,
      contactAttributes: { ...attributes, ...(input.contactAttributes ?? {}) },
      newContact: input.newContact ?? newContact,
      at,
    };
    const evaluation = evaluateRules(await store.routing.rulesForConnection(workspaceId, connectionId), routingInput);
    const route = continued ?? (await this.route(workspaceId, connectionId, evaluation));
    return {
      input: {
        connectionId,
        channelType: connection.type,
        text,
        contactAttributes: routingInput.contactAttributes,
        newContact: routingInput.newContact,
        at: at.toISOString(),
      },
      firedRule: route.rule,
      route,
      rules: evaluation.rules,
    };
  }
}
