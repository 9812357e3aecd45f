/**
 * @module web/conversation/TemplatePicker: choose an approved template of a connection, fill its variables
 * (pre-filled from the contact: name, address, matching attributes) and see the message as the customer will.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, type Contact, type Message, type Template } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { contactName, errorText } from '../format.ts';
import { blockedAfter, openWithNotice, waitingText } from './template-wait.ts';

/** a template already waiting for the customer's answer (409 with the conversation it went to) */
interface AlreadySent {
  conversationId: string;
  at: string | undefined;
}

export function alreadySent(err: unknown): AlreadySent | undefined {
  if (!(err instanceof ApiError) || err.code !== 'CONFLICT') return undefined;
  const id = err.details?.conversationId;
  if (typeof id !== 'string') return undefined;
  const at = err.details?.lastTemplateAt;
  return { conversationId: id, at: typeof at === 'string' ? at : undefined };
}

export interface TemplateChoice {
  name: string;
  language: string;
  variables: Record<string, string>;
}

/** a value for a template variable from what we know of the contact */
export function prefill(variable: string, index: number, contact: Contact | undefined, address: string): string {
  const key = variable.toLowerCase();
  const attrs = contact?.attributes ?? {};
  const attr = Object.entries(attrs).find(([k]) => k.toLowerCase() === key)?.[1];
  if (typeof attr === 'string' || typeof attr === 'number') return String(attr);
  const name = contact?.name ?? '';
  if (['name', 'first_name', 'firstname', 'customer_name', 'contact_name'].includes(key))
    return key.startsWith('first') ? (name.split(/\s+/)[0] ?? '') : name;
  if (['phone', 'address', 'number', 'phone_number'].includes(key)) return address;
  // positional templates ({{1}}, {{2}}) conventionally greet the customer by name first
  if (index === 0 && /^\d+$/.test(key)) return name;
  return '';
}

export function renderTemplate(body: string, values: Record<string, string>): string {
  return body.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, v: string) => values[v] || `[${v}]`);
}

interface Props {
  connectionId: string;
  contact: Contact | undefined;
  address: string;
  send: (choice: TemplateChoice) => Promise<Message>;
  onSent: (m: Message) => void;
  onCancel: () => void;
  /** the channel's window hours (capabilities.windowHours): how long a template waits before another may go */
  windowHours?: number;
  /** the hub said a template already waits for this customer: its conversation is being opened */
  onWaiting?: () => void;
}

export function TemplatePicker({
  connectionId,
  contact,
  address,
  send,
  onSent,
  onCancel,
  windowHours,
  onWaiting,
}: Props) {
  const { client } = useApp();
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [chosen, setChosen] = useState<Template | null>(null);
  const [vars, setVars] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    client
      .listTemplates(connectionId)
      .then((t) => setTemplates(t.filter((x) => x.status.toUpperCase() === 'APPROVED')))
      .catch((err: unknown) => setError(errorText(err)));
  }, [client, connectionId]);

  const choose = (t: Template) => {
    setChosen(t);
    setVars(Object.fromEntries(t.variables.map((v, i) => [v, prefill(v, i, contact, address)])));
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    setBusy(true);
    setError('');
    try {
      onSent(await send({ name: chosen.name, language: chosen.language, variables: vars }));
    } catch (err) {
      const sent = alreadySent(err);
      if (sent) {
        // someone (a colleague, a campaign) sent one meanwhile: that conversation is where the answer will come
        const name = contact ? contactName(contact) : 'the customer';
        const until = sent.at ? blockedAfter(sent.at, windowHours) : undefined;
        openWithNotice(sent.conversationId, `${waitingText(name, sent.at, until)} This is that conversation.`);
        (onWaiting ?? onCancel)();
        return;
      }
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const missing = chosen?.variables.filter((v) => !vars[v]?.trim()) ?? [];

  return (
    <form className="templates" onSubmit={(e) => void submit(e)} aria-label="WhatsApp templates">
      {!templates ? (
        <p role="status">Loading templates…</p>
      ) : templates.length === 0 ? (
        <p>No approved templates on this connection.</p>
      ) : (
        <fieldset>
          <legend>Approved templates</legend>
          {templates.map((t) => (
            <label key={t.id} className="template">
              <input type="radio" name="template" checked={chosen?.id === t.id} onChange={() => choose(t)} />
              <span>
                <strong>{t.name}</strong>{' '}
                <small>
                  {t.language} · {t.category.toLowerCase()}
                </small>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {chosen && (
        <>
          {chosen.variables.length > 0 && (
            <fieldset className="template-vars">
              <legend>Variables</legend>
              {chosen.variables.map((v) => (
                <label key={v} className="field">
                  <span>{`Variable {{${v}}}`}</span>
                  <input value={vars[v] ?? ''} required onChange={(e) => setVars({ ...vars, [v]: e.target.value })} />
                </label>
              ))}
            </fieldset>
          )}
          <div className="template-preview" aria-label="Template preview" role="region">
            <span className="preview-label">Preview</span>
            <p data-testid="template-preview">{renderTemplate(chosen.body, vars)}</p>
          </div>
        </>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" disabled={!chosen || missing.length > 0 || busy}>
          {busy ? 'Sending…' : 'Send template'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
