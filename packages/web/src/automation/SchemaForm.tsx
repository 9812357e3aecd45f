/**
 * @module web/automation/SchemaForm: form fields rendered from a JSON Schema (an agent kind's config), the way the
 * connection form renders from connection types: secret fields (writeOnly) are password inputs that show the
 * server's mask when editing (sending the mask back keeps the secret, typing a new value replaces it), and
 * nested objects or arrays are edited as JSON.
 */
import type { JsonSchema } from '../../../sdk/src/index.ts';

/** raw form values: strings for text and JSON fields, booleans for checkboxes */
export type RawValues = Record<string, string | boolean>;

function typeOf(s: JsonSchema): string {
  if (s.enum) return 'enum';
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (t) return t;
  const sub = (s as { anyOf?: JsonSchema[]; oneOf?: JsonSchema[] }).anyOf ?? (s as { oneOf?: JsonSchema[] }).oneOf;
  return sub ? 'object' : 'string';
}

const WORDS: Record<string, string> = {
  url: 'URL',
  api: 'API',
  llm: 'LLM',
  faq: 'FAQ',
  ms: '(ms)',
  id: 'ID',
  stt: 'STT',
};

/** a field's label: its schema title, else its key in words (maxTokens → Max tokens, baseUrl → Base URL) */
export function fieldLabel(key: string, s: JsonSchema): string {
  if (s.title) return s.title;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
    .split(' ')
    .filter(Boolean)
    .map((w) => WORDS[w] ?? w);
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const isJsonField = (s: JsonSchema) => ['object', 'array'].includes(typeOf(s));
const isSecret = (s: JsonSchema) => s.writeOnly === true || s['x-secret'] === true;

/** form values from a stored config (secrets arrive masked and stay so until replaced) */
export function rawFromConfig(schema: JsonSchema | undefined, config: Record<string, unknown>): RawValues {
  const out: RawValues = {};
  for (const [key, s] of Object.entries(schema?.properties ?? {})) {
    const v = config[key];
    if (v === undefined || v === null) continue;
    if (isJsonField(s)) out[key] = JSON.stringify(v, null, 2);
    else if (typeOf(s) === 'boolean') out[key] = v === true;
    else out[key] = String(v);
  }
  return out;
}

/** the config to send; throws an Error naming the field whose JSON does not parse */
export function configFromRaw(schema: JsonSchema | undefined, raw: RawValues): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(schema?.properties ?? {})) {
    const v = raw[key];
    const t = typeOf(s);
    if (t === 'boolean') {
      if (v !== undefined) config[key] = v === true;
      continue;
    }
    if (v === undefined || v === '' || v === false) continue;
    if (isJsonField(s)) {
      try {
        config[key] = JSON.parse(String(v));
      } catch {
        throw new Error(`${fieldLabel(key, s)}: not valid JSON`);
      }
    } else if (t === 'number' || t === 'integer') config[key] = Number(v);
    else config[key] = v;
  }
  return config;
}

export function SchemaFields({
  schema,
  values,
  onChange,
  idPrefix,
  editing,
  omit = [],
}: {
  schema: JsonSchema | undefined;
  values: RawValues;
  onChange: (next: RawValues) => void;
  idPrefix: string;
  editing: boolean;
  /** fields another editor on the page shows (the flow editor's nodes and FAQ) */
  omit?: string[];
}) {
  const required = new Set(schema?.required ?? []);
  const set = (key: string, v: string | boolean) => onChange({ ...values, [key]: v });
  return (
    <>
      {Object.entries(schema?.properties ?? {})
        .filter(([key]) => !omit.includes(key))
        .map(([key, s]) => {
          const t = typeOf(s);
          const id = `${idPrefix}-${key}`;
          const secret = isSecret(s);
          const hint = [
            s.description,
            secret && editing ? 'Stored encrypted; leave the mask to keep it, paste a new value to replace it.' : '',
            s['x-generated'] ? '(optional: generated when empty)' : '',
          ]
            .filter(Boolean)
            .map((h, i, all) => (i < all.length - 1 && !/[.!?]$/.test(h ?? '') ? `${h}.` : h))
            .join(' ');
          const describedBy = hint ? `${id}-hint` : undefined;
          const req = required.has(key) && !(secret && editing) && s.default === undefined;
          let input;
          if (t === 'boolean') {
            input = (
              <input
                id={id}
                type="checkbox"
                aria-describedby={describedBy}
                checked={values[key] === true || (values[key] === undefined && s.default === true)}
                onChange={(e) => set(key, e.target.checked)}
              />
            );
          } else if (t === 'enum') {
            input = (
              <select
                id={id}
                aria-describedby={describedBy}
                required={req}
                value={String(values[key] ?? '')}
                onChange={(e) => set(key, e.target.value)}
              >
                <option value="">{s.default !== undefined ? `Default (${String(s.default)})` : 'Choose…'}</option>
                {(s.enum ?? []).map((v) => (
                  <option key={String(v)} value={String(v)}>
                    {String(v)}
                  </option>
                ))}
              </select>
            );
          } else if (isJsonField(s)) {
            const text = String(values[key] ?? '');
            let bad = false;
            try {
              if (text.trim()) JSON.parse(text);
            } catch {
              bad = true;
            }
            input = (
              <textarea
                id={id}
                aria-describedby={describedBy}
                aria-invalid={bad || undefined}
                rows={Math.min(14, Math.max(3, text.split('\n').length))}
                spellCheck={false}
                className="au-json"
                value={text}
                required={req}
                onChange={(e) => set(key, e.target.value)}
                placeholder={s.default !== undefined ? JSON.stringify(s.default) : t === 'array' ? '[]' : '{}'}
              />
            );
          } else if (t === 'string' && !secret && !s.format && (s.maxLength ?? 0) > 300) {
            input = (
              <textarea
                id={id}
                aria-describedby={describedBy}
                required={req}
                maxLength={s.maxLength}
                value={String(values[key] ?? '')}
                onChange={(e) => set(key, e.target.value)}
                placeholder={s.default !== undefined ? String(s.default) : ''}
              />
            );
          } else {
            const type = secret
              ? 'password'
              : t === 'number' || t === 'integer'
                ? 'number'
                : s.format === 'uri'
                  ? 'url'
                  : 'text';
            input = (
              <input
                id={id}
                type={type}
                aria-describedby={describedBy}
                required={req}
                autoComplete={secret ? 'new-password' : 'off'}
                placeholder={s.default !== undefined ? String(s.default) : ''}
                min={s.minimum}
                max={s.maximum}
                maxLength={s.maxLength}
                step={t === 'number' ? 'any' : undefined}
                value={String(values[key] ?? '')}
                onChange={(e) => set(key, e.target.value)}
              />
            );
          }
          return (
            <div className="field" key={key}>
              <label htmlFor={id}>
                {fieldLabel(key, s)}
                {req ? ' *' : ''}
              </label>
              {input}
              {hint && <small id={`${id}-hint`}>{hint}</small>}
            </div>
          );
        })}
    </>
  );
}
