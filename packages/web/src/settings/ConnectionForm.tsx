/**
 * @module web/settings/ConnectionForm: creates a connection, or edits one, from its type's config JSON Schema.
 * Secret fields are never shown: when editing they stay empty ("saved") and keep their value unless a new one is
 * pasted, which replaces it; only changed fields are sent (PATCH config is partial).
 */
import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import type { Connection, ConnectionType, JsonSchema, MetaConnectStatus } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { errorText } from '../format.ts';
import { channelIconName, Icon } from '../icons.tsx';
import { MetaConnectSwitch } from './MetaConnect.tsx';

/** what a customer address is on the channel, as the picker shows it */
const ADDRESS_KIND: Record<string, string> = {
  phone: 'phone numbers',
  email: 'email addresses',
  opaque: 'account ids',
};

export type Value = string | boolean;

export function fieldKind(s: JsonSchema): string {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  return s.enum ? 'enum' : (t ?? 'string');
}
/**
 * A schema pattern checked in script rather than through the `pattern` attribute: browsers compile that attribute
 * with the `v` flag, where a class such as `[A-Za-z0-9_-]` (valid JSON-Schema/`u` syntax) is a syntax error, and
 * an invalid pattern is silently skipped. Here it compiles as the server reads it (`u`), and a bad value gets a
 * custom validity message, so the form does not submit it.
 */
function patternValidity(pattern: string | undefined): ((value: string) => string) | undefined {
  if (!pattern) return undefined;
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    return undefined; // the server still checks it
  }
  return (value) => (value === '' || re.test(value) ? '' : 'This value is not in the expected format.');
}

const isSecret = (s: JsonSchema) => s.writeOnly === true || s['x-secret'] === true;
/** a value the connector learns from the provider at start: not asked on create, read-only afterwards */
const isLearned = (s: JsonSchema) => s['x-learned'] === true;

/** a field's help line: the saved-secret note, its description, and what the form adds, each said once */
export function fieldHint(s: JsonSchema, editing: boolean): string {
  const description = typeof s.description === 'string' ? s.description : '';
  const generated = s['x-generated'] === true && !editing && !/\bgenerated\b/i.test(description);
  return [
    isSecret(s) && editing ? 'Saved and hidden; paste a new value to replace it.' : '',
    description,
    generated ? 'Optional: generated when left empty.' : '',
    isLearned(s) ? 'Filled in by the hub when the connection starts.' : '',
    isStructured(s) ? '(JSON)' : fieldKind(s) === 'array' ? '(comma-separated)' : '',
  ]
    .filter(Boolean)
    .join(' ');
}
/** nested settings (objects, lists of objects) are edited as JSON text rather than flattened into "[object Object]" */
export function isStructured(s: JsonSchema): boolean {
  const kind = fieldKind(s);
  const items = (s as { items?: JsonSchema }).items;
  return kind === 'object' || (kind === 'array' && items !== undefined && fieldKind(items) === 'object');
}

/** a stored config value as form text (exported for its unit test) */
export function toValue(s: JsonSchema, v: unknown): Value {
  if (v === undefined || v === null) return fieldKind(s) === 'boolean' ? false : '';
  if (typeof v === 'boolean') return v;
  if (isStructured(s)) return JSON.stringify(v, null, 2);
  if (Array.isArray(v)) return v.map(String).join(', ');
  return String(v);
}

/** form text back to the config value; throws on JSON that does not parse (exported for its unit test) */
export function fromValue(s: JsonSchema, v: Value): unknown {
  const kind = fieldKind(s);
  if (isStructured(s)) return JSON.parse(String(v)) as unknown;
  if (kind === 'number' || kind === 'integer') return Number(v);
  if (kind === 'array')
    return String(v)
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  return v;
}

interface Props {
  types: ConnectionType[];
  connection?: Connection;
  onSaved: (c: Connection) => void;
  onCancel?: () => void;
  /** a type whose settings have a page of their own (web chat): only name, description and the flag here */
  ownSettings?: (type: string) => boolean;
}

export function ConnectionForm({ types, connection, onSaved, onCancel, ownSettings }: Props) {
  const { client } = useApp();
  const editing = connection !== undefined;
  const [type, setType] = useState(connection?.type ?? '');
  const [name, setName] = useState(connection?.name ?? '');
  const [description, setDescription] = useState(connection?.description ?? '');
  const [deprecated, setDeprecated] = useState(connection?.deprecated ?? false);
  const chosen = types.find((t) => t.type === type);
  const props = Object.entries(chosen?.configSchema.properties ?? {}).filter(
    ([, s]) => !ownSettings?.(type) && !(isLearned(s) && !editing),
  );
  const initial = (): Record<string, Value> =>
    Object.fromEntries(props.filter(([, s]) => !isSecret(s)).map(([k, s]) => [k, toValue(s, connection?.config[k])]));
  const [values, setValues] = useState<Record<string, Value>>(editing ? initial : {});
  const [original] = useState<Record<string, Value>>(editing ? initial : {});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const required = new Set(chosen?.configSchema.required ?? []);
  const prefix = editing ? `edit-${connection.id}` : 'cfg';
  // Connect with Meta instead of the manual fields (Messenger, Instagram, WhatsApp; off = Advanced mode)
  const [viaMeta, setViaMeta] = useState(true);
  const [metaStatus, setMetaStatus] = useState<MetaConnectStatus | null>(null);
  useEffect(() => {
    if (editing) return;
    client
      .metaConnectStatus()
      .then(setMetaStatus)
      .catch(() => setMetaStatus(null));
  }, [client, editing]);
  const metaMode =
    !editing &&
    viaMeta &&
    metaStatus?.enabled === true &&
    chosen !== undefined &&
    metaStatus.types.includes(chosen.type);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    const config: Record<string, unknown> = {};
    for (const [key, schema] of props) {
      const v = values[key];
      if (v === undefined || v === '' || isLearned(schema)) continue;
      if (editing && !isSecret(schema) && v === original[key]) continue;
      try {
        config[key] = fromValue(schema, v);
      } catch {
        setError(`${schema.title ?? key}: not valid JSON`);
        return;
      }
    }
    setBusy(true);
    try {
      onSaved(
        editing
          ? await client.updateConnection(connection.id, {
              name: name.trim(),
              description,
              ...(deprecated !== connection.deprecated ? { deprecated } : {}),
              ...(Object.keys(config).length ? { config } : {}),
            })
          : await client.createConnection({ type, name: name.trim(), ...(description ? { description } : {}), config }),
      );
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="connection-form"
      onSubmit={(e) => void submit(e)}
      aria-label={editing ? `Edit ${connection.name}` : 'Add connection'}
    >
      {editing ? (
        <p className="hint">{chosen?.displayName ?? type}</p>
      ) : (
        <fieldset className="type-picker">
          <legend>Channel type</legend>
          {types.map((t) => (
            <label key={t.type} className={`type-card${t.type === type ? ' chosen' : ''}`}>
              <input
                type="radio"
                name={`${prefix}-type`}
                value={t.type}
                checked={t.type === type}
                required
                onChange={() => {
                  setType(t.type);
                  setValues({});
                }}
              />
              <span className={`channel channel-${t.type}`} aria-hidden="true">
                <Icon name={channelIconName(t.type)} />
              </span>
              <span className="type-name">{t.displayName}</span>
              <span className="type-meta">
                {ADDRESS_KIND[t.addressKind] ?? t.addressKind}
                {t.needsCredentials ? '' : ' · no account needed'}
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {chosen && !editing && <p className="hint">{chosen.description}</p>}
      {chosen && ownSettings?.(type) && !editing && (
        <p className="hint">Appearance, greeting and opening hours are set on the next screen.</p>
      )}
      {chosen && !editing && metaStatus?.types.includes(chosen.type) && (
        <MetaConnectSwitch type={chosen.type} status={metaStatus} on={viaMeta} onChange={setViaMeta} />
      )}
      {!metaMode && (
        <>
          <label className="field">
            Name
            <input value={name} required maxLength={200} onChange={(e) => setName(e.target.value)} />
          </label>
          <label className="field">
            Description
            <input value={description} maxLength={2000} onChange={(e) => setDescription(e.target.value)} />
          </label>
          {props.map(([key, schema]) => {
            const kind = fieldKind(schema);
            const id = `${prefix}-${key}`;
            const secret = isSecret(schema);
            const hint = fieldHint(schema, editing);
            const helpUrl = typeof schema['x-help-url'] === 'string' ? schema['x-help-url'] : undefined;
            const needed = required.has(key) && !(secret && editing) && !isLearned(schema);
            const common = {
              id,
              'aria-describedby': hint || helpUrl ? `${id}-hint` : undefined,
              ...(isLearned(schema) ? { readOnly: true } : {}),
            };
            let input: ReactElement;
            if (kind === 'boolean') {
              input = (
                <input
                  type="checkbox"
                  {...common}
                  checked={values[key] === true}
                  onChange={(e) => setValues({ ...values, [key]: e.target.checked })}
                />
              );
            } else if (isStructured(schema)) {
              input = (
                <textarea
                  {...common}
                  rows={4}
                  spellCheck={false}
                  value={String(values[key] ?? '')}
                  onChange={(e) => setValues({ ...values, [key]: e.target.value })}
                />
              );
            } else if (kind === 'enum') {
              input = (
                <select
                  {...common}
                  required={needed}
                  value={String(values[key] ?? '')}
                  onChange={(e) => setValues({ ...values, [key]: e.target.value })}
                >
                  <option value="">
                    {schema.default !== undefined ? `Default (${String(schema.default)})` : 'Choose…'}
                  </option>
                  {(schema.enum ?? []).map((v) => (
                    <option key={String(v)} value={String(v)}>
                      {String(v)}
                    </option>
                  ))}
                </select>
              );
            } else {
              const inputType = secret
                ? 'password'
                : kind === 'number' || kind === 'integer'
                  ? 'number'
                  : schema.format === 'uri'
                    ? 'url'
                    : 'text';
              input = (
                <input
                  {...common}
                  type={inputType}
                  required={needed}
                  autoComplete={secret ? 'new-password' : 'off'}
                  placeholder={
                    secret && editing ? '•••••••• (saved)' : schema.default !== undefined ? String(schema.default) : ''
                  }
                  min={schema.minimum}
                  max={schema.maximum}
                  maxLength={schema.maxLength}
                  value={String(values[key] ?? '')}
                  onChange={(e) => {
                    const check =
                      (inputType === 'text' || inputType === 'password') && kind !== 'array'
                        ? patternValidity(schema.pattern)
                        : undefined;
                    e.target.setCustomValidity(check ? check(e.target.value) : '');
                    setValues({ ...values, [key]: e.target.value });
                  }}
                />
              );
            }
            return (
              <div className="field" key={key}>
                <label htmlFor={id}>
                  {schema.title ?? key}
                  {needed ? ' *' : ''}
                </label>
                {input}
                {(hint || helpUrl) && (
                  <small id={`${id}-hint`}>
                    {hint}
                    {helpUrl && (
                      <>
                        {' '}
                        <a href={helpUrl} target="_blank" rel="noreferrer">
                          Where to find it
                        </a>
                      </>
                    )}
                  </small>
                )}
              </div>
            );
          })}
          {editing && (
            <label className="row">
              <input type="checkbox" checked={deprecated} onChange={(e) => setDeprecated(e.target.checked)} />
              Deprecated (kept for history, listed apart)
            </label>
          )}
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <div className="row">
            <button type="submit" disabled={busy || !type || !name.trim()}>
              {editing ? 'Save changes' : 'Create connection'}
            </button>
            {onCancel && (
              <button type="button" onClick={onCancel}>
                Cancel
              </button>
            )}
          </div>
        </>
      )}
    </form>
  );
}
