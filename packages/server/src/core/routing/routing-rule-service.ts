/**
 * @module core/routing/routing-rule-service
 * Managing routing rules: per connection (or workspace-wide), ordered by position, validated on save (regex, time
 * zone, hours, targets that exist in the workspace), reordered as a whole list so positions never collide.
 */
import { newId } from '../../model/index.js';
import { AppError, notFound } from '../errors.js';
import type { CoreDeps } from '../deps.js';
import type { RoutingAction, RoutingConditions, RoutingRuleRecord } from '../ports/index.js';
import { ruleProblems } from './rules.js';
import { findConflicts, routingSnapshot, warningsAbout, type RoutingWarning } from './routing-conflicts.js';

export interface RuleInput {
  connectionId?: string | null | undefined;
  name: string;
  enabled?: boolean | undefined;
  conditions?: RoutingConditions | undefined;
  actions: RoutingAction[];
}

export interface RuleView {
  id: string;
  connectionId: string | null;
  position: number;
  name: string;
  enabled: boolean;
  conditions: RoutingConditions;
  actions: RoutingAction[];
  createdAt: string;
  updatedAt: string;
}

export const ruleView = (r: RoutingRuleRecord): RuleView => ({
  id: r.id,
  connectionId: r.connectionId,
  position: r.position,
  name: r.name,
  enabled: r.enabled,
  conditions: r.conditions,
  actions: r.actions,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export class RoutingRuleService {
  constructor(private readonly deps: CoreDeps) {}

  /**
   * `newConditions`: the conditions being saved now. Without them the stored regex is not re-checked, so a rule
   * saved before patterns ran on RE2 (with a lookahead, say) can still be renamed or disabled; it matches nothing.
   */
  private async check(
    workspaceId: string,
    conditions: RoutingConditions,
    actions: RoutingAction[],
    newConditions?: RoutingConditions,
  ): Promise<void> {
    const { regex: _stored, ...withoutRegex } = conditions;
    const problems = ruleProblems(newConditions ? conditions : withoutRegex, actions);
    for (const a of actions) {
      if (a.type === 'team' && !(await this.deps.store.routing.getTeam(workspaceId, a.teamId)))
        problems.push(`actions: team ${a.teamId} is not in this workspace`);
      if (a.type === 'assign' && !(await this.deps.store.getUser(workspaceId, a.userId)))
        problems.push(`actions: user ${a.userId} is not in this workspace`);
      // an agent that exists but is stopped is fine: the rule then sends conversations to humans until it runs
      if (a.type === 'agent' && !(await this.deps.store.getAgent(workspaceId, a.agentId)))
        problems.push(`actions: agent ${a.agentId} is not in this workspace`);
      if (a.type === 'workflow' && !(await this.deps.store.getWebhookSubscription(workspaceId, a.webhookId)))
        problems.push(`actions: webhook subscription ${a.webhookId} is not in this workspace`);
    }
    if (actions.filter((a) => a.type === 'workflow').length > 1) problems.push('actions: at most one workflow');
    if (problems.length > 0) throw new AppError('VALIDATION', problems.join('; '), { problems });
  }

  private async checkConnection(workspaceId: string, connectionId: string | null | undefined): Promise<void> {
    if (connectionId && !(await this.deps.store.getConnection(workspaceId, connectionId))) throw notFound('connection');
  }

  /** connectionId: that connection's rules; null: the workspace-wide ones; undefined: all */
  async list(workspaceId: string, connectionId?: string | null): Promise<RoutingRuleRecord[]> {
    await this.checkConnection(workspaceId, connectionId);
    return this.deps.store.routing.listRoutingRules(workspaceId, { connectionId });
  }

  async get(workspaceId: string, id: string): Promise<RoutingRuleRecord> {
    const rule = await this.deps.store.routing.getRoutingRule(workspaceId, id);
    if (!rule) throw notFound('routing rule');
    return rule;
  }

  /** appended after the scope's last rule */
  async create(workspaceId: string, input: RuleInput): Promise<RoutingRuleRecord> {
    const connectionId = input.connectionId ?? null;
    await this.checkConnection(workspaceId, connectionId);
    const conditions = input.conditions ?? {};
    await this.check(workspaceId, conditions, input.actions, conditions);
    const now = this.deps.clock.now().toISOString();
    const id = newId('rr');
    await this.deps.store.transaction(async (tx) => {
      const position = await tx.routing.nextRoutingRulePosition(workspaceId, connectionId);
      await tx.routing.insertRoutingRule({
        id,
        workspaceId,
        connectionId,
        position,
        name: input.name,
        enabled: input.enabled ?? true,
        conditions,
        actions: input.actions,
        createdAt: now,
        updatedAt: now,
      });
    });
    return this.get(workspaceId, id);
  }

  async update(
    workspaceId: string,
    id: string,
    patch: {
      name?: string | undefined;
      enabled?: boolean | undefined;
      conditions?: RoutingConditions | undefined;
      actions?: RoutingAction[] | undefined;
    },
  ): Promise<RoutingRuleRecord> {
    const rule = await this.get(workspaceId, id);
    await this.check(workspaceId, patch.conditions ?? rule.conditions, patch.actions ?? rule.actions, patch.conditions);
    await this.deps.store.routing.updateRoutingRule(workspaceId, id, {
      ...patch,
      updatedAt: this.deps.clock.now().toISOString(),
    });
    return this.get(workspaceId, id);
  }

  /**
   * what in the workspace's routing will not work as set up (a rule that never fires, two agents for one
   * connection's traffic, a team without members): about the given rules, agents or connections, or all of it
   */
  async warnings(workspaceId: string, about?: string[]): Promise<RoutingWarning[]> {
    const found = findConflicts(await routingSnapshot(this.deps, workspaceId));
    return warningsAbout(found, about);
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    if (!(await this.deps.store.routing.deleteRoutingRule(workspaceId, id))) throw notFound('routing rule');
  }

  /** sets the order of a scope's rules; `ruleIds` must list every rule of the scope exactly once */
  async reorder(workspaceId: string, connectionId: string | null, ruleIds: string[]): Promise<RoutingRuleRecord[]> {
    await this.checkConnection(workspaceId, connectionId);
    const now = this.deps.clock.now().toISOString();
    await this.deps.store.transaction(async (tx) => {
      const current = await tx.routing.listRoutingRules(workspaceId, { connectionId });
      const known = new Set(current.map((r) => r.id));
      if (
        ruleIds.length !== current.length ||
        new Set(ruleIds).size !== ruleIds.length ||
        ruleIds.some((r) => !known.has(r))
      ) {
        throw new AppError(
          'VALIDATION',
          `ruleIds must list each of the ${current.length} rules of this ${connectionId ? 'connection' : 'workspace-wide scope'} exactly once`,
          { expected: current.map((r) => r.id) },
        );
      }
      for (const [position, ruleId] of ruleIds.entries())
        await tx.routing.updateRoutingRule(workspaceId, ruleId, { position, updatedAt: now });
    });
    return this.deps.store.routing.listRoutingRules(workspaceId, { connectionId });
  }
}
