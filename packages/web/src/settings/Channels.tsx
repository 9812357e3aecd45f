/**
 * @module web/settings/Channels: Settings › Communication Channels — each connection with its live status (the
 * reason on ERROR), start/stop, edit, logs, delete (asked again in place), and what to paste at the provider
 * (webhook URL, verify token).
 */
import { useEffect, useState } from 'react';
import type { Connection, ConnectionChecks, ConnectionHealth, InboundHolder } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { errorText } from '../format.ts';
import { ChannelIcon, Icon } from '../icons.tsx';
import { ConnectionForm } from './ConnectionForm.tsx';
import { ConnectionLogs } from './ConnectionLogs.tsx';
import { MetaGrantPicker } from './MetaConnect.tsx';
import { useHash } from '../use-hash.ts';
import { CopyField } from './CopyButton.tsx';
import { WebchatSettings } from '../WebchatSettings.tsx';
import { ConfirmButton } from '../automation/controls.tsx';

/** types whose settings have a section of their own below the row (the generic form only names them) */
const OWN_SETTINGS = new Set(['webchat']);
const ownSettings = (type: string) => OWN_SETTINGS.has(type);

export function Channels() {
  const { client, subscribe, types: typeMap } = useApp();
  const types = [...typeMap.values()];
  const [connections, setConnections] = useState<Connection[]>([]);
  const [error, setError] = useState('');
  const [adding, setAdding] = useState(false);
  const [open, setOpen] = useState<{ id: string; panel: 'edit' | 'logs' } | null>(null);
  const [notice, setNotice] = useState('');
  // back from Facebook's dialog: #/settings?metaGrant=… (api/routes/meta-connect-routes.ts)
  const metaGrant = /[?&]metaGrant=([^&]+)/.exec(useHash())?.[1];
  const [inbound, setInbound] = useState<Map<string, InboundHolder>>(new Map());

  const reload = () => {
    // which agent answers each connection's inbound messages, shown before anyone tries to take it
    client
      .inboundAgents()
      .then((list) => setInbound(new Map(list.map((h) => [h.connectionId, h]))))
      .catch(() => setInbound(new Map()));
    return client
      .listConnections()
      .then(setConnections)
      .catch((err: unknown) => setError(errorText(err)));
  };
  const put = (c: Connection) =>
    setConnections((list) =>
      // start/stop answers carry no health: the last one known stays until the next check or event
      list.some((x) => x.id === c.id)
        ? list.map((x) => (x.id === c.id ? { ...c, health: c.health ?? x.health ?? null } : x))
        : [...list, c],
    );

  useEffect(() => {
    void reload();
    return subscribe((e) => {
      if (e.type === 'stream.open' || e.type === 'agent.status') void reload();
      if (e.type === 'connection.health') {
        const { connectionId, state, checks } = e.data as { connectionId: string } & ConnectionHealth;
        setConnections((list) =>
          list.map((c) =>
            c.id === connectionId ? { ...c, health: { state, checks, updatedAt: new Date().toISOString() } } : c,
          ),
        );
        return;
      }
      if (e.type !== 'connection.status') return;
      const { connectionId, status, statusReason } = e.data as {
        connectionId: string;
        status: Connection['status'];
        statusReason: string | null;
      };
      setConnections((list) => list.map((c) => (c.id === connectionId ? { ...c, status, statusReason } : c)));
    });
  }, [client, subscribe]);

  const act = async (c: Connection, action: 'start' | 'stop') => {
    setError('');
    try {
      put(await (action === 'start' ? client.startConnection(c.id) : client.stopConnection(c.id)));
    } catch (err) {
      setError(`${c.name}: ${errorText(err)}`);
      void reload();
    }
  };
  const checkHealth = async (c: Connection) => {
    setError('');
    try {
      const health = await client.checkConnectionHealth(c.id);
      setConnections((list) => list.map((x) => (x.id === c.id ? { ...x, health } : x)));
    } catch (err) {
      setError(`${c.name}: ${errorText(err)}`);
    }
  };
  const sync = async (c: Connection) => {
    setError('');
    setNotice('');
    try {
      const list = await client.syncTemplates(c.id);
      setNotice(
        `${c.name}: ${list.length} template${list.length === 1 ? '' : 's'} synced, ${list.filter((t) => t.status.toUpperCase() === 'APPROVED').length} approved.`,
      );
    } catch (err) {
      setError(`${c.name}: ${errorText(err)}`);
    }
  };
  // "Test connection": each server's answer, listed under the connection (mail: IMAP and SMTP)
  const [checked, setChecked] = useState<{ id: string; checks: ConnectionChecks['checks'] | null } | null>(null);
  // the provider delivers a test inbound message; the health shows it once it arrived (the health is read again then)
  const testEvent = async (c: Connection) => {
    setError('');
    setNotice('');
    try {
      const { detail } = await client.sendTestEvent(c.id);
      setNotice(`${c.name}: test event requested — ${detail}`);
      // the webhook usually arrives within a second or two: look again then
      for (const wait of [1000, 2500, 5000]) {
        await new Promise((r) => setTimeout(r, wait));
        const health = await client.checkConnectionHealth(c.id);
        setConnections((list) => list.map((x) => (x.id === c.id ? { ...x, health } : x)));
        if (health.checks.some((x) => x.name === 'first_message' && x.state === 'healthy')) break;
      }
    } catch (err) {
      setError(`${c.name}: ${errorText(err)}`);
    }
  };
  const check = async (c: Connection) => {
    setError('');
    setChecked({ id: c.id, checks: null });
    try {
      setChecked({ id: c.id, checks: (await client.checkConnection(c.id)).checks });
    } catch (err) {
      setChecked(null);
      setError(`${c.name}: ${errorText(err)}`);
    }
  };
  // deleting asks again in place (like Automation's deletes); the server stops a running connection first
  const remove = async (c: Connection) => {
    setError('');
    setNotice('');
    try {
      await client.deleteConnection(c.id);
      setConnections((list) => list.filter((x) => x.id !== c.id));
      if (open?.id === c.id) setOpen(null);
      setNotice(`${c.name} deleted.`);
    } catch (err) {
      setError(`${c.name}: ${errorText(err)}`);
    }
  };
  // the flag is one click on the row, not a checkbox inside Edit
  const setDeprecated = async (c: Connection, deprecated: boolean) => {
    setError('');
    setNotice('');
    try {
      put(await client.updateConnection(c.id, { deprecated }));
      setNotice(deprecated ? `${c.name} moved to Deprecated Channels.` : `${c.name} is active again.`);
    } catch (err) {
      setError(`${c.name}: ${errorText(err)}`);
    }
  };
  const toggle = (id: string, panel: 'edit' | 'logs') =>
    setOpen(open?.id === id && open.panel === panel ? null : { id, panel });

  const active = connections.filter((c) => !c.deprecated);
  const deprecated = connections.filter((c) => c.deprecated);
  const row = (c: Connection) => {
    const verifyToken =
      typeof c.config.verifyToken === 'string' && c.config.verifyToken !== '********'
        ? c.config.verifyToken
        : undefined;
    const holder = inbound.get(c.id);
    const statusText = c.status === 'ERROR' && c.statusReason ? `ERROR: ${c.statusReason}` : c.status;
    return (
      <li key={c.id} className="connection" data-connection={c.id}>
        <span
          className={`dot dot-${c.status}`}
          data-status={c.status}
          role="img"
          aria-label={`Status: ${c.status}`}
          title={c.status === 'ERROR' && c.statusReason ? `ERROR: ${c.statusReason}` : c.status}
        />
        <ChannelIcon type={c.type} />
        <span className="conn-name">
          <span className="conn-title">{c.name}</span>
          {c.deprecated && <span className="pill pill-deprecated">Deprecated</span>}
          <HealthBadge health={c.health} />
          {holder && (
            <small className="conn-inbound" data-inbound-agent={holder.agentId}>
              Inbound: {holder.agentName}
              {holder.active ? '' : ' (not running)'}
            </small>
          )}
        </span>
        <span className="conn-status" title={statusText}>
          {statusText}
        </span>
        <span className="conn-actions">
          {c.status === 'RUNNING' && (
            <button type="button" onClick={() => void checkHealth(c)} aria-label={`Check the health of ${c.name}`}>
              Check health
            </button>
          )}
          <button
            type="button"
            onClick={() => void act(c, 'start')}
            disabled={c.status === 'RUNNING' || c.status === 'STARTING'}
            aria-label={`Start ${c.name}`}
          >
            Start
          </button>
          <button
            type="button"
            onClick={() => void act(c, 'stop')}
            disabled={c.status === 'STOPPED' || c.status === 'STOPPING'}
            aria-label={`Stop ${c.name}`}
          >
            Stop
          </button>
          <button
            type="button"
            onClick={() => toggle(c.id, 'edit')}
            aria-expanded={open?.id === c.id && open.panel === 'edit'}
            aria-label={`Edit ${c.name}`}
          >
            <Icon name="edit" /> Edit
          </button>
          {typeMap.get(c.type)?.capabilities.templates === true && (
            <button type="button" onClick={() => void sync(c)} aria-label={`Sync templates of ${c.name}`}>
              <Icon name="refresh" /> Templates
            </button>
          )}
          {typeMap.get(c.type)?.features.includes('testEvent') === true && c.status === 'RUNNING' && (
            <button
              type="button"
              onClick={() => void testEvent(c)}
              aria-label={`Send a test event to ${c.name}`}
              title="The provider delivers a test message to this connection"
            >
              <Icon name="send" /> Test event
            </button>
          )}
          {typeMap.get(c.type)?.canCheck === true && (
            <button type="button" onClick={() => void check(c)} aria-label={`Test connection ${c.name}`}>
              <Icon name="refresh" /> Test connection
            </button>
          )}
          <button
            type="button"
            onClick={() => toggle(c.id, 'logs')}
            aria-expanded={open?.id === c.id && open.panel === 'logs'}
            aria-label={`Logs of ${c.name}`}
          >
            <Icon name="list" /> Logs
          </button>
          <button
            type="button"
            onClick={() => void setDeprecated(c, !c.deprecated)}
            aria-label={c.deprecated ? `Restore ${c.name}` : `Deprecate ${c.name}`}
            title={c.deprecated ? 'Move back to the active channels' : 'Keep for history, listed apart'}
          >
            {c.deprecated ? 'Restore' : 'Deprecate'}
          </button>
          <ConfirmButton label={`Delete ${c.name}`} onConfirm={() => void remove(c)}>
            Delete
          </ConfirmButton>
        </span>
        <HealthReasons health={c.health} />
        <span className="webhook">
          <CopyField
            id={`wh-${c.id}`}
            label="Webhook URL"
            value={c.webhookUrl}
            copyLabel={`Copy webhook URL of ${c.name}`}
          />
          {verifyToken && (
            <CopyField
              id={`vt-${c.id}`}
              label="Verify token"
              value={verifyToken}
              copyLabel={`Copy verify token of ${c.name}`}
            />
          )}
        </span>
        {checked?.id === c.id && (
          <ul className="conn-checks" aria-label={`Connection test of ${c.name}`} aria-live="polite">
            {checked.checks === null && <li>Testing…</li>}
            {checked.checks?.map((x) => (
              <li key={x.name} className={x.ok ? 'ok' : 'error'} data-check={x.name}>
                <strong>
                  {x.name}: {x.ok ? 'OK' : 'failed'}
                </strong>{' '}
                {x.answer}
              </li>
            ))}
          </ul>
        )}
        {open?.id === c.id && open.panel === 'edit' && (
          <div className="conn-panel">
            <ConnectionForm
              types={types}
              connection={c}
              ownSettings={ownSettings}
              onSaved={(saved) => {
                put(saved);
                setOpen(null);
              }}
              onCancel={() => setOpen(null)}
            />
            {c.type === 'webchat' && <WebchatSettings connection={c} onSaved={put} />}
          </div>
        )}
        {open?.id === c.id && open.panel === 'logs' && (
          <div className="conn-panel">
            <ConnectionLogs connectionId={c.id} name={c.name} />
          </div>
        )}
      </li>
    );
  };

  return (
    <section aria-labelledby="channels-title">
      <div className="row between">
        <h2 id="channels-title">Communication Channels</h2>
        <button type="button" onClick={() => setAdding(!adding)} aria-expanded={adding}>
          {adding ? 'Close' : 'Add connection'}
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" className="ok">
          {notice}
        </p>
      )}
      {metaGrant && (
        <MetaGrantPicker
          grantId={decodeURIComponent(metaGrant)}
          onSaved={put}
          onDone={() => {
            location.hash = '#/settings';
          }}
        />
      )}
      {adding && (
        <ConnectionForm
          types={types}
          ownSettings={ownSettings}
          onSaved={(c) => {
            put(c);
            setAdding(false);
            // a web chat's appearance, greeting and hours are its own section: open it right away
            if (ownSettings(c.type)) setOpen({ id: c.id, panel: 'edit' });
          }}
        />
      )}
      <ul className="connections">{active.map(row)}</ul>
      {active.length === 0 && (
        <p className="empty">
          {deprecated.length > 0 ? 'No channels in use: the ones below are deprecated.' : 'No channels yet.'}
        </p>
      )}
      {deprecated.length > 0 && (
        <section aria-labelledby="deprecated-title">
          <h3 id="deprecated-title">Deprecated Channels</h3>
          <ul className="connections deprecated">{deprecated.map(row)}</ul>
        </section>
      )}
    </section>
  );
}

/** beside the status dot: the worst state of the connection's health checks, their findings on hover */
function HealthBadge({ health }: { health: Connection['health'] }) {
  if (!health) return null;
  const problems = health.checks.filter((c) => c.state !== 'healthy');
  return (
    <span
      className={`badge health health-${health.state}`}
      data-health={health.state}
      title={problems.length ? problems.map((c) => c.detail).join('\n') : 'Every check passes'}
    >
      {health.state}
    </span>
  );
}

/** what is wrong, in words (the provider's where it said something) and the fix: visible, not only on hover */
function HealthReasons({ health }: { health: Connection['health'] }) {
  const problems = health?.checks.filter((c) => c.state !== 'healthy') ?? [];
  if (problems.length === 0) return null;
  return (
    <span className="health-reasons">
      {problems.map((c) => (
        <span key={c.name} className={`health-reason health-${c.state}`} data-check={c.name}>
          {c.detail}
        </span>
      ))}
    </span>
  );
}
