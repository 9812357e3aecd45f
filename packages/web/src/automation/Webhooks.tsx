/** @module web/automation/Webhooks: outgoing webhook subscriptions: create (secret shown once), enable, delete, delivery log, replays. */
import { useCallback, useEffect, useState } from 'react';
import {
  WEBHOOK_EVENT_TYPES,
  type SwitchboardClient,
  type WebhookDelivery,
  type WebhookSubscription,
  type WebhookEventType,
} from '../../../sdk/src/index.ts';
import { Icon } from './icons.tsx';
import { ConfirmButton, CopyField, Switch, errorText, formatTime, toIso, toLocalInput } from './controls.tsx';

export function WebhooksPage({ client }: { client: SwitchboardClient }) {
  const [subs, setSubs] = useState<WebhookSubscription[] | null>(null);
  const [error, setError] = useState('');
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<WebhookSubscription | null>(null);
  const [openLog, setOpenLog] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);

  const reload = useCallback(
    () =>
      client
        .listWebhookSubscriptions()
        .then(setSubs)
        .catch((err: unknown) => setError(errorText(err))),
    [client],
  );
  useEffect(() => {
    void reload();
  }, [reload]);
  const put = (s: WebhookSubscription) =>
    setSubs((list) =>
      (list ?? []).some((x) => x.id === s.id) ? (list ?? []).map((x) => (x.id === s.id ? s : x)) : [s, ...(list ?? [])],
    );

  const toggle = async (s: WebhookSubscription) => {
    setError('');
    put({ ...s, active: !s.active }); // optimistic: the switch follows the hand, and goes back if the server refuses
    try {
      put(await client.updateWebhookSubscription(s.id, { active: !s.active }));
    } catch (err) {
      put(s);
      setError(errorText(err));
    }
  };
  const remove = async (s: WebhookSubscription) => {
    setError('');
    try {
      await client.deleteWebhookSubscription(s.id);
      setSubs((list) => (list ?? []).filter((x) => x.id !== s.id));
      if (created?.id === s.id) setCreated(null);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section className="au-page" aria-labelledby="wh-title">
      <div className="row between">
        <h2 id="wh-title">
          <Icon name="webhook" /> Outgoing webhooks
        </h2>
        <button type="button" onClick={() => setAdding(!adding)} aria-expanded={adding}>
          <Icon name={adding ? 'close' : 'plus'} /> {adding ? 'Close' : 'Add subscription'}
        </button>
      </div>
      <p className="hint">
        Switchboard posts each chosen event to your URL, signed with{' '}
        <code>Switchboard-Signature: v1=HMAC-SHA256(secret, timestamp + "." + body)</code>, and retries until the
        receiver answers 2xx.
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {adding && (
        <SubscriptionForm
          client={client}
          onSaved={(s) => {
            put(s);
            setCreated(s);
            setAdding(false);
          }}
        />
      )}
      {created && (
        <div className="au-callout" role="status" aria-label="New signing secret">
          <strong>Subscription created.</strong> Copy its signing secret now: it is shown only once.
          <CopyField label="Signing secret" value={created.secret} id={`secret-${created.id}`} />
          <button type="button" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {subs === null ? (
        <p className="empty">Loading…</p>
      ) : (
        subs.length === 0 && <p className="empty">No subscriptions yet.</p>
      )}
      <ul className="au-list">
        {(subs ?? []).map((s) => (
          <li key={s.id} className="au-card" data-subscription={s.id}>
            <div className="au-card-head">
              <span className={`au-pill ${s.active ? 'au-on' : 'au-off'}`}>{s.active ? 'Active' : 'Disabled'}</span>
              <code className="au-url" title={s.url}>
                {s.url}
              </code>
              <Switch
                label="Active"
                checked={s.active}
                onChange={() => void toggle(s)}
                ariaLabel={`Active: ${s.url}`}
              />
              <button
                type="button"
                onClick={() => setOpenLog(openLog === s.id ? null : s.id)}
                aria-expanded={openLog === s.id}
                aria-controls={`log-${s.id}`}
              >
                <Icon name="clock" /> Delivery log
              </button>
              <button
                type="button"
                onClick={() => setEditing(editing === s.id ? null : s.id)}
                aria-expanded={editing === s.id}
                aria-label={`Edit subscription ${s.url}`}
              >
                <Icon name="edit" /> Edit
              </button>
              <ConfirmButton label={`Delete subscription ${s.url}`} onConfirm={() => void remove(s)}>
                <Icon name="trash" /> Delete
              </ConfirmButton>
            </div>
            {s.description && <p className="hint">{s.description}</p>}
            <ul className="au-chips" aria-label="Event types">
              {s.eventTypes.map((t) => (
                <li key={t}>{t === '*' ? 'all events' : t}</li>
              ))}
            </ul>
            {editing === s.id && (
              <SubscriptionForm
                client={client}
                subscription={s}
                onSaved={(next) => {
                  put(next);
                  setEditing(null);
                }}
              />
            )}
            {openLog === s.id && <DeliveryLog client={client} subscription={s} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** creates a subscription, or edits one (a new secret rotates it; empty keeps it) */
function SubscriptionForm({
  client,
  subscription,
  onSaved,
}: {
  client: SwitchboardClient;
  subscription?: WebhookSubscription;
  onSaved: (s: WebhookSubscription) => void;
}) {
  const [url, setUrl] = useState(subscription?.url ?? '');
  const [description, setDescription] = useState(subscription?.description ?? '');
  const [secret, setSecret] = useState('');
  const [types, setTypes] = useState<Set<string>>(new Set(subscription?.eventTypes ?? ['message.received']));
  const idp = subscription ? `wh-${subscription.id}` : 'wh-new';
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const all = types.has('*');
  const flip = (t: string) =>
    setTypes((cur) => {
      const next = new Set(cur);
      if (next.has(t)) next.delete(t);
      else next.add(t);
      return next;
    });

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError('');
    setBusy(true);
    try {
      const input = {
        url: url.trim(),
        eventTypes: (all ? ['*'] : [...types]) as WebhookEventType[],
        ...(secret ? { secret } : {}),
      };
      onSaved(
        subscription
          ? await client.updateWebhookSubscription(subscription.id, { ...input, description: description.trim() })
          : await client.createWebhookSubscription({
              ...input,
              ...(description.trim() ? { description: description.trim() } : {}),
            }),
      );
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="au-form"
      onSubmit={(e) => void submit(e)}
      aria-label={subscription ? `Edit subscription ${subscription.url}` : 'New webhook subscription'}
    >
      <label className="field">
        URL
        <input
          type="url"
          required
          maxLength={2000}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://example.com/hooks/switchboard"
        />
      </label>
      <label className="field">
        Description
        <input maxLength={500} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <fieldset className="au-types">
        <legend>Event types</legend>
        <label>
          <input type="checkbox" checked={all} onChange={() => flip('*')} /> All events (*)
        </label>
        {WEBHOOK_EVENT_TYPES.map((t) => (
          <label key={t}>
            <input type="checkbox" checked={all || types.has(t)} disabled={all} onChange={() => flip(t)} /> {t}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${idp}-secret`}>{subscription ? 'New signing secret' : 'Signing secret'}</label>
        <input
          id={`${idp}-secret`}
          type="password"
          autoComplete="new-password"
          minLength={16}
          maxLength={200}
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          aria-describedby={`${idp}-secret-hint`}
          placeholder={subscription ? subscription.secret : ''}
        />
        <small id={`${idp}-secret-hint`}>
          {subscription
            ? 'Leave empty to keep the current secret; at least 16 characters to replace it.'
            : 'Optional, at least 16 characters. Leave empty to have one generated; it is shown once after creating.'}
        </small>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy || !url.trim() || types.size === 0}>
        {subscription ? 'Save subscription' : 'Create subscription'}
      </button>
    </form>
  );
}

function DeliveryLog({ client, subscription }: { client: SwitchboardClient; subscription: WebhookSubscription }) {
  const [latest, setLatest] = useState<WebhookDelivery[]>([]);
  const [older, setOlder] = useState<WebhookDelivery[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const [from, setFrom] = useState(() => toLocalInput(new Date(Date.now() - 3600_000)));
  const [to, setTo] = useState(() => toLocalInput(new Date(Date.now() + 3600_000)));
  const id = subscription.id;
  const rows = [...latest, ...older.filter((o) => !latest.some((l) => l.id === o.id))];

  // the newest page is polled while the log is open: deliveries are made (and retried) in the background
  const refresh = useCallback(async () => {
    try {
      const page = await client.listWebhookDeliveries(id, { limit: 50 });
      setLatest(page.data);
      setCursor((c) => c ?? page.nextCursor);
      setLoaded(true);
    } catch (err) {
      setError(errorText(err));
    }
  }, [client, id]);
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 2000);
    return () => clearInterval(timer);
  }, [refresh]);

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await client.listWebhookDeliveries(id, { limit: 50, cursor });
      setOlder((cur) => [...cur, ...page.data]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const replayOne = async (d: WebhookDelivery) => {
    setError('');
    try {
      const next = await client.replayWebhookDelivery(d.id);
      const swap = (list: WebhookDelivery[]) => list.map((r) => (r.id === next.id ? next : r));
      setLatest(swap);
      setOlder(swap);
      setNote(`Delivery ${d.id} queued again.`);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const replayRange = async (e: React.FormEvent) => {
    e.preventDefault();
    setError('');
    try {
      const n = await client.replayWebhookRange(id, { from: toIso(from), to: toIso(to) });
      setNote(`${n} ${n === 1 ? 'delivery' : 'deliveries'} queued again.`);
      void refresh();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div className="au-log" id={`log-${id}`} role="region" aria-label={`Delivery log of ${subscription.url}`}>
      <form className="au-inline" onSubmit={(e) => void replayRange(e)} aria-label="Replay a time range">
        <label className="field">
          From
          <input type="datetime-local" step={1} required value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="field">
          To
          <input type="datetime-local" step={1} required value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="submit">
          <Icon name="replay" /> Replay range
        </button>
        <button type="button" onClick={() => void refresh()}>
          <Icon name="refresh" /> Refresh
        </button>
      </form>
      {note && (
        <p role="status" className="hint">
          {note}
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {loaded && rows.length === 0 ? (
        <p className="empty">No deliveries yet. They appear here when a subscribed event happens.</p>
      ) : (
        <div className="au-table-wrap">
          <table className="au-table">
            <thead>
              <tr>
                <th scope="col">Queued</th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">Last error</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id} data-delivery={d.id} data-status={d.status}>
                  <td title={d.createdAt}>{formatTime(d.createdAt)}</td>
                  <td>
                    <code>{d.eventType}</code> <small>#{d.eventId}</small>
                  </td>
                  <td>
                    <span className={`au-pill au-st-${d.status}`}>{d.status}</span>
                    {d.status === 'pending' && d.nextAttemptAt && <small> next {formatTime(d.nextAttemptAt)}</small>}
                  </td>
                  <td>{d.attempts}</td>
                  <td>{d.lastStatusCode ?? '—'}</td>
                  <td className="au-err">{d.lastError ?? ''}</td>
                  <td>
                    <button type="button" onClick={() => void replayOne(d)} aria-label={`Replay delivery ${d.id}`}>
                      <Icon name="replay" /> Replay
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <button type="button" onClick={() => void more()}>
          Load older deliveries
        </button>
      )}
    </div>
  );
}
