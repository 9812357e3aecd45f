/**
 * @module web/automation/ConversationTimeline: a conversation's decisions (rule fired, agent replied, handoff,
 * assignment, tags, auto-replies), oldest first, kept live by the conversation.timeline event. Meant for the
 * conversation view: <ConversationTimeline client={client} conversationId={id} subscribe={subscribe} />.
 */
import { useEffect, useState } from 'react';
import type { HubEvent, SwitchboardClient, TimelineEvent } from '../../../sdk/src/index.ts';
import { errorText, formatTime } from './controls.tsx';
import './automation.css';

const LABELS: Record<string, string> = {
  'rule.fired': 'Rule fired',
  'routed.default': 'Default route',
  'routed.continued': 'Continued',
  'agent.replied': 'Agent replied',
  'agent.error': 'Agent failed',
  'agent.unavailable': 'Agent unavailable',
  'agent.interrupted': 'Agent interrupted',
  handoff: 'Handed to people',
  returned_to_agent: 'Returned to the agent',
  assigned: 'Assigned',
  unassigned: 'Unassigned',
  'team.queued': 'Waiting in team inbox',
  tagged: 'Tagged',
  auto_reply: 'Auto-reply',
  'auto_reply.failed': 'Auto-reply failed',
  resolved: 'Resolved',
  'consent.opted_out': 'Opted out',
  'consent.opted_in': 'Opted back in',
  'workflow.answered': 'Workflow answered',
  'workflow.failed': 'Workflow failed',
  'campaign.sent': 'Sent by a campaign',
};

interface Names {
  agents: Map<string, string>;
  users: Map<string, string>;
  teams: Map<string, string>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

// what a person reads when a name cannot be looked up (a role that may not list users, a deleted agent): never an id
const UNKNOWN: Record<keyof Names, string> = { agents: 'an agent', users: 'a teammate', teams: 'a team' };

function who(names: Names, kind: keyof Names, id: unknown): string {
  const s = str(id);
  return s ? (names[kind].get(s) ?? UNKNOWN[kind]) : '';
}

const ID_KIND: Record<string, keyof Names> = { agt: 'agents', usr: 'users', team: 'teams' };

/** ids inside the server's free text (a routing note, a reason) as names */
export function namedIds(text: string, names: Names): string {
  return text.replace(/\b(agt|usr|team)_[0-9a-z]+\b/gi, (id: string) => {
    const kind = ID_KIND[id.slice(0, id.indexOf('_')).toLowerCase()];
    return kind ? who(names, kind, id) : id;
  });
}

function describe(e: TimelineEvent, names: Names): string {
  const d = e.data;
  const notes = Array.isArray(d.notes) ? (d.notes as unknown[]).map(String).join('; ') : '';
  switch (e.type) {
    case 'rule.fired':
      return [
        `"${str(d.name) ?? str(d.ruleId) ?? ''}"`,
        d.handler === 'agent' ? `to agent ${who(names, 'agents', d.agentId)}` : '',
        notes,
      ]
        .filter(Boolean)
        .join(', ');
    case 'routed.default':
      return [d.handler === 'agent' ? `agent ${who(names, 'agents', d.agentId)}` : "the operators' queue", notes]
        .filter(Boolean)
        .join(', ');
    case 'routed.continued':
      return ['with people, as the previous conversation', notes].filter(Boolean).join(', ');
    case 'agent.replied':
      return [
        who(names, 'agents', d.agentId),
        Array.isArray(d.previews) ? (d.previews as unknown[]).map((p) => `"${String(p)}"`).join(' ') : '',
      ]
        .filter(Boolean)
        .join(': ');
    case 'agent.error':
      return [who(names, 'agents', d.agentId), str(d.error)].filter(Boolean).join(': ');
    case 'agent.unavailable':
      return [who(names, 'agents', d.agentId), str(d.reason)].filter(Boolean).join(': ');
    case 'handoff':
      return [str(d.reason), d.teamId ? `team ${who(names, 'teams', d.teamId)}` : ''].filter(Boolean).join(', ');
    case 'returned_to_agent':
      return [who(names, 'agents', d.agentId), str(d.reason)].filter(Boolean).join(': ');
    case 'assigned':
      return [
        `to ${who(names, 'users', d.userId)}`,
        d.teamId ? `team ${who(names, 'teams', d.teamId)}` : '',
        str(d.via) ? `(${String(d.via)})` : '',
      ]
        .filter(Boolean)
        .join(' ');
    case 'unassigned':
      return who(names, 'users', d.userId);
    case 'team.queued':
      return [who(names, 'teams', d.teamId), str(d.reason)].filter(Boolean).join(': ');
    case 'tagged':
      return Array.isArray(d.tags) ? (d.tags as unknown[]).map(String).join(', ') : '';
    case 'auto_reply':
      return str(d.text) ? `"${String(d.text)}"` : '';
    case 'auto_reply.failed':
      return [str(d.text) ? `"${String(d.text)}"` : '', str(d.error)].filter(Boolean).join(': ');
    case 'consent.opted_out':
    case 'consent.opted_in':
      return [str(d.channelType), str(d.keyword) ? `wrote ${String(d.keyword)}` : str(d.source)]
        .filter(Boolean)
        .join(', ');
    case 'workflow.answered': {
      const acts = Array.isArray(d.actions) ? (d.actions as Array<{ type?: unknown }>) : [];
      return acts.length ? acts.map((a) => String(a.type)).join(', ') : 'no actions';
    }
    case 'workflow.failed':
      return str(d.error) ?? '';
    case 'campaign.sent':
      return `${str(d.campaignName) ?? ''}, step ${typeof d.step === 'number' ? d.step + 1 : '?'}`;
    default:
      return str(d.reason) ?? '';
  }
}

function actorName(actor: string, names: Names): string {
  const [kind, id] = actor.split(':', 2);
  if (kind === 'agent') return `agent ${who(names, 'agents', id)}`;
  if (kind === 'user') return who(names, 'users', id);
  if (kind === 'rule') return 'a rule';
  return actor;
}

export function ConversationTimeline({
  client,
  conversationId,
  subscribe,
  heading = 'Decisions',
}: {
  client: SwitchboardClient;
  conversationId: string;
  subscribe?: (listener: (event: HubEvent) => void) => () => void;
  /** the section's heading; null where the page already has one */
  heading?: string | null;
}) {
  const [events, setEvents] = useState<TimelineEvent[] | null>(null);
  const [names, setNames] = useState<Names>({ agents: new Map(), users: new Map(), teams: new Map() });
  const [error, setError] = useState('');

  useEffect(() => {
    // names are a nicety: a role that may not list users or agents still sees the ids
    const agents = client
      .listAgents()
      .then((l) => new Map(l.map((a) => [a.id, a.name])))
      .catch(() => new Map<string, string>());
    const users = client
      .listUsers()
      .then((l) => new Map(l.map((u) => [u.id, u.name || u.email])))
      .catch(() => new Map<string, string>());
    const teams = client
      .listTeams()
      .then((l) => new Map(l.map((t) => [t.id, t.name])))
      .catch(() => new Map<string, string>());
    void Promise.all([agents, users, teams]).then(([a, u, t]) => setNames({ agents: a, users: u, teams: t }));
  }, [client]);

  useEffect(() => {
    setEvents(null);
    const load = () =>
      client
        .conversationTimeline(conversationId)
        .then(setEvents)
        .catch((err: unknown) => setError(errorText(err)));
    void load();
    return subscribe?.((e) => {
      if (e.type === 'stream.open') {
        void load();
        return;
      }
      if (e.type !== 'conversation.timeline' || e.conversationId !== conversationId) return;
      const added = e.data.event as TimelineEvent | undefined;
      if (!added?.id) {
        void load();
        return;
      }
      setEvents((list) => ((list ?? []).some((x) => x.id === added.id) ? list : [...(list ?? []), added]));
    });
  }, [client, conversationId, subscribe]);

  return (
    <section className="au-timeline-box" aria-label="Timeline of decisions">
      {heading && <h3 className="au-timeline-title">{heading}</h3>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {events !== null && events.length === 0 && <p className="hint">No routing decisions yet.</p>}
      <ol className="au-timeline">
        {(events ?? []).map((e) => {
          const text = namedIds(describe(e, names), names);
          return (
            <li key={e.id} data-type={e.type}>
              <time dateTime={e.at}>{formatTime(e.at)}</time>
              <strong>{LABELS[e.type] ?? e.type}</strong>
              {text && <span>: {text}</span>}
              {e.actor !== 'system' && <small className="au-muted"> by {actorName(e.actor, names)}</small>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
