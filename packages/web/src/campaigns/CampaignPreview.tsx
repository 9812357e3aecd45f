/**
 * @module web/campaigns/CampaignPreview: what each step would send to one recipient of the audience, as the server
 * fills it (GET /campaigns/{id}/audience: placeholders and template variables from the contact's fields), with the
 * reason a step would not go to them (no address on the channel, opted out, an empty field without a fallback).
 */
import { useEffect, useState } from 'react';
import type { CampaignAudienceCheck, CampaignStep, Connection, Template } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { renderTemplate } from '../conversation/TemplatePicker.tsx';
import { reasonLabel } from './campaign-model.ts';

export function CampaignPreview({
  check,
  steps,
  connections,
}: {
  check: CampaignAudienceCheck;
  steps: CampaignStep[];
  connections: Connection[];
}) {
  const { client } = useApp();
  const [who, setWho] = useState(0);
  const [templates, setTemplates] = useState<Record<string, Template[]>>({});
  const templateKey = steps
    .filter((s) => s.content?.type === 'template')
    .map((s) => s.connectionId)
    .join(',');
  useEffect(() => {
    for (const id of new Set(templateKey.split(',').filter(Boolean)))
      client
        .listTemplates(id)
        .then((list) => setTemplates((prev) => ({ ...prev, [id]: list })))
        .catch(() => undefined);
  }, [client, templateKey]);

  if (check.sample.length === 0)
    return <p className="hint">Nobody in the audience can receive the first step, so there is nothing to preview.</p>;
  const recipient = check.sample[Math.min(who, check.sample.length - 1)];
  if (!recipient) return null;
  return (
    <div className="cmp-preview" aria-label="Preview">
      <label className="cmp-field">
        <span>Preview for</span>
        <select value={who} onChange={(e) => setWho(Number(e.target.value))} aria-label="Preview for">
          {check.sample.map((r, i) => (
            <option key={r.contactId} value={i}>
              {r.name ?? r.contactId}
            </option>
          ))}
        </select>
      </label>
      <ol className="cmp-preview-steps">
        {recipient.steps.map((p) => {
          const step = steps[p.stepIndex];
          const connection = connections.find((c) => c.id === step?.connectionId);
          const template =
            p.template && step
              ? templates[step.connectionId]?.find(
                  (t) => t.name === p.template?.name && t.language === p.template.language,
                )
              : undefined;
          return (
            <li key={p.stepIndex} data-step={p.stepIndex} data-blocked={p.blocked ?? ''}>
              <div className="cmp-preview-head">
                Step {p.stepIndex + 1} · {connection?.name ?? 'connection'} → {p.address ?? 'nowhere'}
                {p.variant ? ` · variant ${p.variant}` : ''}
              </div>
              {p.blocked && (
                <p className="error" data-field="blocked">
                  Would not go: {reasonLabel(p.blocked)}
                  {p.missing.length > 0 ? ` (${p.missing.join(', ')})` : ''}
                </p>
              )}
              <div className="cmp-bubble" data-field="preview-text">
                {p.subject !== undefined && <strong className="cmp-subject">{p.subject}</strong>}
                {p.template
                  ? template
                    ? renderTemplate(template.body, p.template.variables)
                    : `${p.template.name}: ${Object.entries(p.template.variables)
                        .map(([k, v]) => `{{${k}}} = ${v}`)
                        .join(', ')}`
                  : p.text}
              </div>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
