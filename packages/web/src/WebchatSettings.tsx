/**
 * @module web/WebchatSettings: a web chat connection's page section — the on/off switch (start/stop), appearance
 * (colour, title, launcher position, avatar), greeting, opening hours (days, times, time zone), the offline
 * behaviour, and the one-line embed code. Everything is saved into the connection's config (PATCH, partial).
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import type {
  Connection,
  WebchatDay,
  WebchatOffline,
  WebchatOpeningRange,
  WebchatPublicSettings,
  WebchatSettingsConfig,
} from '../../sdk/src/index.ts';
import { useApp } from './app-context.ts';
import { errorText } from './format.ts';
import { CopyButton } from './settings/CopyButton.tsx';

const DAYS: Array<{ day: WebchatDay; label: string }> = [
  { day: 'mon', label: 'Monday' },
  { day: 'tue', label: 'Tuesday' },
  { day: 'wed', label: 'Wednesday' },
  { day: 'thu', label: 'Thursday' },
  { day: 'fri', label: 'Friday' },
  { day: 'sat', label: 'Saturday' },
  { day: 'sun', label: 'Sunday' },
];
const DEFAULT_OFFLINE_TEXT = 'We are away right now. Leave your email and a message, and we will get back to you.';

function zones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

interface Form {
  title: string;
  color: string;
  position: 'right' | 'left';
  avatarUrl: string;
  greeting: string;
  hoursEnabled: boolean;
  timeZone: string;
  schedule: WebchatOpeningRange[];
  offline: WebchatOffline;
}

function formOf(config: Record<string, unknown>): Form {
  const c = config as WebchatSettingsConfig;
  return {
    title: c.title ?? 'Chat with us',
    color: c.color ?? '#2563eb',
    position: c.position === 'left' ? 'left' : 'right',
    avatarUrl: c.avatarUrl ?? '',
    greeting: c.greeting ?? '',
    hoursEnabled: c.operatingHours?.enabled ?? false,
    timeZone: c.operatingHours?.timeZone ?? localZone(),
    schedule: c.operatingHours?.schedule ?? DAYS.slice(0, 5).map(({ day }) => ({ day, from: '09:00', to: '17:00' })),
    offline: { mode: c.offline?.mode ?? 'form', text: c.offline?.text ?? DEFAULT_OFFLINE_TEXT },
  };
}

export function WebchatSettings({
  connection,
  onSaved,
}: {
  connection: Connection;
  onSaved?: (c: Connection) => void;
}) {
  const { client } = useApp();
  const id = useId();
  const [form, setForm] = useState<Form>(() => formOf(connection.config));
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [live, setLive] = useState<WebchatPublicSettings | null>(null);
  const running = connection.status === 'RUNNING';
  const embed = client.webchatEmbedCode(connection);
  const timeZones = zones();

  const refreshLive = () => {
    if (!running) return setLive(null);
    client
      .webchatSettings(connection.id)
      .then(setLive)
      .catch(() => setLive(null));
  };
  useEffect(refreshLive, [client, connection.id, running]);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));
  const setRange = (index: number, patch: Partial<WebchatOpeningRange>) =>
    set(
      'schedule',
      form.schedule.map((r, i) => (i === index ? { ...r, ...patch } : r)),
    );
  const addRange = (day: WebchatDay) => set('schedule', [...form.schedule, { day, from: '09:00', to: '17:00' }]);
  const removeRange = (index: number) =>
    set(
      'schedule',
      form.schedule.filter((_, i) => i !== index),
    );

  const toggle = async () => {
    setError('');
    try {
      onSaved?.(await (running ? client.stopConnection(connection.id) : client.startConnection(connection.id)));
    } catch (err) {
      setError(errorText(err));
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    setStatus('');
    const config: WebchatSettingsConfig = {
      title: form.title.trim() || 'Chat with us',
      color: form.color,
      position: form.position,
      avatarUrl: form.avatarUrl.trim() || null,
      greeting: form.greeting.trim() || null,
      operatingHours: { enabled: form.hoursEnabled, timeZone: form.timeZone.trim() || 'UTC', schedule: form.schedule },
      offline: { mode: form.offline.mode, text: form.offline.text.trim() || DEFAULT_OFFLINE_TEXT },
    };
    try {
      const saved = await client.updateConnection(connection.id, { config: config as Record<string, unknown> });
      onSaved?.(saved);
      setStatus('Saved.');
      refreshLive();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="webchat-settings" aria-labelledby={`${id}-title`} data-webchat-settings={connection.id}>
      <h3 id={`${id}-title`}>Web chat: {connection.name}</h3>
      <p className="row">
        <button
          type="button"
          role="switch"
          aria-checked={running}
          onClick={() => void toggle()}
          aria-label={`Web chat ${connection.name} switched on`}
        >
          {running ? 'On — switch off' : 'Off — switch on'}
        </button>
        {live && (
          <span role="status" data-open={live.open}>
            {live.open
              ? 'Inside opening hours now: visitors can chat.'
              : `Outside opening hours now: visitors see the ${live.offline.mode === 'form' ? 'offline form' : live.offline.mode === 'message' ? 'offline message' : 'chat with the offline note'}.`}
          </span>
        )}
      </p>

      <div className="field">
        <label htmlFor={`${id}-embed`}>Embed code (paste before &lt;/body&gt; on your website)</label>
        <span className="copy-field">
          <input id={`${id}-embed`} readOnly value={embed} onFocus={(e) => e.target.select()} />
          <CopyButton text={embed} label={`Copy embed code of ${connection.name}`} />
        </span>
      </div>

      <form onSubmit={(e) => void save(e)} aria-label={`Web chat settings of ${connection.name}`}>
        <fieldset>
          <legend>Appearance</legend>
          <div className="field">
            <label htmlFor={`${id}-title-input`}>Title</label>
            <input
              id={`${id}-title-input`}
              value={form.title}
              maxLength={80}
              onChange={(e) => set('title', e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-color`}>Colour</label>
            <span className="row">
              <input
                id={`${id}-color`}
                type="color"
                value={form.color}
                onChange={(e) => set('color', e.target.value)}
              />
              <input
                aria-label="Colour (hex)"
                value={form.color}
                pattern="#[0-9a-fA-F]{6}"
                maxLength={7}
                size={8}
                onChange={(e) => set('color', e.target.value)}
              />
            </span>
          </div>
          <fieldset>
            <legend>Launcher position</legend>
            <label>
              <input
                type="radio"
                name={`${id}-position`}
                value="right"
                checked={form.position === 'right'}
                onChange={() => set('position', 'right')}
              />{' '}
              Bottom right
            </label>{' '}
            <label>
              <input
                type="radio"
                name={`${id}-position`}
                value="left"
                checked={form.position === 'left'}
                onChange={() => set('position', 'left')}
              />{' '}
              Bottom left
            </label>
          </fieldset>
          <div className="field">
            <label htmlFor={`${id}-avatar`}>Avatar URL</label>
            <input
              id={`${id}-avatar`}
              type="url"
              placeholder="https://…"
              maxLength={500}
              value={form.avatarUrl}
              onChange={(e) => set('avatarUrl', e.target.value)}
            />
          </div>
        </fieldset>

        <div className="field">
          <label htmlFor={`${id}-greeting`}>Greeting message</label>
          <textarea
            id={`${id}-greeting`}
            maxLength={500}
            rows={2}
            value={form.greeting}
            onChange={(e) => set('greeting', e.target.value)}
          />
        </div>

        <fieldset>
          <legend>Opening hours</legend>
          <label>
            <input
              type="checkbox"
              checked={form.hoursEnabled}
              onChange={(e) => set('hoursEnabled', e.target.checked)}
            />{' '}
            Use opening hours (otherwise always open)
          </label>
          <div className="field">
            <label htmlFor={`${id}-tz`}>Time zone</label>
            <input
              id={`${id}-tz`}
              list={`${id}-zones`}
              value={form.timeZone}
              maxLength={64}
              onChange={(e) => set('timeZone', e.target.value)}
            />
            <datalist id={`${id}-zones`}>
              {timeZones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </div>
          <table className="hours">
            <caption className="sr-only">
              Opening times per day; a range ending before it starts runs past midnight
            </caption>
            <tbody>
              {DAYS.map(({ day, label }) => {
                const ranges = form.schedule.map((r, index) => ({ r, index })).filter(({ r }) => r.day === day);
                return (
                  <tr key={day}>
                    <th scope="row">{label}</th>
                    <td>
                      {ranges.length === 0 && <span>Closed </span>}
                      {ranges.map(({ r, index }) => (
                        <span key={index} className="row">
                          <input
                            type="time"
                            aria-label={`${label} opens`}
                            value={r.from}
                            required
                            onChange={(e) => setRange(index, { from: e.target.value })}
                          />
                          –
                          <input
                            type="time"
                            aria-label={`${label} closes`}
                            value={r.to === '24:00' ? '23:59' : r.to}
                            required
                            onChange={(e) => setRange(index, { to: e.target.value })}
                          />
                          <button
                            type="button"
                            onClick={() => removeRange(index)}
                            aria-label={`Remove a ${label} range`}
                          >
                            Remove
                          </button>
                        </span>
                      ))}
                      <button type="button" onClick={() => addRange(day)} aria-label={`Add a ${label} range`}>
                        Add
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </fieldset>

        <fieldset>
          <legend>Outside opening hours</legend>
          <div className="field">
            <label htmlFor={`${id}-mode`}>Visitors see</label>
            <select
              id={`${id}-mode`}
              value={form.offline.mode}
              onChange={(e) => set('offline', { ...form.offline, mode: e.target.value as WebchatOffline['mode'] })}
            >
              <option value="form">A “leave your email” form (creates the contact and a conversation)</option>
              <option value="message">Only a message</option>
              <option value="chat">The chat, with the message as a note</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-offline-text`}>Offline message</label>
            <textarea
              id={`${id}-offline-text`}
              maxLength={500}
              rows={2}
              value={form.offline.text}
              onChange={(e) => set('offline', { ...form.offline, text: e.target.value })}
            />
          </div>
        </fieldset>

        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {status && <p role="status">{status}</p>}
        <button type="submit" disabled={busy}>
          Save web chat settings
        </button>
      </form>
    </section>
  );
}
