/**
 * @module web/automation/Routing: the routing page: a connection's ordered rules (enable, reorder, edit, delete),
 * the workspace's teams (members with capacity), and the "Which rule fires?" tester over the explain endpoint.
 */
import { useCallback, useEffect, useState } from 'react';
import type {
  Agent,
  Connection,
  ConnectionType,
  Contact,
  Conversation,
  ExplainResult,
  ExplainRuleResult,
  HubEvent,
  Page,
  RoutingAction,
  RoutingConditions,
  RoutingRule,
  RoutingWarning,
  SavedRoutingRule,
  SwitchboardClient,
  Team,
  User,
  WebhookSubscription,
  Weekday,
} from '../../../sdk/src/index.ts';
import { ConfirmButton, RoutingWarnings, Switch, errorText, formatTime, toIso, toLocalInput } from './controls.tsx';
import { ConversationTimeline } from './ConversationTimeline.tsx';
import { Icon } from './icons.tsx';

type Subscribe = (listener: (event: HubEvent) => void) => () => void;
const WORKSPACE = 'workspace';
const DAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const routingHref = (scope?: string) => `#/automation/routing${scope ? `/${encodeURIComponent(scope)}` : ''}`;

interface Directory {
  connections: Connection[];
  agents: Agent[];
  teams: Team[];
  users: User[];
  types: ConnectionType[];
  /** outgoing webhook subscriptions: a rule's workflow action calls one */
  webhooks: WebhookSubscription[];
}

/** `connectionId` comes from the hash: a connection id, 'workspace' (rules for every connection), or nothing (the first connection) */
export function RoutingPage({
  client,
  subscribe,
  connectionId,
}: {
  client: SwitchboardClient;
  subscribe: Subscribe;
  connectionId: string | undefined;
}) {
  const [dir, setDir] = useState<Directory>({
    connections: [],
    agents: [],
    teams: [],
    users: [],
    types: [],
    webhooks: [],
  });
  const [error, setError] = useState('');
  const loadDir = useCallback(async () => {
    const settle = <T,>(p: Promise<T[]>) =>
      p.catch((err: unknown) => {
        setError(errorText(err));
        return [] as T[];
      });
    const [connections, agents, teams, users, types, webhooks] = await Promise.all([
      settle(client.listConnections()),
      settle(client.listAgents()),
      settle(client.listTeams()),
      settle(client.listUsers()),
      settle(client.connectionTypes()),
      settle(client.listWebhookSubscriptions()),
    ]);
    setDir({ connections: connections.filter((c) => !c.deprecated), agents, teams, users, types, webhooks });
  }, [client]);
  useEffect(() => {
    void loadDir();
  }, [loadDir]);

  const scope = connectionId ?? dir.connections[0]?.id ?? WORKSPACE;
  return (
    <section className="au-page" aria-labelledby="routing-title">
      <h2 id="routing-title">
        <Icon name="route" /> Routing
      </h2>
      <p className="hint">
        Rules are tried in order, a connection's own rules first, then the rules for every connection; the first whose
        conditions all hold fires. When none does, the connection's inbound agent (or the operators' queue) takes the
        message.
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <label className="field au-scope">
        Rules of
        <select
          value={scope}
          onChange={(e) => {
            location.hash = routingHref(e.target.value);
          }}
        >
          {dir.connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.type})
            </option>
          ))}
          <option value={WORKSPACE}>Every connection (workspace-wide)</option>
        </select>
      </label>
      <Rules key={scope} client={client} scope={scope} dir={dir} />
      <Tester client={client} dir={dir} scope={scope} />
      <Teams client={client} users={dir.users} onChanged={() => void loadDir()} />
      <Decisions client={client} subscribe={subscribe} />
    </section>
  );
}

// --- rules -----------------------------------------------------------------------------------------------------

function describeRoute(route: ExplainResult['route'], dir: Directory): string {
  const parts: string[] = [];
  if (route.handler === 'agent')
    parts.push(`agent ${dir.agents.find((a) => a.id === route.agentId)?.name ?? route.agentId ?? '(none)'}`);
  else parts.push('people');
  if (route.teamId) parts.push(teamLabel(route.teamId, dir));
  if (route.assigneeId) {
    const u = dir.users.find((x) => x.id === route.assigneeId);
    parts.push(`assigned to ${u ? u.name || u.email : route.assigneeId}`);
  }
  if (route.tags.length) parts.push(`tags ${route.tags.join(', ')}`);
  if (route.replies.length) parts.push(`auto-reply "${route.replies.join(' / ')}"`);
  return parts.join(', ');
}

function describeConditions(c: RoutingConditions): string {
  const parts: string[] = [];
  if (c.channelTypes?.length) parts.push(`channel is ${c.channelTypes.join(' or ')}`);
  if (c.keywords?.length) parts.push(`text has ${c.keywords.map((k) => `"${k}"`).join(' or ')}`);
  if (c.regex) parts.push(`text matches /${c.regex}/i`);
  if (c.newContact !== undefined) parts.push(c.newContact ? 'new contact' : 'returning contact');
  for (const a of c.contactAttributes ?? [])
    parts.push(
      a.equals !== undefined ? `${a.key} = ${String(a.equals)}` : a.exists === false ? `no ${a.key}` : `has ${a.key}`,
    );
  if (c.businessHours) {
    const h = c.businessHours;
    parts.push(`${h.inside ? 'inside' : 'outside'} ${h.days.join(',')} ${h.from}–${h.to} ${h.timeZone}`);
  }
  return parts.length ? parts.join(' and ') : 'always';
}

function ruleSummary(r: RoutingRule, dir: Directory): string {
  const then = r.actions.map((a) => describeAction(a, dir)).join(', ') || 'nothing';
  const when = describeConditions(r.conditions);
  return when === 'always' ? `Always: ${then}` : `If ${when}: ${then}`;
}

/** a team as a person reads it: its name (never its id), and a warning when nobody is in it */
function teamLabel(id: string, dir: Directory): string {
  const team = dir.teams.find((t) => t.id === id);
  if (!team) return 'a team that no longer exists';
  return `team inbox ${team.name}${team.members.length === 0 ? ' (no members: conversations wait there)' : ''}`;
}

const sentence = (s: string) => (s ? s[0]?.toUpperCase() + s.slice(1) : s);

function describeAction(a: RoutingAction, dir: Directory): string {
  switch (a.type) {
    case 'agent':
      return `agent ${dir.agents.find((x) => x.id === a.agentId)?.name ?? a.agentId}`;
    case 'team':
      return teamLabel(a.teamId, dir);
    case 'assign': {
      const u = dir.users.find((x) => x.id === a.userId);
      return `assign to ${u ? u.name || u.email : a.userId}`;
    }
    case 'tag':
      return `tag "${a.tag}"`;
    case 'reply':
      return `reply "${a.text}"`;
    case 'workflow': {
      const w = dir.webhooks.find((x) => x.id === a.webhookId);
      return `start workflow ${w ? w.description || w.url : '(a webhook that no longer exists)'}`;
    }
  }
}

function Rules({ client, scope, dir }: { client: SwitchboardClient; scope: string; dir: Directory }) {
  const [rules, setRules] = useState<RoutingRule[] | null>(null);
  const [error, setError] = useState('');
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  // what the server found will not work as set up: per rule on its card, and what the last save answered
  const [warnings, setWarnings] = useState<RoutingWarning[]>([]);
  const [saved, setSaved] = useState<SavedRoutingRule | null>(null);
  const connectionId = scope === WORKSPACE ? null : scope;

  const reload = useCallback(
    () =>
      Promise.all([client.listRoutingRules({ connectionId }), client.routingWarnings().catch(() => [])])
        .then(([list, found]) => {
          setRules(list.filter((r) => r.connectionId === connectionId).sort((a, b) => a.position - b.position));
          setWarnings(found);
        })
        .catch((err: unknown) => setError(errorText(err))),
    [client, connectionId],
  );
  useEffect(() => {
    void reload();
  }, [reload]);

  const run = async (f: () => Promise<unknown>) => {
    setError('');
    setSaved(null);
    try {
      const result = await f();
      if (result && typeof result === 'object' && 'warnings' in result) setSaved(result as SavedRoutingRule);
    } catch (err) {
      setError(errorText(err));
    }
    await reload();
  };
  const onSaved = (rule: SavedRoutingRule) => {
    setEditing(null);
    setSaved(rule);
    void reload();
  };
  const list = rules ?? [];
  const move = (i: number, by: -1 | 1) => {
    const ids = list.map((r) => r.id);
    const [a, b] = [ids[i], ids[i + by]];
    if (!a || !b) return;
    ids[i] = b;
    ids[i + by] = a;
    void run(() => client.reorderRoutingRules(connectionId, ids));
  };

  return (
    <section aria-labelledby="rules-title">
      <div className="row between">
        <h3 id="rules-title">Rules</h3>
        <button
          type="button"
          onClick={() => setEditing(editing === 'new' ? null : 'new')}
          aria-expanded={editing === 'new'}
        >
          <Icon name={editing === 'new' ? 'close' : 'plus'} /> {editing === 'new' ? 'Close' : 'Add rule'}
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {saved && (
        <div role="status" className="au-saved" aria-label="Rule saved">
          {saved.warnings.length === 0 ? (
            <p className="hint">Rule "{saved.name}" saved.</p>
          ) : (
            <>
              <p className="hint">Rule "{saved.name}" saved, but it will not work as set up:</p>
              <RoutingWarnings warnings={saved.warnings} label={`Warnings for ${saved.name}`} />
            </>
          )}
        </div>
      )}
      {editing === 'new' && <RuleForm client={client} dir={dir} connectionId={connectionId} onSaved={onSaved} />}
      {rules !== null && list.length === 0 && editing !== 'new' && <p className="empty">No rules here yet.</p>}
      <ol className="au-list" aria-label="Rules in order">
        {list.map((r, i) => (
          <li key={r.id} className="au-card" data-rule={r.id}>
            <div className="au-card-head">
              <span className="au-rule-order" aria-hidden="true">
                {i + 1}
              </span>
              <div className="au-grow">
                <strong>{r.name}</strong>
                <br />
                <small>{ruleSummary(r, dir)}</small>
                <RoutingWarnings
                  warnings={warnings.filter((w) => w.ruleId === r.id)}
                  label={`Warnings about ${r.name}`}
                />
              </div>
              <Switch
                label="Enabled"
                checked={r.enabled}
                onChange={(v) => void run(() => client.updateRoutingRule(r.id, { enabled: v }))}
                ariaLabel={`Enabled: ${r.name}`}
              />
              <button type="button" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move ${r.name} up`}>
                <Icon name="up" />
              </button>
              <button
                type="button"
                onClick={() => move(i, 1)}
                disabled={i === list.length - 1}
                aria-label={`Move ${r.name} down`}
              >
                <Icon name="down" />
              </button>
              <button
                type="button"
                onClick={() => setEditing(editing === r.id ? null : r.id)}
                aria-expanded={editing === r.id}
                aria-label={`Edit ${r.name}`}
              >
                <Icon name="edit" /> Edit
              </button>
              <ConfirmButton
                label={`Delete rule ${r.name}`}
                onConfirm={() => void run(() => client.deleteRoutingRule(r.id))}
              >
                <Icon name="trash" />
              </ConfirmButton>
            </div>
            {editing === r.id && (
              <RuleForm client={client} dir={dir} connectionId={connectionId} rule={r} onSaved={onSaved} />
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

interface AttrRow {
  key: string;
  mode: 'equals' | 'exists' | 'absent';
  value: string;
}
interface HoursDraft {
  on: boolean;
  timeZone: string;
  days: Weekday[];
  from: string;
  to: string;
  inside: boolean;
}

const splitList = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function RuleForm({
  client,
  dir,
  connectionId,
  rule,
  onSaved,
}: {
  client: SwitchboardClient;
  dir: Directory;
  connectionId: string | null;
  rule?: RoutingRule;
  onSaved: (saved: SavedRoutingRule) => void;
}) {
  const c = rule?.conditions ?? {};
  const [name, setName] = useState(rule?.name ?? '');
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [channelTypes, setChannelTypes] = useState<string[]>(c.channelTypes ?? []);
  const [keywords, setKeywords] = useState((c.keywords ?? []).join(', '));
  const [regex, setRegex] = useState(c.regex ?? '');
  const [newContact, setNewContact] = useState(c.newContact === undefined ? 'any' : c.newContact ? 'new' : 'returning');
  const [attrs, setAttrs] = useState<AttrRow[]>(
    (c.contactAttributes ?? []).map((a) => ({
      key: a.key,
      mode: a.equals !== undefined ? 'equals' : a.exists === false ? 'absent' : 'exists',
      value: a.equals === undefined ? '' : String(a.equals),
    })),
  );
  const [hours, setHours] = useState<HoursDraft>(
    c.businessHours
      ? { on: true, ...c.businessHours }
      : {
          on: false,
          timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
          days: ['mon', 'tue', 'wed', 'thu', 'fri'],
          from: '09:00',
          to: '17:00',
          inside: true,
        },
  );
  const [actions, setActions] = useState<RoutingAction[]>(rule?.actions ?? [{ type: 'tag', tag: '' }]);
  const [error, setError] = useState('');
  const id = rule?.id ?? 'new';

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError('');
    const conditions: RoutingConditions = {};
    if (channelTypes.length) conditions.channelTypes = channelTypes;
    if (splitList(keywords).length) conditions.keywords = splitList(keywords);
    if (regex.trim()) conditions.regex = regex.trim();
    if (newContact !== 'any') conditions.newContact = newContact === 'new';
    const rows = attrs.filter((a) => a.key.trim());
    if (rows.length)
      conditions.contactAttributes = rows.map((a) =>
        a.mode === 'equals'
          ? { key: a.key.trim(), equals: a.value }
          : { key: a.key.trim(), exists: a.mode === 'exists' },
      );
    if (hours.on)
      conditions.businessHours = {
        timeZone: hours.timeZone,
        days: hours.days,
        from: hours.from,
        to: hours.to,
        inside: hours.inside,
      };
    try {
      onSaved(
        rule
          ? await client.updateRoutingRule(rule.id, { name: name.trim(), enabled, conditions, actions })
          : await client.createRoutingRule({ connectionId, name: name.trim(), enabled, conditions, actions }),
      );
    } catch (err) {
      setError(errorText(err));
    }
  };

  const setAction = (i: number, a: RoutingAction) => setActions((list) => list.map((x, j) => (j === i ? a : x)));
  const blank = (type: RoutingAction['type']): RoutingAction => {
    switch (type) {
      case 'agent':
        return { type, agentId: dir.agents[0]?.id ?? '' };
      case 'team':
        return { type, teamId: dir.teams[0]?.id ?? '' };
      case 'assign':
        return { type, userId: dir.users[0]?.id ?? '' };
      case 'tag':
        return { type, tag: '' };
      case 'reply':
        return { type, text: '' };
      case 'workflow':
        return { type, webhookId: dir.webhooks[0]?.id ?? '' };
    }
  };

  return (
    <form
      className="au-form au-rule-form"
      onSubmit={(e) => void submit(e)}
      aria-label={rule ? `Edit rule ${rule.name}` : 'New rule'}
    >
      <label className="field">
        Rule name
        <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <Switch label="Enabled" checked={enabled} onChange={setEnabled} />
      <fieldset className="au-rows">
        <legend>Conditions (all must hold; leave empty for always)</legend>
        <fieldset className="au-types">
          <legend>Channel types</legend>
          {dir.types.map((t) => (
            <label key={t.type}>
              <input
                type="checkbox"
                checked={channelTypes.includes(t.type)}
                onChange={(e) =>
                  setChannelTypes((l) => (e.target.checked ? [...l, t.type] : l.filter((x) => x !== t.type)))
                }
              />{' '}
              {t.displayName || t.type}
            </label>
          ))}
        </fieldset>
        <label className="field">
          Keywords (comma-separated, whole words, any of them)
          <input value={keywords} onChange={(e) => setKeywords(e.target.value)} placeholder="refund, cancel order" />
        </label>
        <label className="field">
          Regular expression (case-insensitive)
          <input
            value={regex}
            onChange={(e) => setRegex(e.target.value)}
            placeholder="order\s*#?\d+"
            spellCheck={false}
          />
        </label>
        <label className="field">
          Contact
          <select value={newContact} onChange={(e) => setNewContact(e.target.value)}>
            <option value="any">Any contact</option>
            <option value="new">New contact (no earlier conversation)</option>
            <option value="returning">Returning contact</option>
          </select>
        </label>
        <div className="au-rows" role="group" aria-label="Contact attributes">
          <span>Contact attributes</span>
          {attrs.map((a, i) => (
            <div className="au-row" key={i}>
              <input
                aria-label={`Attribute ${i + 1} name`}
                placeholder="plan"
                value={a.key}
                onChange={(e) => setAttrs((l) => l.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))}
              />
              <select
                aria-label={`Attribute ${i + 1} test`}
                value={a.mode}
                onChange={(e) =>
                  setAttrs((l) => l.map((x, j) => (j === i ? { ...x, mode: e.target.value as AttrRow['mode'] } : x)))
                }
              >
                <option value="equals">equals</option>
                <option value="exists">is set</option>
                <option value="absent">is not set</option>
              </select>
              {a.mode === 'equals' && (
                <input
                  aria-label={`Attribute ${i + 1} value`}
                  placeholder="vip"
                  value={a.value}
                  onChange={(e) => setAttrs((l) => l.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))}
                />
              )}
              <button
                type="button"
                onClick={() => setAttrs((l) => l.filter((_, j) => j !== i))}
                aria-label={`Remove attribute ${i + 1}`}
              >
                <Icon name="close" />
              </button>
            </div>
          ))}
          <div>
            <button type="button" onClick={() => setAttrs((l) => [...l, { key: '', mode: 'equals', value: '' }])}>
              <Icon name="plus" /> Attribute condition
            </button>
          </div>
        </div>
        <fieldset className="au-rows">
          <legend>
            <label>
              <input
                type="checkbox"
                checked={hours.on}
                onChange={(e) => setHours({ ...hours, on: e.target.checked })}
              />{' '}
              Business hours
            </label>
          </legend>
          {hours.on && (
            <>
              <div className="au-row">
                <select
                  aria-label="Inside or outside the hours"
                  value={hours.inside ? 'inside' : 'outside'}
                  onChange={(e) => setHours({ ...hours, inside: e.target.value === 'inside' })}
                >
                  <option value="inside">Inside</option>
                  <option value="outside">Outside</option>
                </select>
                <label>
                  From{' '}
                  <input
                    type="time"
                    value={hours.from}
                    onChange={(e) => setHours({ ...hours, from: e.target.value })}
                  />
                </label>
                <label>
                  To <input type="time" value={hours.to} onChange={(e) => setHours({ ...hours, to: e.target.value })} />
                </label>
                <label>
                  Time zone{' '}
                  <input
                    value={hours.timeZone}
                    onChange={(e) => setHours({ ...hours, timeZone: e.target.value })}
                    placeholder="Europe/Berlin"
                  />
                </label>
              </div>
              <div className="au-row" role="group" aria-label="Days">
                {DAYS.map((d) => (
                  <label key={d}>
                    <input
                      type="checkbox"
                      checked={hours.days.includes(d)}
                      onChange={(e) =>
                        setHours({
                          ...hours,
                          days: e.target.checked
                            ? DAYS.filter((x) => x === d || hours.days.includes(x))
                            : hours.days.filter((x) => x !== d),
                        })
                      }
                    />{' '}
                    {d}
                  </label>
                ))}
              </div>
            </>
          )}
        </fieldset>
      </fieldset>
      <fieldset className="au-rows">
        <legend>Actions</legend>
        {actions.map((a, i) => (
          <div className="au-row" key={i}>
            <select
              aria-label={`Action ${i + 1}`}
              value={a.type}
              onChange={(e) => setAction(i, blank(e.target.value as RoutingAction['type']))}
            >
              <option value="agent">Hand to agent</option>
              <option value="team">Queue for team</option>
              <option value="assign">Assign to operator</option>
              <option value="tag">Add tag</option>
              <option value="reply">Auto-reply</option>
              <option value="workflow">Start workflow</option>
            </select>
            {a.type === 'workflow' && (
              <select
                aria-label={`Action ${i + 1} workflow`}
                required
                value={a.webhookId}
                onChange={(e) => setAction(i, { type: 'workflow', webhookId: e.target.value })}
              >
                <option value="">Choose…</option>
                {dir.webhooks.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.description || w.url}
                  </option>
                ))}
              </select>
            )}
            {a.type === 'workflow' && dir.webhooks.length === 0 && (
              <p className="au-warning" role="note">
                Add an outgoing webhook first (Automation › Webhooks, event workflow.trigger): the workflow is called at
                its URL, signed with its secret, and may answer with actions.
              </p>
            )}
            {a.type === 'agent' && (
              <select
                aria-label={`Action ${i + 1} agent`}
                required
                value={a.agentId}
                onChange={(e) => setAction(i, { type: 'agent', agentId: e.target.value })}
              >
                <option value="">Choose…</option>
                {dir.agents.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            )}
            {a.type === 'team' && (
              <select
                aria-label={`Action ${i + 1} team`}
                required
                value={a.teamId}
                onChange={(e) => setAction(i, { type: 'team', teamId: e.target.value })}
              >
                <option value="">Choose…</option>
                {dir.teams.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                    {x.members.length === 0 ? ' (no members)' : ''}
                  </option>
                ))}
              </select>
            )}
            {a.type === 'team' && dir.teams.find((x) => x.id === a.teamId)?.members.length === 0 && (
              <p className="au-warning" role="note" data-warning="team-without-members">
                {dir.teams.find((x) => x.id === a.teamId)?.name} has no members: conversations this rule sends there
                will wait in its inbox until someone is added under Team inboxes.
              </p>
            )}
            {a.type === 'assign' && (
              <select
                aria-label={`Action ${i + 1} operator`}
                required
                value={a.userId}
                onChange={(e) => setAction(i, { type: 'assign', userId: e.target.value })}
              >
                <option value="">Choose…</option>
                {dir.users.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name || x.email}
                  </option>
                ))}
              </select>
            )}
            {a.type === 'tag' && (
              <input
                aria-label={`Action ${i + 1} tag`}
                required
                maxLength={100}
                value={a.tag}
                onChange={(e) => setAction(i, { type: 'tag', tag: e.target.value })}
                placeholder="billing"
              />
            )}
            {a.type === 'reply' && (
              <input
                className="au-grow"
                aria-label={`Action ${i + 1} reply text`}
                required
                maxLength={4000}
                value={a.text}
                onChange={(e) => setAction(i, { type: 'reply', text: e.target.value })}
              />
            )}
            <button
              type="button"
              onClick={() => setActions((l) => l.filter((_, j) => j !== i))}
              aria-label={`Remove action ${i + 1}`}
            >
              <Icon name="close" />
            </button>
          </div>
        ))}
        <div>
          <button type="button" onClick={() => setActions((l) => [...l, blank('tag')])}>
            <Icon name="plus" /> Action
          </button>
        </div>
      </fieldset>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" id={`save-rule-${id}`} disabled={!name.trim()}>
        {rule ? 'Save rule' : 'Create rule'}
      </button>
    </form>
  );
}

// --- tester ----------------------------------------------------------------------------------------------------

/** "plan=vip, language=de" as attributes; undefined when empty */
function parseAttributes(text: string): Record<string, string> | undefined {
  const pairs = text
    .split(',')
    .map((p) => p.split('='))
    .filter(([k]) => k?.trim());
  if (pairs.length === 0) return undefined;
  return Object.fromEntries(pairs.map(([k, ...v]) => [String(k).trim(), v.join('=').trim()]));
}

/**
 * How the tester marks one rule. The explanation's `matched` says whether a disabled rule's conditions would hold
 * (so an admin sees what enabling it would do), but such a rule never takes a message: it is marked disabled,
 * never with the check mark of a match.
 */
export function ruleVerdict(r: Pick<ExplainRuleResult, 'enabled' | 'matched' | 'fired'>): {
  verdict: 'fires' | 'matches' | 'disabled' | 'no-match';
  icon: 'check' | 'close' | 'off';
  title: string;
} {
  if (!r.enabled)
    return {
      verdict: 'disabled',
      icon: 'off',
      title: r.matched ? 'disabled: never fires (its conditions would hold)' : 'disabled: never fires',
    };
  if (r.fired) return { verdict: 'fires', icon: 'check', title: 'fires' };
  if (r.matched) return { verdict: 'matches', icon: 'check', title: 'matches, but does not fire' };
  return { verdict: 'no-match', icon: 'close', title: 'does not match' };
}

function Tester({ client, dir, scope }: { client: SwitchboardClient; dir: Directory; scope: string }) {
  const [connectionId, setConnectionId] = useState(scope === WORKSPACE ? '' : scope);
  const [text, setText] = useState('');
  const [contactId, setContactId] = useState('');
  const [contactMode, setContactMode] = useState<'new' | 'returning' | 'existing'>('new');
  const [at, setAt] = useState(() => toLocalInput(new Date()));
  const [attributes, setAttributes] = useState('');
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [result, setResult] = useState<ExplainResult | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (scope !== WORKSPACE) setConnectionId(scope);
  }, [scope]);
  useEffect(() => {
    client
      .all<Contact>('/contacts', 1)
      .then(setContacts)
      .catch(() => undefined);
  }, [client]);
  const conn = connectionId || dir.connections[0]?.id || '';

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError('');
    setResult(null);
    try {
      setResult(
        await client.explainRouting({
          connectionId: conn,
          text,
          at: toIso(at),
          ...(contactMode === 'existing' && contactId ? { contactId } : { newContact: contactMode === 'new' }),
          ...(parseAttributes(attributes) ? { contactAttributes: parseAttributes(attributes) } : {}),
        }),
      );
    } catch (err) {
      setError(errorText(err));
    }
  };
  const route = result?.route;

  return (
    <section aria-labelledby="tester-title" className="au-tester">
      <h3 id="tester-title">
        <Icon name="question" /> Which rule fires?
      </h3>
      <form className="au-form" onSubmit={(e) => void submit(e)} aria-label="Which rule fires?">
        <label className="field">
          Connection
          <select value={conn} required onChange={(e) => setConnectionId(e.target.value)}>
            {dir.connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} ({c.type})
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Message text
          <textarea
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={2}
            placeholder="Hi, I want a refund for order #1234"
          />
        </label>
        <div className="au-row" role="radiogroup" aria-label="Contact">
          <label>
            <input
              type="radio"
              name="tester-contact"
              checked={contactMode === 'new'}
              onChange={() => setContactMode('new')}
            />{' '}
            New contact
          </label>
          <label>
            <input
              type="radio"
              name="tester-contact"
              checked={contactMode === 'returning'}
              onChange={() => setContactMode('returning')}
            />{' '}
            Returning contact
          </label>
          <label>
            <input
              type="radio"
              name="tester-contact"
              checked={contactMode === 'existing'}
              onChange={() => setContactMode('existing')}
            />{' '}
            This contact:
          </label>
          <select
            aria-label="Existing contact"
            value={contactId}
            disabled={contactMode !== 'existing'}
            onChange={(e) => setContactId(e.target.value)}
          >
            <option value="">Choose…</option>
            {contacts.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name || c.id}
              </option>
            ))}
          </select>
        </div>
        <label className="field">
          Contact attributes (key=value, comma-separated)
          <input
            value={attributes}
            onChange={(e) => setAttributes(e.target.value)}
            placeholder="plan=vip, language=de"
          />
        </label>
        <label className="field">
          Time
          <input type="datetime-local" step={1} value={at} onChange={(e) => setAt(e.target.value)} />
        </label>
        <button type="submit" disabled={!conn}>
          Test
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {result && (
        <div className={`au-result ${result.firedRule ? 'au-fired' : ''}`} role="status" aria-label="Routing decision">
          {result.firedRule ? (
            <p className="au-verdict">
              <strong>Fires: {result.firedRule.name}</strong>
              {route && route.actions.length > 0 && (
                <> then {route.actions.map((a) => describeAction(a, dir)).join(', ')}</>
              )}
            </p>
          ) : (
            <p className="au-verdict">
              <strong>No rule fires.</strong>{' '}
              {route?.source === 'continued'
                ? 'The conversation stays with its current handler.'
                : 'The default route takes the message.'}
            </p>
          )}
          {route && (
            <p className="hint">
              Handled by {describeRoute(route, dir)}.
              {route.notes.length > 0 &&
                ` ${route.notes.map((n) => sentence(n.endsWith('.') ? n : `${n}.`)).join(' ')}`}
            </p>
          )}
          <ol className="au-reasons" aria-label="Every rule, in order">
            {result.rules.map((r) => {
              const mark = ruleVerdict(r);
              return (
                <li
                  key={r.ruleId}
                  data-rule={r.ruleId}
                  data-matched={r.enabled && r.matched}
                  data-fired={r.fired}
                  data-verdict={mark.verdict}
                >
                  <Icon name={mark.icon} title={mark.title} />
                  <span className={r.fired ? 'au-match' : 'au-nomatch'}>
                    <strong>{r.name}</strong>
                    {r.connectionId === null && <small> (every connection)</small>}
                    {!r.enabled && ' (disabled)'}: {r.reason}
                    {r.checks.length > 0 && (
                      <ul className="au-checks">
                        {r.checks.map((c, j) => (
                          // a disabled rule's conditions are only what would hold: never in the colour of a match
                          <li key={j} className={c.ok && r.enabled ? 'au-match' : 'au-nomatch'}>
                            {c.ok ? 'yes' : 'no'}: {c.condition}
                            {c.detail ? ` (${c.detail})` : ''}
                          </li>
                        ))}
                      </ul>
                    )}
                  </span>
                </li>
              );
            })}
          </ol>
          {result.rules.length === 0 && <p className="hint">This connection has no rules.</p>}
        </div>
      )}
    </section>
  );
}

// --- teams -----------------------------------------------------------------------------------------------------

function Teams({ client, users, onChanged }: { client: SwitchboardClient; users: User[]; onChanged: () => void }) {
  const [teams, setTeams] = useState<Team[] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const reload = useCallback(
    () =>
      client
        .listTeams()
        .then(setTeams)
        .catch((err: unknown) => setError(errorText(err))),
    [client],
  );
  useEffect(() => {
    void reload();
  }, [reload]);

  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    setError('');
    try {
      const t = await client.createTeam({ name: name.trim(), members: [] });
      setName('');
      setOpen(t.id);
      await reload();
      onChanged();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const remove = async (t: Team) => {
    setError('');
    try {
      await client.deleteTeam(t.id);
      await reload();
      onChanged();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const userName = (id: string) => {
    const u = users.find((x) => x.id === id);
    return u ? u.name || u.email : id;
  };

  return (
    <section aria-labelledby="teams-title">
      <h3 id="teams-title">
        <Icon name="team" /> Team inboxes
      </h3>
      <p className="hint">
        Queues of conversations (not the people of Settings › People): a rule can send a conversation to a team inbox;
        it goes to the member with the fewest open conversations below their capacity.
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <form className="au-inline" onSubmit={(e) => void create(e)} aria-label="New team">
        <label className="field">
          Team name
          <input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" disabled={!name.trim()}>
          <Icon name="plus" /> Create team
        </button>
      </form>
      {teams !== null && teams.length === 0 && <p className="empty">No teams yet.</p>}
      <ul className="au-list" aria-label="Teams">
        {(teams ?? []).map((t) => (
          <li key={t.id} className="au-card" data-team={t.id}>
            <div className="au-card-head">
              <strong className="au-grow">{t.name}</strong>
              <span className="au-muted">
                {t.members.length
                  ? t.members.map((m) => `${userName(m.userId)} (${m.capacity})`).join(', ')
                  : 'no members'}
              </span>
              <button
                type="button"
                onClick={() => setOpen(open === t.id ? null : t.id)}
                aria-expanded={open === t.id}
                aria-label={`Members of ${t.name}`}
              >
                <Icon name="team" /> Members
              </button>
              <ConfirmButton label={`Delete team ${t.name}`} onConfirm={() => void remove(t)}>
                <Icon name="trash" />
              </ConfirmButton>
            </div>
            {open === t.id && (
              <Members
                client={client}
                team={t}
                users={users}
                onSaved={() => {
                  void reload();
                  onChanged();
                }}
              />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Members({
  client,
  team,
  users,
  onSaved,
}: {
  client: SwitchboardClient;
  team: Team;
  users: User[];
  onSaved: () => void;
}) {
  const [draft, setDraft] = useState<Map<string, number>>(
    () => new Map(team.members.map((m) => [m.userId, m.capacity])),
  );
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setError('');
    setSaved(false);
    try {
      await client.updateTeam(team.id, {
        members: [...draft.entries()].map(([userId, capacity]) => ({ userId, capacity })),
      });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="au-rows au-members" onSubmit={(e) => void save(e)} aria-label={`Members of ${team.name}`}>
      {users.map((u) => {
        const on = draft.has(u.id);
        return (
          <div className="au-row" key={u.id}>
            <label className="au-grow">
              <input
                type="checkbox"
                checked={on}
                onChange={(e) =>
                  setDraft((m) => {
                    const n = new Map(m);
                    if (e.target.checked) n.set(u.id, 5);
                    else n.delete(u.id);
                    return n;
                  })
                }
              />{' '}
              {u.name || u.email} <span className="au-muted">{u.role}</span>
            </label>
            <label>
              Capacity{' '}
              <input
                type="number"
                min={0}
                max={1000}
                disabled={!on}
                value={draft.get(u.id) ?? 5}
                onChange={(e) => setDraft((m) => new Map(m).set(u.id, Number(e.target.value)))}
                aria-label={`Capacity of ${u.name || u.email}`}
              />
            </label>
          </div>
        );
      })}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {saved && (
        <p role="status" className="hint">
          Members saved.
        </p>
      )}
      <div>
        <button type="submit">Save members</button>
      </div>
    </form>
  );
}

// --- decisions in a conversation --------------------------------------------------------------------------------

/** what routing decided in one conversation (the timeline), to see why it went where it went */
const shorten = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function Decisions({ client, subscribe }: { client: SwitchboardClient; subscribe: Subscribe }) {
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [id, setId] = useState('');
  const load = useCallback(
    () =>
      client
        .request<Page<Conversation>>('GET', '/conversations?limit=50')
        .then((p) => setConversations(p.data))
        .catch(() => undefined),
    [client],
  );
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section aria-labelledby="decisions-title">
      <h3 id="decisions-title">
        <Icon name="clock" /> Decisions in a conversation
      </h3>
      <div className="au-inline au-decisions">
        <label className="field">
          Conversation
          <select value={id} onChange={(e) => setId(e.target.value)} onFocus={() => void load()}>
            <option value="">Choose…</option>
            {conversations.map((c) => (
              <option key={c.id} value={c.id}>
                {[
                  shorten(c.lastMessagePreview ?? '', 40) || '(no messages)',
                  c.channelType,
                  formatTime(c.lastMessageAt ?? c.createdAt),
                ].join(' · ')}
              </option>
            ))}
          </select>
        </label>
      </div>
      {id && <ConversationTimeline key={id} client={client} conversationId={id} subscribe={subscribe} heading={null} />}
    </section>
  );
}
