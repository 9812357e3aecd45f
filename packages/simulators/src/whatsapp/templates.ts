// Template sends checked against the stored template — existence/status (132001, 132015, 132016), parameter counts
// per component (132000), header media format (132012), missing values (131008) — and rendered to text
// (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages template, https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes, https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates).
import { GraphError, graphErrors } from './graph-errors.js';
import type { TemplateRecord, WhatsAppState } from './state.js';

interface SendParameter {
  type?: string;
  text?: unknown;
  parameter_name?: unknown;
  payload?: unknown;
  currency?: { fallback_value?: unknown };
  date_time?: { fallback_value?: unknown };
  image?: { id?: unknown; link?: unknown };
  video?: { id?: unknown; link?: unknown };
  document?: { id?: unknown; link?: unknown };
  location?: unknown;
  coupon_code?: unknown;
}

interface SendComponent {
  type?: unknown;
  sub_type?: unknown;
  index?: unknown;
  parameters?: unknown;
}

export interface RenderedTemplate {
  template: TemplateRecord;
  rendered: { header?: string; body?: string; footer?: string; buttons?: string[] };
}

const POSITIONAL = /\{\{\s*(\d+)\s*\}\}/g;
const NAMED = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g;

/** The distinct placeholders of a template text, in order of first appearance. */
export function placeholders(text: string | undefined, format: TemplateRecord['parameterFormat']): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const m of text.matchAll(format === 'NAMED' ? NAMED : POSITIONAL))
    if (!out.includes(m[1] as string)) out.push(m[1] as string);
  return out;
}

function paramsOf(c: SendComponent | undefined): SendParameter[] {
  if (!c || c.parameters === undefined) return [];
  if (!Array.isArray(c.parameters))
    throw graphErrors.invalid("Param template['components'][]['parameters'] must be an array.");
  return c.parameters as SendParameter[];
}

/** The text value a parameter stands for (text, currency/date_time fallback, payload, coupon). */
function valueOf(p: SendParameter): string {
  const type = String(p.type ?? '').toLowerCase();
  if (type === 'text') {
    if (typeof p.text !== 'string' || p.text === '')
      throw new GraphError({ code: 131008, details: 'Parameter of type text is missing text value' });
    return p.text;
  }
  if (type === 'currency' || type === 'date_time') {
    const fb = (type === 'currency' ? p.currency : p.date_time)?.fallback_value;
    if (typeof fb !== 'string' || fb === '')
      throw new GraphError({ code: 131008, details: `Parameter of type ${type} is missing fallback_value` });
    return fb;
  }
  if (type === 'payload') return String(p.payload ?? '');
  if (type === 'coupon_code') return String(p.coupon_code ?? '');
  throw graphErrors.notValid(`Parameter of type ${type || 'undefined'} is not valid here`);
}

function substitute(
  text: string,
  format: TemplateRecord['parameterFormat'],
  names: string[],
  params: SendParameter[],
): string {
  const byName = new Map<string, string>();
  params.forEach((p, i) => {
    const key = format === 'NAMED' ? String(p.parameter_name ?? '') : String(i + 1);
    byName.set(key, valueOf(p));
  });
  for (const n of names)
    if (!byName.has(n)) throw new GraphError({ code: 132000, details: `Parameter ${n} is missing` });
  return text.replace(format === 'NAMED' ? NAMED : POSITIONAL, (_, k: string) => byName.get(k) ?? '');
}

function countMismatch(component: string, got: number, expected: number): GraphError {
  return new GraphError({
    code: 132000,
    details: `${component}: number of localizable_params (${got}) does not match the expected number of params (${expected})`,
  });
}

/** Validates `template` of a send against the WABA's stored templates and renders it; throws the real errors. */
export function validateTemplateSend(
  state: WhatsAppState,
  wabaId: string,
  phoneNumberId: string,
  template: unknown,
): RenderedTemplate {
  if (typeof template !== 'object' || template === null) throw graphErrors.required('template');
  const t = template as { name?: unknown; language?: { code?: unknown } | unknown; components?: unknown };
  if (typeof t.name !== 'string' || t.name === '') throw graphErrors.required("template['name']");
  const code =
    typeof t.language === 'object' && t.language !== null ? (t.language as { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || code === '') throw graphErrors.required("template['language']");
  const stored = state.findTemplate(wabaId, t.name, code);
  if (!stored || !['APPROVED', 'PAUSED', 'DISABLED'].includes(stored.status)) {
    throw new GraphError({ code: 132001, details: `template name (${t.name}) does not exist in ${code}` });
  }
  if (stored.status === 'PAUSED')
    throw new GraphError({ code: 132015, details: `Template ${t.name} is paused due to low quality` });
  if (stored.status === 'DISABLED')
    throw new GraphError({ code: 132016, details: `Template ${t.name} is disabled due to low quality` });
  if (t.components !== undefined && !Array.isArray(t.components))
    throw graphErrors.invalid("Param template['components'] must be an array.");
  const sent = (t.components ?? []) as SendComponent[];
  const kind = (c: SendComponent) => String(c.type ?? '').toLowerCase();
  const fmt = stored.parameterFormat;
  const rendered: RenderedTemplate['rendered'] = {};

  // header
  const headerDef = stored.components.find((c) => c.type === 'HEADER');
  const headerSent = sent.find((c) => kind(c) === 'header');
  const headerParams = paramsOf(headerSent);
  if (headerDef && headerDef.format && headerDef.format !== 'TEXT') {
    const expected = headerDef.format.toLowerCase();
    const p = headerParams[0];
    const got = p ? String(p.type ?? '').toLowerCase() : '';
    if (got !== expected) {
      throw new GraphError({
        code: 132012,
        details: `header: Format mismatch, expected ${headerDef.format}, received ${got ? got.toUpperCase() : 'UNKNOWN'}`,
      });
    }
    if (expected !== 'location') {
      const media = (p as unknown as Record<string, { id?: unknown; link?: unknown } | undefined>)[expected];
      if (!media || (media.id === undefined && media.link === undefined)) {
        throw new GraphError({ code: 131008, details: `Parameter of type ${expected} is missing id or link` });
      }
      if (media.id !== undefined) {
        const m = state.media.get(String(media.id));
        if (!m || m.deleted || m.phoneNumberId !== phoneNumberId) {
          throw graphErrors.invalid(
            `Param template['components'][0]['parameters'][0]['${expected}']['id'] is not a valid whatsapp business account media attachment ID`,
          );
        }
      }
    }
    rendered.header = `[${headerDef.format}]`;
  } else {
    const names = placeholders(headerDef?.text, fmt);
    if (headerParams.length !== names.length) throw countMismatch('header', headerParams.length, names.length);
    if (headerDef?.text) rendered.header = substitute(headerDef.text, fmt, names, headerParams);
  }

  // body
  const bodyDef = stored.components.find((c) => c.type === 'BODY');
  const bodyParams = paramsOf(sent.find((c) => kind(c) === 'body'));
  const bodyNames = placeholders(bodyDef?.text, fmt);
  if (bodyParams.length !== bodyNames.length) throw countMismatch('body', bodyParams.length, bodyNames.length);
  if (bodyDef?.text) rendered.body = substitute(bodyDef.text, fmt, bodyNames, bodyParams);

  const footer = stored.components.find((c) => c.type === 'FOOTER');
  if (footer?.text) rendered.footer = footer.text;

  // buttons
  const buttonDefs = stored.components.find((c) => c.type === 'BUTTONS')?.buttons ?? [];
  const buttonSends = sent.filter((c) => kind(c) === 'button');
  for (const b of buttonSends) {
    const index = Number(b.index);
    if (!Number.isInteger(index) || index < 0 || index >= buttonDefs.length) {
      throw graphErrors.notValid(`buttons: Button at index ${String(b.index)} does not exist in the template`);
    }
  }
  rendered.buttons = buttonDefs.map((def, index) => {
    const send = buttonSends.find((b) => Number(b.index) === index);
    const params = paramsOf(send);
    if (def.type === 'URL' && def.url && placeholders(def.url, 'POSITIONAL').length > 0) {
      if (params.length !== 1)
        throw new GraphError({
          code: 131008,
          details: `buttons: Button at index ${index} of type Url requires a parameter`,
        });
      return `${def.text ?? ''} <${substitute(def.url, 'POSITIONAL', ['1'], params)}>`;
    }
    if (def.type === 'COPY_CODE' && !params.some((p) => String(p.type).toLowerCase() === 'coupon_code')) {
      throw new GraphError({
        code: 131008,
        details: `buttons: Button at index ${index} of type CopyCode requires a coupon_code parameter`,
      });
    }
    return def.text ?? '';
  });
  if (rendered.buttons.length === 0) delete rendered.buttons;
  return { template: stored, rendered };
}
