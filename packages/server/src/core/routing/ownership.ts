/**
 * @module core/routing/ownership
 * Who handles a conversation, changed inside the caller's transaction: routing's decision written by
 * compare-and-set from "nobody handles it", and the move to humans (team round-robin or the team inbox unless
 * someone is assigned) shared by the consumer (an agent asking for a human) and the commands (an operator taking
 * over, assigning, handing off). Each change lands in the caller's timeline batch.
 */
import type { ConversationRecord, StoreOps } from '../ports/index.js';
import type { TeamService } from '../teams/team-service.js';
import type { TimelineBatch } from '../conversations/timeline.js';
import type { RouteDecision } from './routing-decisions.js';

const unique = (xs: string[]): string[] => [...new Set(xs)];

export class Ownership {
  constructor(private readonly teams: TeamService) {}

  /** writes the decision (compare-and-set from "nobody handles it"); false when someone else routed it first */
  async applyDecision(
    tx: StoreOps,
    conversation: ConversationRecord,
    d: RouteDecision,
    batch: TimelineBatch,
    at: string,
  ): Promise<boolean> {
    const ws = conversation.workspaceId;
    let assigneeId = d.assigneeId ?? conversation.assigneeId;
    let via: string | undefined = d.assigneeId ? (d.source === 'continued' ? 'continued' : 'rule') : undefined;
    const tags = unique([...(conversation.tags ?? []), ...d.tags]);
    const set = await tx.routing.setConversationRouting(
      conversation.id,
      {
        handler: d.handler,
        agentId: d.agentId,
        teamId: d.teamId,
        assigneeId: d.handler === 'human' ? assigneeId : conversation.assigneeId,
        tags,
        updatedAt: at,
      },
      { handler: null },
    );
    if (!set) return false;
    // only once the conversation is ours to route: the pick moves the team's round-robin cursor
    if (d.handler === 'human' && !assigneeId && d.teamId) {
      assigneeId = (await this.teams.pick(tx, ws, d.teamId)) ?? null;
      if (assigneeId) {
        via = 'round-robin';
        await tx.routing.setConversationRouting(conversation.id, { assigneeId, updatedAt: at });
      }
    }
    if (d.source === 'rule' && d.rule)
      batch.add('rule.fired', `rule:${d.rule.id}`, {
        ruleId: d.rule.id,
        name: d.rule.name,
        actions: d.actions,
        handler: d.handler,
        agentId: d.agentId,
        notes: d.notes,
      });
    else if (d.source === 'continued')
      batch.add('routed.continued', 'system', {
        previousConversationId: d.previousConversationId,
        handler: 'human',
        notes: d.notes,
      });
    else batch.add('routed.default', 'system', { handler: d.handler, agentId: d.agentId, notes: d.notes });
    const unavailable = d.actions.find((a) => a.type === 'agent');
    if (unavailable && d.handler === 'human' && !d.assigneeId)
      batch.add('agent.unavailable', 'system', { agentId: unavailable.agentId });
    const added = d.tags.filter((t) => !(conversation.tags ?? []).includes(t));
    if (added.length > 0) batch.add('tagged', d.rule ? `rule:${d.rule.id}` : 'system', { tags: added });
    if (d.handler === 'human') {
      if (assigneeId && assigneeId !== conversation.assigneeId)
        batch.add('assigned', d.rule ? `rule:${d.rule.id}` : 'system', { userId: assigneeId, teamId: d.teamId, via });
      else if (!assigneeId && d.teamId)
        batch.add('team.queued', 'system', { teamId: d.teamId, reason: 'no member has capacity' });
    }
    return true;
  }

  /** moves the conversation to humans inside tx: team round-robin (or the team inbox) unless someone is assigned */
  async toHuman(
    tx: StoreOps,
    c: ConversationRecord,
    o: { actor: string; reason: string; teamId?: string | null | undefined; assigneeId?: string | null | undefined },
    batch: TimelineBatch,
    at: string,
  ): Promise<boolean> {
    const teamId = o.teamId !== undefined ? o.teamId : (c.teamId ?? null);
    let assigneeId = o.assigneeId !== undefined ? o.assigneeId : c.assigneeId;
    let via = 'handoff';
    const ok = await tx.routing.setConversationRouting(
      c.id,
      { handler: 'human', teamId, assigneeId, updatedAt: at },
      { handler: c.handler ?? null },
    );
    if (!ok) return false;
    if (!assigneeId && teamId) {
      assigneeId = (await this.teams.pick(tx, c.workspaceId, teamId)) ?? null;
      via = 'round-robin';
      if (assigneeId) await tx.routing.setConversationRouting(c.id, { assigneeId, updatedAt: at });
    }
    if (c.handler !== 'human')
      batch.add('handoff', o.actor, {
        from: c.handler ?? null,
        to: 'human',
        agentId: c.agentId ?? null,
        reason: o.reason,
        teamId,
      });
    if (assigneeId && assigneeId !== c.assigneeId) batch.add('assigned', o.actor, { userId: assigneeId, teamId, via });
    else if (!assigneeId && teamId && (c.handler !== 'human' || teamId !== c.teamId))
      batch.add('team.queued', o.actor, { teamId, reason: 'no member has capacity' });
    return true;
  }
}
