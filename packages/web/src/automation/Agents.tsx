/**
 * @module web/automation/Agents: the agents page: status dots (the connection colours), create and edit from the
 * agent kind's JSON schema, start/stop, and the agent's Communication channels (attach + one Inbound switch each).
 */
import { useCallback, useEffect, useState } from 'react';
import type {
  Agent,
  AgentChannels,
  InboundHolder,
  AgentType,
  Connection,
  HubEvent,
  SwitchboardClient,
} from '../../../sdk/src/index.ts';
import { ConfirmButton, CopyField, RoutingWarnings, Switch, errorText } from './controls.tsx';
import { Icon } from './icons.tsx';
import { SchemaFields, configFromRaw, fieldLabel, rawFromConfig, type RawValues } from './SchemaForm.tsx';
import { FlowEditor } from './FlowEditor.tsx';

type Subscribe = (listener: (event: HubEvent) => void) => () => void;

/** secrets the server generated on create (shown once), and the agent as every later answer shows it (masked) */
export function revealOnce(agent: Agent): { shown: Array<{ field: string; value: string }>; agent: Agent } {
  const fields = agent.generatedSecrets ?? [];
  const shown = fields.flatMap((field) =>
    typeof agent.config[field] === 'string' ? [{ field, value: agent.config[field] as string }] : [],
  );
  const masked: Agent = {
    ...agent,
    config: { ...agent.config, ...Object.fromEntries(fields.map((f) => [f, '********'])) },
  };
  delete masked.generatedSecrets;
  return { shown, agent: masked };
}
const agentsHref = (id?: string) => `#/automation/agents${id ? `/${encodeURIComponent(id)}` : ''}`;

export function StatusDot({ status, reason, name }: { status: string; reason: string | null; name: string }) {
  return (
    <span
      className={`dot dot-${status}`}
      data-status={status}
      role="img"
      aria-label={`${name} status: ${status}${status === 'ERROR' && reason ? `: ${reason}` : ''}`}
      title={status === 'ERROR' && reason ? `ERROR: ${reason}` : status}
    />
  );
}

export function AgentsPage({
  client,
  subscribe,
  selectedId,
}: {
  client: SwitchboardClient;
  subscribe: Subscribe;
  selectedId: string | undefined;
}) {
  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [types, setTypes] = useState<AgentType[]>([]);
  const [error, setError] = useState('');
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<{
    id: string;
    name: string;
    shown: Array<{ field: string; value: string }>;
  } | null>(null);

  const reload = useCallback(
    () =>
      client
        .listAgents()
        .then(setAgents)
        .catch((err: unknown) => setError(errorText(err))),
    [client],
  );
  const put = (a: Agent) =>
    setAgents((list) =>
      (list ?? []).some((x) => x.id === a.id) ? (list ?? []).map((x) => (x.id === a.id ? a : x)) : [...(list ?? []), a],
    );

  useEffect(() => {
    void reload();
    client
      .agentTypes()
      .then(setTypes)
      .catch((err: unknown) => setError(errorText(err)));
    return subscribe((e) => {
      if (e.type === 'stream.open') {
        void reload();
        return;
      }
      if (e.type !== 'agent.status') return;
      const d = e.data as {
        agentId?: string;
        id?: string;
        status?: Agent['status'];
        statusReason?: string | null;
        agent?: Agent;
      };
      if (d.agent) {
        put(d.agent);
        return;
      }
      const id = d.agentId ?? d.id;
      if (id && d.status)
        setAgents((list) =>
          (list ?? []).map((a) =>
            a.id === id ? { ...a, status: d.status as Agent['status'], statusReason: d.statusReason ?? null } : a,
          ),
        );
    });
  }, [client, subscribe, reload]);

  const act = async (a: Agent, action: 'start' | 'stop') => {
    setError('');
    try {
      put(await (action === 'start' ? client.startAgent(a.id) : client.stopAgent(a.id)));
    } catch (err) {
      setError(`${a.name}: ${errorText(err)}`);
      void reload();
    }
  };
  const selected = agents?.find((a) => a.id === selectedId);

  return (
    <section className="au-page" aria-labelledby="agents-title">
      <div className="row between">
        <h2 id="agents-title">
          <Icon name="agent" /> Agents
        </h2>
        <button type="button" onClick={() => setAdding(!adding)} aria-expanded={adding}>
          <Icon name={adding ? 'close' : 'plus'} /> {adding ? 'Close' : 'Add agent'}
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {adding && (
        <AgentForm
          client={client}
          types={types}
          onSaved={(a) => {
            const { shown, agent } = revealOnce(a);
            put(agent);
            setCreated(shown.length > 0 ? { id: a.id, name: a.name, shown } : null);
            setAdding(false);
            location.hash = agentsHref(a.id);
          }}
        />
      )}
      {created && (
        <div className="au-callout" role="status" aria-label="New signing secret">
          <span>
            <strong>Agent {created.name} created.</strong> Copy its generated signing secret now: it is shown only once.
            Your bot checks each request&apos;s <code>Switchboard-Signature</code> with it.
          </span>
          {created.shown.map((s) => (
            <CopyField
              key={s.field}
              label={s.field === 'secret' ? 'Signing secret' : fieldLabel(s.field, {})}
              value={s.value}
              id={`agent-secret-${created.id}-${s.field}`}
            />
          ))}
          <button type="button" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {agents === null ? (
        <p className="empty">Loading…</p>
      ) : (
        agents.length === 0 &&
        !adding && (
          <p className="empty">No agents yet. An agent answers conversations on the channels you attach it to.</p>
        )
      )}
      <ul className="au-list" aria-label="Agents">
        {(agents ?? []).map((a) => (
          <li key={a.id} className={`au-card ${a.id === selectedId ? 'au-selected' : ''}`} data-agent={a.id}>
            <div className="au-card-head">
              <StatusDot status={a.status} reason={a.statusReason} name={a.name} />
              <a
                className="au-grow"
                href={agentsHref(a.id === selectedId ? undefined : a.id)}
                aria-expanded={a.id === selectedId}
              >
                <strong>{a.name}</strong>{' '}
                <span className="au-muted">{types.find((t) => t.kind === a.kind)?.displayName ?? a.kind}</span>
              </a>
              <span className="conn-status">{a.status}</span>
              <button
                type="button"
                onClick={() => void act(a, 'start')}
                disabled={a.status === 'RUNNING' || a.status === 'STARTING'}
                aria-label={`Start ${a.name}`}
              >
                <Icon name="play" /> Start
              </button>
              <button
                type="button"
                onClick={() => void act(a, 'stop')}
                disabled={a.status === 'STOPPED' || a.status === 'STOPPING'}
                aria-label={`Stop ${a.name}`}
              >
                <Icon name="stop" /> Stop
              </button>
            </div>
            {a.status === 'ERROR' && a.statusReason && <p className="error">{a.statusReason}</p>}
            {a.id === selectedId && selected && (
              <AgentDetail
                key={a.id}
                client={client}
                agent={selected}
                types={types}
                onSaved={put}
                onDeleted={() => {
                  setAgents((list) => (list ?? []).filter((x) => x.id !== a.id));
                  if (created?.id === a.id) setCreated(null);
                  location.hash = agentsHref();
                }}
              />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function AgentForm({
  client,
  types,
  agent,
  onSaved,
}: {
  client: SwitchboardClient;
  types: AgentType[];
  agent?: Agent;
  onSaved: (a: Agent) => void;
}) {
  const [kind, setKind] = useState(agent?.kind ?? '');
  const [name, setName] = useState(agent?.name ?? '');
  const [description, setDescription] = useState(agent?.description ?? '');
  const chosen = types.find((t) => t.kind === kind);
  const [values, setValues] = useState<RawValues>(() => rawFromConfig(chosen?.configSchema, agent?.config ?? {}));
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  // the flow bot is edited with forms; its JSON stays one click away
  const [showJson, setShowJson] = useState(false);
  const prefix = agent ? `agent-${agent.id}` : 'agent-new';

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError('');
    setSaved(false);
    setBusy(true);
    try {
      const config = configFromRaw(chosen?.configSchema, values);
      const input = { name: name.trim(), description: description.trim(), config };
      const result = agent ? await client.updateAgent(agent.id, input) : await client.createAgent({ kind, ...input });
      setValues(rawFromConfig(chosen?.configSchema, result.config));
      setSaved(true);
      onSaved(result);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="au-form" onSubmit={(e) => void submit(e)} aria-label={agent ? `Edit ${agent.name}` : 'New agent'}>
      {agent ? (
        <p className="hint">
          Kind: <strong>{chosen?.displayName ?? agent.kind}</strong>
        </p>
      ) : (
        <label className="field">
          Agent kind
          <select
            value={kind}
            required
            onChange={(e) => {
              setKind(e.target.value);
              setValues({});
            }}
          >
            <option value="">Choose…</option>
            {types.map((t) => (
              <option key={t.kind} value={t.kind}>
                {t.displayName}
              </option>
            ))}
          </select>
        </label>
      )}
      {chosen?.description && <p className="hint">{chosen.description}</p>}
      <label className="field">
        Name
        <input value={name} required maxLength={200} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field">
        Description
        <input value={description} maxLength={500} onChange={(e) => setDescription(e.target.value)} />
      </label>
      {chosen && (
        <SchemaFields
          schema={chosen.configSchema}
          values={values}
          onChange={setValues}
          idPrefix={prefix}
          editing={Boolean(agent)}
          omit={kind === 'flow' && !showJson ? ['nodes', 'faq'] : []}
        />
      )}
      {chosen && kind === 'flow' && (
        <>
          {!showJson && (
            <FlowEditor
              client={client}
              values={values}
              onChange={setValues}
              configOf={() => configFromRaw(chosen.configSchema, values)}
            />
          )}
          <label className="au-row">
            <input type="checkbox" checked={showJson} onChange={(e) => setShowJson(e.target.checked)} />
            Advanced: edit the steps and FAQ as JSON
          </label>
        </>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {saved && agent && (
        <p role="status" className="hint">
          Saved.{agent.status === 'RUNNING' ? ' The running agent was restarted with them.' : ''}
        </p>
      )}
      <button type="submit" disabled={busy || !kind || !name.trim()}>
        {agent ? 'Save agent' : 'Create agent'}
      </button>
    </form>
  );
}

function AgentDetail({
  client,
  agent,
  types,
  onSaved,
  onDeleted,
}: {
  client: SwitchboardClient;
  agent: Agent;
  types: AgentType[];
  onSaved: (a: Agent) => void;
  onDeleted: () => void;
}) {
  const [error, setError] = useState('');
  const remove = async () => {
    setError('');
    try {
      await client.deleteAgent(agent.id);
      onDeleted();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div className="au-detail" role="region" aria-label={`Agent ${agent.name}`}>
      {types.length > 0 && <AgentForm client={client} types={types} agent={agent} onSaved={onSaved} />}
      <Channels client={client} agent={agent} />
      <div className="au-row">
        <ConfirmButton label={`Delete agent ${agent.name}`} onConfirm={() => void remove()}>
          <Icon name="trash" /> Delete agent
        </ConfirmButton>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}

interface ChannelDraft {
  attached: boolean;
  inbound: boolean;
}

function Channels({ client, agent }: { client: SwitchboardClient; agent: Agent }) {
  const [connections, setConnections] = useState<Connection[]>([]);
  const [applied, setApplied] = useState<AgentChannels>({ data: [], restartRequired: false, warnings: [] });
  // which other agent answers a connection's inbound messages: said on the row, before a save would be refused
  const [holders, setHolders] = useState<Map<string, InboundHolder>>(new Map());
  const [draft, setDraft] = useState<Map<string, ChannelDraft>>(new Map());
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const [conns, chans, held] = await Promise.all([
        client.listConnections(),
        client.agentChannels(agent.id),
        client.inboundAgents().catch(() => []),
      ]);
      setHolders(new Map(held.filter((h) => h.agentId !== agent.id).map((h) => [h.connectionId, h])));
      setConnections(conns.filter((c) => !c.deprecated || chans.data.some((ch) => ch.connectionId === c.id)));
      setApplied(chans);
      setDraft(new Map(chans.data.map((c) => [c.connectionId, { attached: true, inbound: c.inbound }])));
    } catch (err) {
      setError(errorText(err));
    }
  }, [client, agent.id]);
  // a start applies the page: reload what the agent applied when its status settles
  useEffect(() => {
    void load();
  }, [load, agent.status]);

  const set = (id: string, next: ChannelDraft) => {
    setSaved(false);
    setDraft((m) => new Map(m).set(id, next.attached ? next : { attached: false, inbound: false }));
  };
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setError('');
    setSaved(false);
    setBusy(true);
    try {
      const list = [...draft.entries()]
        .filter(([, d]) => d.attached)
        .map(([connectionId, d]) => ({ connectionId, inbound: d.inbound }));
      const chans = await client.setAgentChannels(agent.id, list);
      setApplied(chans);
      setSaved(true);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const pending = applied.restartRequired;

  return (
    <form className="au-channels" onSubmit={(e) => void save(e)} aria-labelledby={`chan-title-${agent.id}`}>
      <h3 id={`chan-title-${agent.id}`}>Communication channels</h3>
      <p className="hint">
        Pick the connections this agent works on. Inbound: the agent answers new inbound messages of that connection;
        only one agent may handle a connection's inbound traffic.
      </p>
      {connections.length === 0 && <p className="empty">No connections yet: add one in Settings.</p>}
      <ul className="au-list">
        {connections.map((c) => {
          const d = draft.get(c.id) ?? { attached: false, inbound: false };
          const now = applied.data.find((a) => a.connectionId === c.id);
          const state = !now
            ? ''
            : !now.active
              ? agent.status === 'RUNNING'
                ? 'not active yet'
                : 'active when the agent starts'
              : now.active.inbound !== now.inbound
                ? `running with Inbound ${now.active.inbound ? 'on' : 'off'}`
                : 'active';
          const other = holders.get(c.id);
          return (
            <li key={c.id} className="au-row au-channel" data-connection={c.id}>
              <StatusDot status={c.status} reason={c.statusReason} name={c.name} />
              <label className="au-grow au-row">
                <input
                  type="checkbox"
                  checked={d.attached}
                  onChange={(e) => set(c.id, { attached: e.target.checked, inbound: d.inbound })}
                  aria-label={`Attach ${c.name}`}
                />
                <span>
                  <strong>{c.name}</strong> <span className="au-muted">{c.type}</span>
                </span>
              </label>
              {state && <small className="au-muted">{state}</small>}
              {other && (
                <small className="au-muted" data-inbound-agent={other.agentId}>
                  Inbound: {other.agentName}
                </small>
              )}
              <Switch
                label="Inbound"
                checked={d.inbound}
                disabled={!d.attached}
                onChange={(v) => set(c.id, { attached: true, inbound: v })}
                ariaLabel={`Inbound on ${c.name}`}
              />
            </li>
          );
        })}
      </ul>
      <p className="au-note" role="note">
        {agent.status === 'RUNNING'
          ? 'A running agent applies saved changes at once.'
          : 'Saved changes apply when the agent starts.'}
        {pending ? ' Some saved changes are not applied yet.' : ''}
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {saved && (
        <p role="status" className="hint">
          Channels saved{applied.warnings.length > 0 ? ', but routing will not work as set up:' : '.'}
        </p>
      )}
      <RoutingWarnings warnings={applied.warnings} label={`Routing warnings for ${agent.name}`} />
      <button type="submit" disabled={busy}>
        Save channels
      </button>
    </form>
  );
}
