/**
 * @module web/campaigns/StepEditor: one step of a campaign — its connection, its content (ContentEditor: a template
 * with each variable mapped to a contact field or a constant, free text with {{contact.name}} placeholders where the
 * channel takes business-initiated text, or an email's subject and body) or an A/B split of two to five such
 * contents with their shares, when it goes (immediately, after a delay, or at a time of day in the recipient's time
 * zone) and on what condition.
 */
import { useEffect, useState } from 'react';
import type { CampaignStep, Connection, Template } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { errorText } from '../format.ts';
import { ChannelIcon, Icon } from '../icons.tsx';
import { renderTemplate } from '../conversation/TemplatePicker.tsx';
import {
  addVariant,
  CONDITION_LABEL,
  contentKinds,
  delayLabel,
  emptyContent,
  joinDelay,
  MAX_DAYS_AFTER,
  MAX_VARIANTS,
  removeVariant,
  splitDelay,
  splitProblem,
  splitStep,
  splitTotal,
  stepTiming,
  withTiming,
  type Condition,
  type Content,
  UNIT_SECONDS,
  type DelayUnit,
  type Timing,
  type Variant,
} from './campaign-model.ts';

type TemplateContent = Extract<Content, { type: 'template' }>;
type VariableSource = TemplateContent['variables'][string];

const KIND_LABEL: Record<Content['type'], string> = {
  template: 'Approved template',
  text: 'Free text',
  email: 'Email',
};

export function StepEditor({
  step,
  index,
  connections,
  onChange,
  onRemove,
}: {
  step: CampaignStep;
  index: number;
  connections: Connection[];
  onChange: (s: CampaignStep) => void;
  onRemove?: (() => void) | undefined;
}) {
  const { types } = useApp();
  const connection = connections.find((c) => c.id === step.connectionId);
  const kinds = contentKinds(connection ? types.get(connection.type) : undefined);
  const [unit, setUnit] = useState<DelayUnit>(() =>
    (step.delaySeconds ?? 0) === 0 ? 'hours' : splitDelay(step.delaySeconds ?? 0).unit,
  );
  const n = index + 1;
  const variants = step.variants && step.variants.length > 0 ? step.variants : null;
  const timing = stepTiming(step);

  const chooseConnection = (id: string) => {
    const next = connections.find((c) => c.id === id);
    const allowed = contentKinds(next ? types.get(next.type) : undefined);
    // a template belongs to its connection's account: another connection starts the choice again
    const fit = (c: Content | undefined): Content => {
      const kept = c && allowed.includes(c.type) ? c : emptyContent(allowed[0] ?? 'text');
      return kept.type === 'template' ? emptyContent('template') : kept;
    };
    if (variants)
      onChange({ ...step, connectionId: id, variants: variants.map((v) => ({ ...v, content: fit(v.content) })) });
    else onChange({ ...step, connectionId: id, content: fit(step.content) });
  };
  const setVariant = (i: number, v: Variant) =>
    onChange({ ...step, variants: (variants ?? []).map((x, j) => (j === i ? v : x)) });

  return (
    <fieldset className="cmp-panel cmp-step" data-step={index} aria-label={`Step ${n}`}>
      <legend>
        <span className="cmp-step-n">{n}</span> Step {n}
        {onRemove && (
          <button type="button" className="link" onClick={onRemove} aria-label={`Remove step ${n}`}>
            <Icon name="close" /> Remove
          </button>
        )}
      </legend>
      <label className="cmp-field">
        <span>Send through</span>
        <select
          aria-label={`Step ${n}: connection`}
          value={step.connectionId}
          onChange={(e) => chooseConnection(e.target.value)}
        >
          <option value="">Choose a connection…</option>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({types.get(c.type)?.displayName ?? c.type})
            </option>
          ))}
        </select>
      </label>
      {connection && kinds.length === 0 && (
        <p className="error">This channel cannot start conversations from a campaign.</p>
      )}
      {connection && kinds.length > 0 && !variants && step.content && (
        <>
          <KindChoice
            label={`Step ${n}`}
            name={`kind-${index}`}
            kinds={kinds}
            content={step.content}
            onChange={(content) => onChange({ ...step, content })}
          />
          <ContentEditor
            label={`Step ${n}`}
            connection={connection}
            content={step.content}
            onChange={(content) => onChange({ ...step, content })}
          />
          <div className="row cmp-ab-add">
            <button type="button" onClick={() => onChange(splitStep(step))}>
              <Icon name="plus" /> Split into A/B variants
            </button>
            <span className="hint">Send two or more versions, each to a share of the recipients.</span>
          </div>
        </>
      )}
      {connection && kinds.length > 0 && variants && (
        <div className="cmp-variants-edit" role="group" aria-label={`Step ${n}: A/B variants`}>
          {variants.map((v, i) => (
            <fieldset
              key={v.name}
              className="cmp-variant"
              data-variant={v.name}
              aria-label={`Step ${n}, variant ${v.name}`}
            >
              <legend>
                <span className="cmp-variant-name">{v.name}</span>
                <label className="cmp-inline cmp-share">
                  <input
                    type="number"
                    min={1}
                    max={99}
                    step={1}
                    inputMode="numeric"
                    aria-label={`Step ${n}, variant ${v.name}: share in percent`}
                    value={Number.isFinite(v.percent) ? String(v.percent) : ''}
                    onChange={(e) =>
                      setVariant(i, { ...v, percent: e.target.value === '' ? Number.NaN : Number(e.target.value) })
                    }
                  />
                  <span>
                    %<span className="cmp-wide-only"> of recipients</span>
                  </span>
                </label>
                <button
                  type="button"
                  className="link"
                  onClick={() => onChange(removeVariant(step, i))}
                  aria-label={`Remove variant ${v.name} of step ${n}`}
                >
                  <Icon name="close" /> Remove
                </button>
              </legend>
              <KindChoice
                label={`Step ${n}, variant ${v.name}`}
                name={`kind-${index}-${i}`}
                kinds={kinds}
                content={v.content}
                onChange={(content) => setVariant(i, { ...v, content })}
              />
              <ContentEditor
                label={`Step ${n}, variant ${v.name}`}
                connection={connection}
                content={v.content}
                onChange={(content) => setVariant(i, { ...v, content })}
                placeholders={i === variants.length - 1}
              />
            </fieldset>
          ))}
          <SplitLine variants={variants} step={n} />
          {variants.length < MAX_VARIANTS && (
            <button type="button" onClick={() => onChange(addVariant(step))}>
              <Icon name="plus" /> Add a variant
            </button>
          )}
        </div>
      )}
      <div className="cmp-when">
        <div className="cmp-choice" role="radiogroup" aria-label={`Step ${n}: when`}>
          {(
            [
              ['now', index === 0 ? 'As soon as the campaign starts' : 'Right after the previous step'],
              ['delay', 'After a delay'],
              ['time', 'At a time of day'],
            ] as Array<[Timing, string]>
          ).map(([t, label]) => (
            <label key={t}>
              <input
                type="radio"
                name={`when-${index}`}
                checked={timing === t}
                onChange={() => onChange(withTiming(step, t, index, UNIT_SECONDS[unit]))}
              />{' '}
              {label}
            </label>
          ))}
        </div>
        {timing === 'delay' && (
          <span className="row cmp-delay">
            <input
              type="number"
              min={0}
              step="any"
              aria-label={`Step ${n}: delay`}
              value={String((step.delaySeconds ?? 0) / UNIT_SECONDS[unit])}
              onChange={(e) => onChange({ ...step, delaySeconds: joinDelay(Number(e.target.value), unit) })}
            />
            <select
              aria-label={`Step ${n}: delay unit`}
              value={unit}
              onChange={(e) => {
                const u = e.target.value as DelayUnit;
                const amount = (step.delaySeconds ?? 0) / UNIT_SECONDS[unit];
                setUnit(u);
                onChange({ ...step, delaySeconds: joinDelay(amount, u) });
              }}
            >
              <option value="minutes">minutes</option>
              <option value="hours">hours</option>
              <option value="days">days</option>
            </select>
            <span className="hint">{index === 0 ? 'after the start' : 'after the previous step went out'}</span>
          </span>
        )}
        {timing === 'time' && step.timeOfDay && (
          <TimeOfDay step={step} n={n} first={index === 0} onChange={(timeOfDay) => onChange({ ...step, timeOfDay })} />
        )}
      </div>
      {index > 0 && (
        <label className="cmp-field">
          <span>Condition</span>
          <select
            aria-label={`Step ${n}: condition`}
            value={step.condition ?? 'always'}
            onChange={(e) => onChange({ ...step, condition: e.target.value as Condition })}
          >
            {(Object.keys(CONDITION_LABEL) as Condition[]).map((c) => (
              <option key={c} value={c}>
                {CONDITION_LABEL[c]}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="cmp-check">
        <input
          type="checkbox"
          checked={step.stopOnReply ?? true}
          onChange={(e) => onChange({ ...step, stopOnReply: e.target.checked })}
        />{' '}
        A reply to this step ends the recipient&apos;s sequence
      </label>
    </fieldset>
  );
}

/** the kinds of content a channel takes, as a choice (none when it takes one kind only) */
function KindChoice({
  label,
  name,
  kinds,
  content,
  onChange,
}: {
  label: string;
  name: string;
  kinds: Array<Content['type']>;
  content: Content;
  onChange: (c: Content) => void;
}) {
  if (kinds.length < 2) return null;
  return (
    <div className="cmp-choice" role="radiogroup" aria-label={`${label}: content`}>
      {kinds.map((k) => (
        <label key={k}>
          <input type="radio" name={name} checked={content.type === k} onChange={() => onChange(emptyContent(k))} />{' '}
          {KIND_LABEL[k]}
        </label>
      ))}
    </div>
  );
}

/** the split's shares and their total, or what is wrong with it (the builder will not save it then) */
function SplitLine({ variants, step }: { variants: Variant[]; step: number }) {
  const problem = splitProblem(variants);
  const shares = variants.map((v) => `${v.name} ${Number.isFinite(v.percent) ? v.percent : '?'} %`).join(' + ');
  return (
    <p
      className={problem ? 'error cmp-split' : 'hint cmp-split'}
      data-field="split"
      role={problem ? 'alert' : undefined}
      aria-label={`Step ${step}: split`}
    >
      {shares} = {splitTotal(variants)} %{problem ? ` — ${problem}` : ''}
    </p>
  );
}

type TimeOfDayValue = NonNullable<CampaignStep['timeOfDay']>;

/** HH:MM in the recipient's time zone, on the day the step comes due or a number of days after it */
function TimeOfDay({
  step,
  n,
  first,
  onChange,
}: {
  step: CampaignStep;
  n: number;
  first: boolean;
  onChange: (t: TimeOfDayValue) => void;
}) {
  const t = step.timeOfDay as TimeOfDayValue;
  const days = t.daysAfter ?? 0;
  return (
    <div className="cmp-time-of-day">
      <span className="row cmp-wrap">
        <label className="cmp-inline">
          <span>At</span>
          <input
            type="time"
            required
            aria-label={`Step ${n}: time of day`}
            value={t.time}
            onChange={(e) => onChange({ ...t, time: e.target.value })}
          />
        </label>
        <label className="cmp-inline">
          <input
            type="number"
            min={0}
            max={MAX_DAYS_AFTER}
            step={1}
            inputMode="numeric"
            aria-label={`Step ${n}: days later`}
            value={Number.isFinite(days) ? String(days) : ''}
            onChange={(e) => onChange({ ...t, daysAfter: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
          />
          <span>{first ? 'days after the start' : 'days after the previous step went out'}</span>
        </label>
      </span>
      <p className="hint">
        In the recipient&apos;s time zone: their <code>timeZone</code> attribute, else the campaign&apos;s (under
        Schedule). With 0 days it goes the same day while the time is still ahead, else the next day.
        {(step.delaySeconds ?? 0) > 0 &&
          ` The step first waits ${delayLabel(step.delaySeconds ?? 0).replace(/^after /, '')}, then goes at this time (a delay set through the API, kept).`}
      </p>
    </div>
  );
}

/** one message's content for a connection: what a variant of a step would hold */
export function ContentEditor({
  label,
  connection,
  content,
  onChange,
  placeholders = true,
}: {
  label: string;
  connection: Connection;
  content: Content;
  onChange: (c: Content) => void;
  /** the placeholders' hint under the text (an A/B step shows it once, under its last variant) */
  placeholders?: boolean;
}) {
  if (content.type === 'template')
    return <TemplateEditor label={label} connection={connection} content={content} onChange={onChange} />;
  if (content.type === 'email')
    return (
      <>
        <label className="cmp-field">
          <span>Subject</span>
          <input
            aria-label={`${label}: subject`}
            value={content.subject}
            maxLength={500}
            onChange={(e) => onChange({ ...content, subject: e.target.value })}
          />
        </label>
        <label className="cmp-field">
          <span>Body</span>
          <textarea
            aria-label={`${label}: body`}
            rows={6}
            value={content.text}
            onChange={(e) => onChange({ ...content, text: e.target.value })}
          />
        </label>
        {placeholders && <PlaceholderHint />}
      </>
    );
  return (
    <>
      <label className="cmp-field">
        <span>Message</span>
        <textarea
          aria-label={`${label}: message`}
          rows={4}
          maxLength={4096}
          value={content.text}
          onChange={(e) => onChange({ ...content, text: e.target.value })}
        />
      </label>
      {placeholders && <PlaceholderHint />}
    </>
  );
}

function PlaceholderHint() {
  return (
    <p className="hint cmp-placeholders">
      Placeholders: <code>{'{{contact.name}}'}</code>, <code>{'{{contact.city}}'}</code> (any attribute),{' '}
      <code>{'{{contact.name | there}}'}</code> with a fallback. A recipient missing a field without a fallback gets
      nothing for this step.
    </p>
  );
}

const SOURCES = [
  ['name', 'Contact name'],
  ['address', 'Contact address'],
  ['attribute', 'Contact attribute'],
  ['constant', 'Fixed text'],
] as const;
type SourceKind = (typeof SOURCES)[number][0];

const kindOf = (s: VariableSource | undefined): SourceKind => {
  if (!s) return 'name';
  if ('value' in s) return 'constant';
  if (s.field === 'name' || s.field === 'address') return s.field;
  return 'attribute';
};

function TemplateEditor({
  label,
  connection,
  content,
  onChange,
}: {
  label: string;
  connection: Connection;
  content: TemplateContent;
  onChange: (c: Content) => void;
}) {
  const { client } = useApp();
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    client
      .listTemplates(connection.id)
      .then((t) => setTemplates(t.filter((x) => x.status.toUpperCase() === 'APPROVED')))
      .catch((err: unknown) => setError(errorText(err)));
  }, [client, connection.id]);
  const chosen = templates?.find((t) => t.name === content.name && t.language === content.language);

  const choose = (key: string) => {
    const t = templates?.find((x) => `${x.name}|${x.language}` === key);
    if (!t) return onChange({ type: 'template', name: '', language: '', variables: {} });
    // positional templates greet by name first, conventionally; the rest start as contact attributes to name
    const variables = Object.fromEntries(
      t.variables.map((v, i): [string, VariableSource] => [
        v,
        content.variables[v] ??
          (i === 0 ? { field: 'name', fallback: 'there' } : { field: `attributes.${/^\d+$/.test(v) ? '' : v}` }),
      ]),
    );
    onChange({ type: 'template', name: t.name, language: t.language, variables });
  };
  const setVar = (v: string, s: VariableSource) =>
    onChange({ ...content, variables: { ...content.variables, [v]: s } });

  if (error) return <p className="error">Templates: {error}</p>;
  if (!templates)
    return (
      <p className="hint" role="status">
        Loading templates…
      </p>
    );
  if (templates.length === 0)
    return <p className="hint">No approved templates on {connection.name}. Create one at the provider, then reload.</p>;
  const labels: Record<string, string> = {};
  for (const [v, s] of Object.entries(content.variables)) {
    const k = kindOf(s);
    labels[v] =
      k === 'constant' && 'value' in s
        ? s.value
        : k === 'attribute' && 'field' in s
          ? `‹${s.field.replace(/^attributes\./, '')}›`
          : `‹contact ${k}›`;
  }
  return (
    <div className="cmp-template">
      <label className="cmp-field">
        <span>
          <ChannelIcon type={connection.type} /> Template
        </span>
        <select
          aria-label={`${label}: template`}
          value={chosen ? `${chosen.name}|${chosen.language}` : ''}
          onChange={(e) => choose(e.target.value)}
        >
          <option value="">Choose an approved template…</option>
          {templates.map((t) => (
            <option key={t.id} value={`${t.name}|${t.language}`}>
              {t.name} ({t.language}, {t.category.toLowerCase()})
            </option>
          ))}
        </select>
      </label>
      {chosen && (
        <>
          <p className="cmp-template-body" aria-label={`${label}: template text`}>
            {renderTemplate(chosen.body, labels)}
          </p>
          {chosen.variables.length > 0 && (
            <table className="cmp-vars">
              <caption className="sr-only">Template variables</caption>
              <tbody>
                {chosen.variables.map((v) => {
                  const source = content.variables[v];
                  const kind = kindOf(source);
                  return (
                    <tr key={v} data-variable={v}>
                      <th scope="row">{`{{${v}}}`}</th>
                      <td>
                        <select
                          aria-label={`${label}: variable ${v} from`}
                          value={kind}
                          onChange={(e) => {
                            const k = e.target.value as SourceKind;
                            setVar(
                              v,
                              k === 'constant'
                                ? { value: '' }
                                : k === 'attribute'
                                  ? { field: 'attributes.' }
                                  : { field: k },
                            );
                          }}
                        >
                          {SOURCES.map(([k, l]) => (
                            <option key={k} value={k}>
                              {l}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        {kind === 'constant' && source && 'value' in source ? (
                          <input
                            aria-label={`${label}: variable ${v} text`}
                            value={source.value}
                            onChange={(e) => setVar(v, { value: e.target.value })}
                          />
                        ) : source && 'field' in source ? (
                          <span className="row">
                            {kind === 'attribute' && (
                              <input
                                aria-label={`${label}: variable ${v} attribute`}
                                placeholder="attribute, e.g. order"
                                value={source.field.replace(/^attributes\./, '')}
                                onChange={(e) => setVar(v, { ...source, field: `attributes.${e.target.value.trim()}` })}
                              />
                            )}
                            <input
                              aria-label={`${label}: variable ${v} fallback`}
                              placeholder="fallback when empty"
                              value={source.fallback ?? ''}
                              onChange={(e) =>
                                setVar(v, {
                                  field: source.field,
                                  ...(e.target.value ? { fallback: e.target.value } : {}),
                                })
                              }
                            />
                          </span>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
