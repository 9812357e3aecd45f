/**
 * @module web/automation/FlowEditor: the flow bot built with forms instead of JSON — FAQ entries (question words →
 * answer, then a step), steps (a message, buttons with a branch each, a question that fills a contact field, a
 * handoff to people) — and a live "Try it" pane that runs the edited, unsaved flow on the server
 * (POST /agent-types/flow/try). It edits the same `nodes`/`faq` JSON the advanced view shows.
 */
import { useState, type FormEvent } from 'react';
import type { FlowTryResult, SwitchboardClient } from '../../../sdk/src/index.ts';
import { errorText } from './controls.tsx';
import type { RawValues } from './SchemaForm.tsx';

type Next = string | undefined;
interface FaqEntry {
  keywords: string[];
  pattern?: string;
  answer: string;
  next?: Next;
}
type Step =
  | { id: string; type: 'message'; text: string; next?: Next }
  | { id: string; type: 'buttons'; text: string; buttons: Array<{ id?: string; title: string; next?: Next }> }
  | {
      id: string;
      type: 'ask';
      text: string;
      field: string;
      validate?: 'text' | 'email' | 'phone' | 'number';
      invalidText?: string;
      next?: Next;
    }
  | { id: string; type: 'handoff'; text?: string; reason?: string };

const parse = <T,>(raw: string | boolean | undefined, fallback: T): T => {
  if (typeof raw !== 'string' || raw.trim() === '') return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
};
/** empty `next` is left out, as the server reads "no next step" */
const clean = <T extends { next?: Next }>(x: T): T => {
  const { next, ...rest } = x;
  return (next ? { ...rest, next } : rest) as T;
};

export function flowParts(values: RawValues): { faq: FaqEntry[]; steps: Step[]; readable: boolean } {
  const faq = parse<FaqEntry[] | null>(values.faq, []);
  const steps = parse<Step[] | null>(values.nodes, []);
  return { faq: Array.isArray(faq) ? faq : [], steps: Array.isArray(steps) ? steps : [], readable: true };
}

function NextSelect({
  label,
  value,
  steps,
  onChange,
}: {
  label: string;
  value: Next;
  steps: Step[];
  onChange: (v: Next) => void;
}) {
  return (
    <label className="field au-next">
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">(stop here)</option>
        {steps.map((s) => (
          <option key={s.id} value={s.id}>
            {s.id}
          </option>
        ))}
      </select>
    </label>
  );
}

export function FlowEditor({
  client,
  values,
  onChange,
  configOf,
}: {
  client: SwitchboardClient;
  values: RawValues;
  onChange: (next: RawValues) => void;
  /** the whole config as the form would save it (throws on JSON that does not parse) */
  configOf: () => Record<string, unknown>;
}) {
  const { faq, steps } = flowParts(values);
  const setFaq = (list: FaqEntry[]) => onChange({ ...values, faq: JSON.stringify(list.map(clean), null, 2) });
  const setSteps = (list: Step[]) =>
    onChange({
      ...values,
      nodes: JSON.stringify(
        list.map((s) =>
          s.type === 'buttons' ? { ...s, buttons: s.buttons.map(clean) } : s.type === 'handoff' ? s : clean(s),
        ),
        null,
        2,
      ),
    });
  const putStep = (i: number, s: Step) => setSteps(steps.map((x, j) => (j === i ? s : x)));
  const putFaq = (i: number, f: FaqEntry) => setFaq(faq.map((x, j) => (j === i ? f : x)));
  const newId = (type: string) => {
    let n = steps.length + 1;
    while (steps.some((s) => s.id === `${type}${n}`)) n++;
    return `${type}${n}`;
  };
  const blank = (type: Step['type'], id: string, text: string): Step => {
    switch (type) {
      case 'message':
        return { id, type, text };
      case 'buttons':
        return { id, type, text, buttons: [{ title: 'Yes' }] };
      case 'ask':
        return { id, type, text, field: 'email', validate: 'email' };
      case 'handoff':
        return { id, type, text, reason: 'the flow asked for a person' };
    }
  };

  return (
    <div className="au-flow" aria-label="Flow editor" role="group">
      <fieldset className="au-rows">
        <legend>FAQ: questions the bot answers at any time</legend>
        {faq.length === 0 && <p className="hint">No FAQ entries yet.</p>}
        {faq.map((f, i) => (
          <div className="au-flow-item" key={i} data-faq={i}>
            <label className="field">
              {`FAQ ${i + 1} question words`}
              <input
                value={f.keywords.join(', ')}
                placeholder="opening hours, when are you open"
                onChange={(e) =>
                  putFaq(i, {
                    ...f,
                    keywords: e.target.value
                      .split(',')
                      .map((k) => k.trim())
                      .filter(Boolean),
                  })
                }
              />
            </label>
            <label className="field">
              {`FAQ ${i + 1} answer`}
              <textarea
                rows={2}
                value={f.answer}
                required
                onChange={(e) => putFaq(i, { ...f, answer: e.target.value })}
              />
            </label>
            <NextSelect
              label={`FAQ ${i + 1} then`}
              value={f.next}
              steps={steps}
              onChange={(next) => putFaq(i, { ...f, next })}
            />
            <button
              type="button"
              onClick={() => setFaq(faq.filter((_, j) => j !== i))}
              aria-label={`Remove FAQ ${i + 1}`}
            >
              Remove
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setFaq([...faq, { keywords: [], answer: '' }])}>
          Add FAQ entry
        </button>
      </fieldset>

      <fieldset className="au-rows">
        <legend>Steps (the first one starts the flow)</legend>
        {steps.length === 0 && <p className="hint">No steps yet: the bot only greets and answers the FAQ.</p>}
        {steps.map((s, i) => (
          <div className="au-flow-item" key={i} data-step={s.id}>
            <div className="au-row">
              <label className="field">
                {`Step ${i + 1} name`}
                <input
                  value={s.id}
                  required
                  pattern="[A-Za-z0-9_-]+"
                  onChange={(e) => putStep(i, { ...s, id: e.target.value })}
                />
              </label>
              <label className="field">
                {`Step ${i + 1} kind`}
                <select
                  value={s.type}
                  onChange={(e) => putStep(i, blank(e.target.value as Step['type'], s.id, s.text ?? ''))}
                >
                  <option value="message">Message</option>
                  <option value="buttons">Buttons</option>
                  <option value="ask">Question (fills a contact field)</option>
                  <option value="handoff">Hand off to people</option>
                </select>
              </label>
            </div>
            <label className="field">
              {`Step ${i + 1} text`}
              <textarea
                rows={2}
                value={s.text ?? ''}
                required={s.type !== 'handoff'}
                onChange={(e) => putStep(i, { ...s, text: e.target.value })}
              />
            </label>
            {s.type === 'message' && (
              <NextSelect
                label={`Step ${i + 1} then`}
                value={s.next}
                steps={steps}
                onChange={(next) => putStep(i, { ...s, next })}
              />
            )}
            {s.type === 'buttons' && (
              <div className="au-rows">
                {s.buttons.map((b, k) => (
                  <div className="au-row" key={k}>
                    <label className="field">
                      {`Step ${i + 1} button ${k + 1}`}
                      <input
                        value={b.title}
                        required
                        maxLength={100}
                        onChange={(e) =>
                          putStep(i, {
                            ...s,
                            buttons: s.buttons.map((x, m) => (m === k ? { ...x, title: e.target.value } : x)),
                          })
                        }
                      />
                    </label>
                    <NextSelect
                      label={`Step ${i + 1} button ${k + 1} goes to`}
                      value={b.next}
                      steps={steps}
                      onChange={(next) =>
                        putStep(i, { ...s, buttons: s.buttons.map((x, m) => (m === k ? { ...x, next } : x)) })
                      }
                    />
                  </div>
                ))}
                <button
                  type="button"
                  disabled={s.buttons.length >= 10}
                  onClick={() =>
                    putStep(i, { ...s, buttons: [...s.buttons, { title: `Option ${s.buttons.length + 1}` }] })
                  }
                >
                  Add a button
                </button>
              </div>
            )}
            {s.type === 'ask' && (
              <div className="au-row">
                <label className="field">
                  {`Step ${i + 1} contact field`}
                  <input value={s.field} required onChange={(e) => putStep(i, { ...s, field: e.target.value })} />
                </label>
                <label className="field">
                  {`Step ${i + 1} answer must be`}
                  <select
                    value={s.validate ?? 'text'}
                    onChange={(e) =>
                      putStep(i, { ...s, validate: e.target.value as 'text' | 'email' | 'phone' | 'number' })
                    }
                  >
                    <option value="text">Any text</option>
                    <option value="email">An email address</option>
                    <option value="phone">A phone number</option>
                    <option value="number">A number</option>
                  </select>
                </label>
                <NextSelect
                  label={`Step ${i + 1} then`}
                  value={s.next}
                  steps={steps}
                  onChange={(next) => putStep(i, { ...s, next })}
                />
              </div>
            )}
            {s.type === 'handoff' && (
              <label className="field">
                {`Step ${i + 1} reason (for the operators)`}
                <input value={s.reason ?? ''} onChange={(e) => putStep(i, { ...s, reason: e.target.value })} />
              </label>
            )}
            <button
              type="button"
              onClick={() => setSteps(steps.filter((_, j) => j !== i))}
              aria-label={`Remove step ${i + 1}`}
            >
              Remove step
            </button>
          </div>
        ))}
        <div className="au-row">
          {(['message', 'buttons', 'ask', 'handoff'] as const).map((type) => (
            <button
              key={type}
              type="button"
              onClick={() =>
                setSteps([
                  ...steps,
                  blank(type, newId(type), type === 'handoff' ? 'Connecting you with a person.' : ''),
                ])
              }
            >
              {`Add ${type === 'ask' ? 'question' : type} step`}
            </button>
          ))}
        </div>
      </fieldset>
      <TryIt client={client} configOf={configOf} />
    </div>
  );
}

interface Line {
  who: 'customer' | 'bot' | 'note';
  text: string;
  buttons?: Array<{ id: string; title: string }>;
}

/** the edited flow, run turn by turn on the server; nothing is stored or sent */
function TryIt({ client, configOf }: { client: SwitchboardClient; configOf: () => Record<string, unknown> }) {
  const [lines, setLines] = useState<Line[]>([]);
  const [state, setState] = useState<Record<string, unknown> | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState('');

  const turn = async (said: string, buttonId?: string) => {
    setError('');
    let config: Record<string, unknown>;
    try {
      config = configOf();
    } catch (err) {
      setError(errorText(err));
      return;
    }
    try {
      const r: FlowTryResult = await client.tryFlow({ config, state, text: said, ...(buttonId ? { buttonId } : {}) });
      const bot: Line[] = r.replies.map((c) => {
        const i = (c as { interactive?: { text?: string; buttons?: Array<{ id: string; title: string }> } })
          .interactive;
        return i
          ? { who: 'bot', text: i.text ?? '', ...(i.buttons ? { buttons: i.buttons } : {}) }
          : { who: 'bot', text: String((c as { text?: unknown }).text ?? `[${String(c.type)}]`) };
      });
      const notes: Line[] = [
        ...Object.entries(r.collect).map(([k, v]) => ({ who: 'note' as const, text: `Contact field ${k} = ${v}` })),
        ...(r.handoff ? [{ who: 'note' as const, text: `Handed to people: ${r.handoff.reason}` }] : []),
      ];
      setLines((l) => [...l, { who: 'customer', text: said }, ...bot, ...notes]);
      setState(r.state);
      setText('');
    } catch (err) {
      setError(errorText(err));
    }
  };
  const send = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) void turn(text.trim());
  };

  return (
    <section className="au-try" aria-label="Try it">
      <h4>Try it</h4>
      <p className="hint">Runs the flow as edited, before saving. Nothing is sent to anyone.</p>
      <ol className="au-try-log" aria-label="Try conversation">
        {lines.map((l, i) => (
          <li key={i} className={`au-try-${l.who}`}>
            {l.text}
            {l.buttons && (
              <span className="au-try-buttons">
                {l.buttons.map((b) => (
                  <button key={b.id} type="button" onClick={() => void turn(b.title, b.id)}>
                    {b.title}
                  </button>
                ))}
              </span>
            )}
          </li>
        ))}
      </ol>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {/* not a nested form: the agent form around it saves the agent */}
      <div className="au-row">
        <label className="field au-grow">
          Customer writes
          <input
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') send(e);
            }}
          />
        </label>
        <button type="button" onClick={(e) => send(e)}>
          Send
        </button>
        <button
          type="button"
          onClick={() => {
            setLines([]);
            setState(null);
          }}
        >
          Restart
        </button>
      </div>
    </section>
  );
}
