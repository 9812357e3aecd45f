import { useEffect, useState } from 'react';
import type { Connection, ConnectionType, JsonSchema, SwitchboardClient } from '../../sdk/src/index.ts';
import type { Listener } from './App.tsx';
import { ChannelIcon } from './Inbox.tsx';

export function Settings({ client, subscribe }: { client: SwitchboardClient; subscribe: (l: Listener) => () => void }) {
  const [connections, setConnections] = useState<Connection[]>([]);
  const [types, setTypes] = useState<ConnectionType[]>([]);
  const [error, setError] = useState('');
  const [adding, setAdding] = useState(false);

  const reload = () => client.listConnections().then(setConnections).catch((err: Error) => setError(err.message));
  const put = (c: Connection) => setConnections((list) => (list.some((x) => x.id === c.id) ? list.map((x) => (x.id === c.id ? c : x)) : [...list, c]));

  useEffect(() => {
    void reload();
    client.connectionTypes().then(setTypes).catch((err: Error) => setError(err.message));
    return subscribe((e) => {
      if (e.type !== 'connection.status') return;
      const { connectionId, status, statusReason } = e.data as { connectionId: string; status: string; statusReason: string | null };
      setConnections((list) => list.map((c) => (c.id === connectionId ? { ...c, status, statusReason } : c)));
    });
    // reload is stable enough for this screen
  }, [client, subscribe]);

  const act = async (c: Connection, action: 'start' | 'stop') => {
    setError('');
    try {
      put(await (action === 'start' ? client.startConnection(c.id) : client.stopConnection(c.id)));
    } catch (err) {
      setError(`${c.name}: ${(err as Error).message}`);
      void reload();
    }
  };

  const active = connections.filter((c) => !c.deprecated);
  const deprecated = connections.filter((c) => c.deprecated);
  const row = (c: Connection) => (
    <li key={c.id} className="connection" data-connection={c.id}>
      <span className={`dot dot-${c.status}`} data-status={c.status} role="img" aria-label={`Status: ${c.status}`}
        title={c.status === 'ERROR' && c.statusReason ? `ERROR: ${c.statusReason}` : c.status} />
      <ChannelIcon type={c.type} />
      <span className="conn-name">{c.name}{c.deprecated ? ' DEPRECATED' : ''}</span>
      <span className="conn-status">{c.status}</span>
      <span className="conn-actions">
        <button type="button" onClick={() => void act(c, 'start')} disabled={c.status === 'RUNNING' || c.status === 'STARTING'} aria-label={`Start ${c.name}`}>Start</button>
        <button type="button" onClick={() => void act(c, 'stop')} disabled={c.status === 'STOPPED' || c.status === 'STOPPING'} aria-label={`Stop ${c.name}`}>Stop</button>
      </span>
      <span className="webhook">
        <label htmlFor={`wh-${c.id}`}>Webhook URL</label>
        <input id={`wh-${c.id}`} readOnly value={c.webhookUrl} onFocus={(e) => e.target.select()} />
        <CopyButton text={c.webhookUrl} label={`Copy webhook URL of ${c.name}`} />
      </span>
    </li>
  );

  return (
    <div className="settings">
      <h1>Settings</h1>
      <section aria-labelledby="channels-title">
        <div className="row between">
          <h2 id="channels-title">Communication Channels</h2>
          <button type="button" onClick={() => setAdding(!adding)} aria-expanded={adding}>{adding ? 'Close' : 'Add connection'}</button>
        </div>
        {error && <p role="alert" className="error">{error}</p>}
        {adding && <AddConnection client={client} types={types} onCreated={(c) => { put(c); setAdding(false); }} />}
        <ul className="connections">{active.map(row)}</ul>
        {active.length === 0 && <p className="empty">No channels yet.</p>}
        {deprecated.length > 0 && (
          <section aria-labelledby="deprecated-title">
            <h3 id="deprecated-title">Deprecated Channels</h3>
            <ul className="connections deprecated">{deprecated.map(row)}</ul>
          </section>
        )}
      </section>
    </div>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const t = document.createElement('textarea');
      t.value = text;
      document.body.append(t);
      t.select();
      document.execCommand('copy');
      t.remove();
    }
    setDone(true);
    setTimeout(() => setDone(false), 1500);
  };
  return <button type="button" onClick={() => void copy()} aria-label={label}>{done ? 'Copied' : 'Copy'}</button>;
}

function typeOf(s: JsonSchema): string {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  return s.enum ? 'enum' : t ?? 'string';
}

function AddConnection({ client, types, onCreated }: { client: SwitchboardClient; types: ConnectionType[]; onCreated: (c: Connection) => void }) {
  const [type, setType] = useState('');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [error, setError] = useState('');
  const chosen = types.find((t) => t.type === type);
  const props = Object.entries(chosen?.configSchema.properties ?? {});
  const required = new Set(chosen?.configSchema.required ?? []);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError('');
    const config: Record<string, unknown> = {};
    for (const [key, schema] of props) {
      const v = values[key];
      if (v === undefined || v === '') continue;
      const t = typeOf(schema);
      config[key] = t === 'number' || t === 'integer' ? Number(v) : v;
    }
    try {
      onCreated(await client.createConnection({ type, name: name.trim(), config }));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <form className="add-connection" onSubmit={(e) => void submit(e)} aria-label="Add connection">
      <label className="field">Channel type
        <select value={type} required onChange={(e) => { setType(e.target.value); setValues({}); }}>
          <option value="">Choose…</option>
          {types.map((t) => <option key={t.type} value={t.type}>{t.displayName}</option>)}
        </select>
      </label>
      {chosen && <p className="hint">{chosen.description}</p>}
      <label className="field">Name
        <input value={name} required maxLength={200} onChange={(e) => setName(e.target.value)} />
      </label>
      {props.map(([key, schema]) => {
        const t = typeOf(schema);
        const id = `cfg-${key}`;
        const hint = [schema.description, schema['x-generated'] ? '(optional: generated when empty)' : ''].filter(Boolean).join(' ');
        const common = { id, 'aria-describedby': hint ? `${id}-hint` : undefined };
        let input;
        if (t === 'boolean') {
          input = <input type="checkbox" {...common} checked={values[key] === true} onChange={(e) => setValues({ ...values, [key]: e.target.checked })} />;
        } else if (t === 'enum') {
          input = (
            <select {...common} required={required.has(key)} value={String(values[key] ?? '')} onChange={(e) => setValues({ ...values, [key]: e.target.value })}>
              <option value="">{schema.default !== undefined ? `Default (${String(schema.default)})` : 'Choose…'}</option>
              {(schema.enum ?? []).map((v) => <option key={String(v)} value={String(v)}>{String(v)}</option>)}
            </select>
          );
        } else {
          const inputType = schema.writeOnly ? 'password' : t === 'number' || t === 'integer' ? 'number' : schema.format === 'uri' ? 'url' : 'text';
          input = (
            <input {...common} type={inputType} required={required.has(key)} autoComplete={schema.writeOnly ? 'new-password' : 'off'}
              placeholder={schema.default !== undefined ? String(schema.default) : ''} pattern={inputType === 'text' || inputType === 'password' ? schema.pattern : undefined}
              min={schema.minimum} max={schema.maximum} maxLength={schema.maxLength}
              value={String(values[key] ?? '')} onChange={(e) => setValues({ ...values, [key]: e.target.value })} />
          );
        }
        return (
          <div className="field" key={key}>
            <label htmlFor={id}>{schema.title ?? key}{required.has(key) ? ' *' : ''}</label>
            {input}
            {hint && <small id={`${id}-hint`}>{hint}</small>}
          </div>
        );
      })}
      {error && <p role="alert" className="error">{error}</p>}
      <button type="submit" disabled={!type || !name.trim()}>Create connection</button>
    </form>
  );
}
