/**
 * @module core/routing/routing-conflicts
 * Routing set-ups that save fine but do not do what the admin meant, found when a rule is saved or an agent is
 * attached: a rule that can never fire (an earlier rule matches every message it matches), a rule that hands all of
 * a connection's new conversations to one agent while another agent is that connection's inbound agent, and a rule
 * that sends to a team with no members. Saves still succeed; these come back as warnings.
 *
 * "Matches every message it matches" is decided from the conditions, with the matching rules of ./rules.ts
 * (keywords as whole-word patterns, attributes compared as trimmed text): an earlier rule covers a later one when
 * each of its conditions is implied by one of the later rule's. Conditions that cannot be compared (two different
 * regular expressions) never count as covered, so a warning is always true; some shadowed rules go unnoticed.
 */
import type { CoreDeps } from '../deps.js';
import type {
  AttributeCondition,
  BusinessHoursCondition,
  RoutingConditions,
  RoutingRuleRecord,
} from '../ports/index.js';
import { attributeText, keywordPattern } from './rules.js';

export type RoutingWarningCode = 'rule_shadowed' | 'agents_compete' | 'team_empty';

export interface RoutingWarning {
  code: RoutingWarningCode;
  message: string;
  /** the rule the warning is about */
  ruleId?: string | undefined;
}

/** a warning with what it involves (rules, agents, connections), so a save answers only the warnings it touches */
export interface FoundWarning extends RoutingWarning {
  involves: string[];
}

export interface ConflictConnection {
  id: string;
  name: string;
  type: string;
  /** the agent attached with Inbound on (the admin's setting), if any */
  inboundAgent: { id: string; name: string } | undefined;
  /** the rules that apply, in evaluation order: the connection's own, then the workspace-wide ones */
  rules: RoutingRuleRecord[];
}

export interface RoutingSnapshot {
  connections: ConflictConnection[];
  /** every rule of the workspace (also those that apply to no connection) */
  rules: RoutingRuleRecord[];
  teams: Map<string, { name: string; members: number }>;
  agentNames: Map<string, string>;
}

/** the rule's channel types allow a connection of this type */
const appliesOn = (rule: RoutingRuleRecord, channelType: string): boolean =>
  !rule.conditions.channelTypes?.length || rule.conditions.channelTypes.includes(channelType);

/** what a holding attribute condition says about the attribute: whether it is set, and its text */
function known(c: AttributeCondition): { present?: boolean; text?: string } {
  if (c.equals !== undefined) return { present: true, text: attributeText(c.equals) };
  if (c.exists !== undefined) return { present: c.exists };
  return {};
}

/** every contact that meets `later` meets `earlier` (same key) */
function attributeImplied(earlier: AttributeCondition, later: AttributeCondition[]): boolean {
  return later.some((l) => {
    if (l.key !== earlier.key) return false;
    const k = known(l);
    if (earlier.exists !== undefined && k.present !== earlier.exists) return false;
    if (earlier.equals !== undefined && (k.present !== true || k.text !== attributeText(earlier.equals))) return false;
    return true;
  });
}

const sameHours = (a: BusinessHoursCondition, b: BusinessHoursCondition): boolean =>
  a.timeZone === b.timeZone &&
  a.from === b.from &&
  a.to === b.to &&
  a.inside === b.inside &&
  a.days.length === b.days.length &&
  a.days.every((d) => b.days.includes(d));

/**
 * whether every message on a connection of `channelType` that meets `later` also meets `earlier` (both rules apply
 * on that connection). Keywords: each of the later rule's keywords contains one of the earlier rule's as whole words.
 */
export function covers(earlier: RoutingConditions, later: RoutingConditions, channelType: string): boolean {
  if (earlier.channelTypes?.length && !earlier.channelTypes.includes(channelType)) return false;
  const earlierKeywords = (earlier.keywords ?? []).filter((k) => k.trim() !== '');
  if (earlierKeywords.length > 0) {
    const laterKeywords = (later.keywords ?? []).filter((k) => k.trim() !== '');
    if (laterKeywords.length === 0) return false;
    const patterns = earlierKeywords.map(keywordPattern);
    if (!laterKeywords.every((k) => patterns.some((p) => p.test(k)))) return false;
  }
  if (earlier.regex !== undefined && earlier.regex !== later.regex) return false;
  for (const a of earlier.contactAttributes ?? [])
    if (!attributeImplied(a, later.contactAttributes ?? [])) return false;
  if (earlier.businessHours && !(later.businessHours && sameHours(earlier.businessHours, later.businessHours)))
    return false;
  if (earlier.newContact !== undefined && later.newContact !== earlier.newContact) return false;
  return true;
}

const quoted = (s: string) => `"${s}"`;

/** every warning of the workspace's routing, each once */
export function findConflicts(snapshot: RoutingSnapshot): FoundWarning[] {
  const warnings: FoundWarning[] = [];
  const agentName = (id: string) => quoted(snapshot.agentNames.get(id) ?? id);

  // which earlier rule shadows a rule, per connection it applies on
  const shadowedOn = new Map<string, Array<{ connection: ConflictConnection; by: RoutingRuleRecord }>>();
  const applicable = new Map<string, ConflictConnection[]>();
  for (const connection of snapshot.connections) {
    const enabled = connection.rules.filter((r) => r.enabled && appliesOn(r, connection.type));
    for (const [i, rule] of enabled.entries()) {
      applicable.set(rule.id, [...(applicable.get(rule.id) ?? []), connection]);
      const by = enabled.slice(0, i).find((e) => covers(e.conditions, rule.conditions, connection.type));
      if (by) shadowedOn.set(rule.id, [...(shadowedOn.get(rule.id) ?? []), { connection, by }]);
    }
  }
  for (const rule of snapshot.rules) {
    const hits = shadowedOn.get(rule.id);
    if (!hits) continue;
    const on = applicable.get(rule.id) ?? [];
    const firstBy = hits[0]!.by;
    const everywhere = hits.length === on.length;
    const names = [...new Set(hits.map((h) => quoted(h.by.name)))];
    const byNames = names.join(', ');
    const [come, match] = names.length > 1 ? ['come', 'match'] : ['comes', 'matches'];
    const message =
      rule.connectionId !== null
        ? `Rule ${quoted(rule.name)} never fires: ${quoted(firstBy.name)} comes first and matches every message it matches`
        : everywhere
          ? `Rule ${quoted(rule.name)} never fires on any connection: ${byNames} ${come} first and ${match} every message it matches`
          : `Rule ${quoted(rule.name)} never fires on ${hits.map((h) => quoted(h.connection.name)).join(', ')}: ${byNames} ${come} first there and ${match} every message it matches`;
    warnings.push({
      code: 'rule_shadowed',
      message,
      ruleId: rule.id,
      involves: [rule.id, ...new Set(hits.map((h) => h.by.id)), ...hits.map((h) => h.connection.id)],
    });
  }

  // a catch-all that hands every new conversation to another agent than the connection's inbound agent
  for (const connection of snapshot.connections) {
    const inbound = connection.inboundAgent;
    if (!inbound) continue;
    const shadowedHere = new Set(
      [...shadowedOn.entries()]
        .filter(([, hits]) => hits.some((h) => h.connection.id === connection.id))
        .map(([id]) => id),
    );
    for (const rule of connection.rules) {
      if (!rule.enabled || !appliesOn(rule, connection.type) || shadowedHere.has(rule.id)) continue;
      if (!covers(rule.conditions, {}, connection.type)) continue;
      const agent = rule.actions.find((a) => a.type === 'agent');
      // an assign action wins over the agent (routing-decisions), so such a rule hands to nobody's agent
      if (!agent || agent.agentId === inbound.id || rule.actions.some((a) => a.type === 'assign')) continue;
      warnings.push({
        code: 'agents_compete',
        message: `Two agents take the inbound messages of ${quoted(connection.name)}: rule ${quoted(rule.name)} hands every new conversation to ${agentName(agent.agentId)}, so ${quoted(inbound.name)}, the connection's inbound agent, never gets one. Narrow the rule or turn Inbound off for one of them`,
        ruleId: rule.id,
        involves: [rule.id, agent.agentId, inbound.id, connection.id],
      });
    }
  }

  for (const rule of snapshot.rules) {
    if (!rule.enabled) continue;
    for (const a of rule.actions) {
      if (a.type !== 'team') continue;
      const team = snapshot.teams.get(a.teamId);
      if (!team || team.members > 0) continue;
      warnings.push({
        code: 'team_empty',
        message: `Team ${quoted(team.name)} has no members: the conversations rule ${quoted(rule.name)} sends there wait in the team inbox with nobody assigned. Add members in Routing › Teams`,
        ruleId: rule.id,
        involves: [rule.id, a.teamId],
      });
    }
  }
  return warnings;
}

/** the workspace's routing as the detector reads it */
export async function routingSnapshot(deps: CoreDeps, workspaceId: string): Promise<RoutingSnapshot> {
  const { store } = deps;
  const connections: ConflictConnection[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await store.listConnections(workspaceId, { limit: 200, cursor });
    for (const c of page.data)
      connections.push({
        id: c.id,
        name: c.name,
        type: c.type,
        inboundAgent: await store.findInboundHolder(c.id, ''),
        rules: await store.routing.rulesForConnection(workspaceId, c.id),
      });
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const rules = await store.routing.listRoutingRules(workspaceId, {});
  const teamIds = [...new Set(rules.flatMap((r) => r.actions.flatMap((a) => (a.type === 'team' ? [a.teamId] : []))))];
  const members = await store.routing.listTeamMembers(teamIds);
  const teams = new Map<string, { name: string; members: number }>();
  for (const id of teamIds) {
    const team = await store.routing.getTeam(workspaceId, id);
    if (team) teams.set(id, { name: team.name, members: members.filter((m) => m.teamId === id).length });
  }
  const agentNames = new Map<string, string>();
  const agentIds = rules.flatMap((r) => r.actions.flatMap((a) => (a.type === 'agent' ? [a.agentId] : [])));
  for (const id of new Set(agentIds)) {
    const agent = await store.getAgent(workspaceId, id);
    if (agent) agentNames.set(id, agent.name);
  }
  return { connections, rules, teams, agentNames };
}

/** the warnings that involve any of these ids (a rule, an agent, a connection; all without ids), without the bookkeeping */
export function warningsAbout(found: FoundWarning[], ids?: string[]): RoutingWarning[] {
  const wanted = ids && new Set(ids);
  return found
    .filter((w) => !wanted || w.involves.some((id) => wanted.has(id)))
    .map(({ code, message, ruleId }) => (ruleId ? { code, message, ruleId } : { code, message }));
}
