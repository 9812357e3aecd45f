/**
 * @module web/campaigns/StepEditor: one step of a campaign — its connection, its content (ContentEditor: a template
 * with each variable mapped to a contact field or a constant, free text with {{contact.name}} placeholders where the
 * channel takes business-initiated text, or an email's subject and body), when it goes and on what condition.
 *
 * The content is its own component on purpose: a step with A/B variants would hold a list of contents with a
 * split, each edited by a ContentEditor, where StepEditor renders the single one today.
 */
import { useEffect, useState } from 'react';
import type { CampaignStep, Connection, Template } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { errorText } from '../format.ts';
import { ChannelIcon, Icon } from '../icons.tsx';
import { renderTemplate } from '../conversation/TemplatePicker.tsx';
import {
  CONDITION_LABEL,
  contentKinds,
  emptyContent,
  joinDelay,
  splitDelay,
  stepContentLabel,
  type Condition,
  type Content,
  UNIT_SECONDS,
  type DelayUnit,
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
  const abStep = Boolean(step.variants && step.variants.length > 0);

  const chooseConnection = (id: string) => {
    const next = connections.find((c) => c.id === id);
    const allowed = contentKinds(next ? types.get(next.type) : undefined);
    const content =
      step.content && allowed.includes(step.content.type) ? step.content : emptyContent(allowed[0] ?? 'text');
    // a template belongs to its connection's account: another connection starts the choice again
    onChange({ ...step, connectionId: id, content: content.type === 'template' ? emptyContent('template') : content });
  };

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
      {connection && kinds.length > 0 && abStep && (
        <p className="hint" data-ab-step>
          {stepContentLabel(step)}: this step's A/B variants are kept as they are (they are written through the API,
          PATCH /api/v1/campaigns/{'{id}'})
        </p>
      )}
      {connection && kinds.length > 0 && !abStep && step.content && (
        <>
          {kinds.length > 1 && (
            <div className="cmp-choice" role="radiogroup" aria-label={`Step ${n}: content`}>
              {kinds.map((k) => (
                <label key={k}>
                  <input
                    type="radio"
                    name={`kind-${index}`}
                    checked={step.content?.type === k}
                    onChange={() => onChange({ ...step, content: emptyContent(k) })}
                  />{' '}
                  {KIND_LABEL[k]}
                </label>
              ))}
            </div>
          )}
          <ContentEditor
            label={`Step ${n}`}
            connection={connection}
            content={step.content}
            onChange={(content) => onChange({ ...step, content })}
          />
        </>
      )}
      <div className="cmp-when">
        <div className="cmp-choice" role="radiogroup" aria-label={`Step ${n}: when`}>
          <label>
            <input
              type="radio"
              name={`when-${index}`}
              checked={(step.delaySeconds ?? 0) === 0}
              onChange={() => onChange({ ...step, delaySeconds: 0 })}
            />{' '}
            {index === 0 ? 'As soon as the campaign starts' : 'Right after the previous step'}
          </label>
          <label>
            <input
              type="radio"
              name={`when-${index}`}
              checked={(step.delaySeconds ?? 0) > 0}
              onChange={() => onChange({ ...step, delaySeconds: joinDelay(index === 0 ? 1 : 2, unit) })}
            />{' '}
            After a delay
          </label>
        </div>
        {(step.delaySeconds ?? 0) > 0 && (
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

/** one message's content for a connection: what a variant of a step would hold */
export function ContentEditor({
  label,
  connection,
  content,
  onChange,
}: {
  label: string;
  connection: Connection;
  content: Content;
  onChange: (c: Content) => void;
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
        <PlaceholderHint />
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
      <PlaceholderHint />
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
