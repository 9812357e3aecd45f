/**
 * @module channel-kit/whatsapp-business — what the WhatsApp Cloud API (channels/whatsapp) and the WhatsApp
 * On-Premises API (channels/whatsapp-onpremise) have in common, written once: the message and status objects of
 * their webhooks (the Cloud API nests them in `entry[].changes[].value`, the Coreapp posts them flat, the objects
 * themselves are the same: https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components,
 * https://developers.facebook.com/docs/whatsapp/on-premises/webhooks/inbound), the bodies of outbound messages
 * and templates (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages; the Coreapp takes
 * the same bodies without `messaging_product`), error codes, and template variables and listing (both APIs'
 * templates live on the WhatsApp Business Account: https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates).
 * The 24-hour window and the one-template-until-they-reply rule are the hub's (core/outbound/message-queue.ts),
 * driven by `windowHours` and the templates feature, so both channels get them from one place.
 */
import { z } from 'zod';
import type { Content, InboundMessageEvent, InboundStatusEvent } from '../model/index.js';
import type { ChannelErrorCode } from './errors.js';
import { ChannelError } from './errors.js';
import type { ProviderTemplate } from './connector.js';

const mediaObject = z.object({
  id: z.string().min(1),
  mime_type: z.string().default('application/octet-stream'),
  sha256: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  voice: z.boolean().optional(),
  animated: z.boolean().optional(),
});

const vcard = z.object({
  name: z
    .object({
      formatted_name: z.string().optional(),
      first_name: z.string().optional(),
      last_name: z.string().optional(),
    })
    .optional(),
  phones: z.array(z.object({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
  emails: z.array(z.object({ email: z.string().optional() })).optional(),
});

/** one inbound message object; the key named by `type` holds the body. Lenient: unknown keys pass */
export const waMessageSchema = z.object({
  from: z.string().min(1),
  id: z.string().min(1),
  timestamp: z.union([z.string(), z.number()]),
  type: z.string(),
  context: z
    .object({
      from: z.string().optional(),
      id: z.string().optional(),
      forwarded: z.boolean().optional(),
      frequently_forwarded: z.boolean().optional(),
    })
    .optional(),
  referral: z.record(z.string(), z.unknown()).optional(),
  text: z.object({ body: z.string() }).optional(),
  image: mediaObject.optional(),
  audio: mediaObject.optional(),
  video: mediaObject.optional(),
  document: mediaObject.optional(),
  sticker: mediaObject.optional(),
  // the Coreapp names voice notes `voice` (https://developers.facebook.com/docs/whatsapp/on-premises/webhooks/inbound)
  voice: mediaObject.optional(),
  location: z
    .object({
      latitude: z.coerce.number(),
      longitude: z.coerce.number(),
      name: z.string().optional(),
      address: z.string().optional(),
      url: z.string().optional(),
    })
    .optional(),
  contacts: z.array(vcard).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
    })
    .optional(),
  button: z.object({ payload: z.string().optional(), text: z.string() }).optional(),
  reaction: z.object({ message_id: z.string().min(1), emoji: z.string().optional() }).optional(),
});
export type WaMessage = z.infer<typeof waMessageSchema>;

export const waErrorObjectSchema = z.object({
  code: z.coerce.number(),
  title: z.string().optional(),
  message: z.string().optional(),
  // the Coreapp's error objects carry `details` at the top (https://developers.facebook.com/docs/whatsapp/on-premises/errors)
  details: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
});

/** one status object (a receipt of one of our messages) */
export const waStatusSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  timestamp: z.union([z.string(), z.number()]),
  recipient_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(waErrorObjectSchema).optional(),
});
export type WaStatus = z.infer<typeof waStatusSchema>;

/** `contacts[]` beside the messages: the senders' profile names */
export const waContactsSchema = z
  .array(z.object({ wa_id: z.string().optional(), profile: z.object({ name: z.string().optional() }).optional() }))
  .optional();

/** WhatsApp error code → our code (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes; the On-Premises codes are the same numbers, https://developers.facebook.com/docs/whatsapp/on-premises/errors). Codes not listed fall back to the HTTP status. */
const WHATSAPP_CODES: Record<number, ChannelErrorCode> = {
  0: 'AUTH',
  3: 'AUTH',
  10: 'AUTH',
  104: 'AUTH',
  190: 'AUTH',
  4: 'RATE_LIMITED',
  80007: 'RATE_LIMITED',
  130429: 'RATE_LIMITED',
  131056: 'RATE_LIMITED',
  1: 'UNAVAILABLE',
  2: 'UNAVAILABLE',
  131000: 'UNAVAILABLE',
  131016: 'UNAVAILABLE',
  131057: 'UNAVAILABLE',
  131047: 'WINDOW_CLOSED',
  131021: 'INVALID_RECIPIENT',
  131026: 'INVALID_RECIPIENT',
  131030: 'INVALID_RECIPIENT',
  131050: 'INVALID_RECIPIENT',
  130497: 'INVALID_RECIPIENT',
  131051: 'UNSUPPORTED',
  // the On-Premises API's own codes (https://developers.facebook.com/docs/whatsapp/on-premises/errors)
  470: 'WINDOW_CLOSED', // re-engagement: more than 24 h since the customer's last message
  471: 'RATE_LIMITED', // user spam rate limit
  1005: 'AUTH', // access denied
  1007: 'INVALID_RECIPIENT', // recipient blocked
  1011: 'UNAVAILABLE', // service not ready
  1013: 'INVALID_RECIPIENT', // user is not valid
  1014: 'UNAVAILABLE', // internal error
  1015: 'RATE_LIMITED', // too many requests
  1016: 'UNAVAILABLE', // system overloaded
  1024: 'AUTH', // password change required
  1026: 'INVALID_RECIPIENT', // receiver incapable
};

/** our code for a WhatsApp error code (also used for `failed` statuses); `fallback` maps the HTTP status */
export function codeForWhatsAppError(
  code: number | undefined,
  fallback: () => ChannelErrorCode = () => 'REJECTED',
): ChannelErrorCode {
  if (code !== undefined) {
    const known = WHATSAPP_CODES[code];
    if (known) return known;
    if (code >= 200 && code <= 299) return 'AUTH'; // permission errors
  }
  return fallback();
}

/** "(#131030) Recipient phone number not in allowed list: <details>" — the message plus its details when they add something */
export function whatsappErrorMessage(e: {
  message?: string | undefined;
  title?: string | undefined;
  code?: number | undefined;
  details?: string | undefined;
  error_data?: { details?: string | undefined } | undefined;
}): string {
  const base = e.message || e.title || 'WhatsApp error';
  const withCode = e.code !== undefined && !base.includes(`#${e.code}`) ? `(#${e.code}) ${base}` : base;
  const details = e.error_data?.details ?? e.details;
  return details && !base.includes(details) ? `${withCode}: ${details}` : withCode;
}

/** unix seconds (a string on the wire) → ISO; an unreadable value → the epoch, so a re-parse gives the same result */
export function whatsappTime(value: string | number): string {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 && seconds <= 8.64e12
    ? new Date(seconds * 1000).toISOString()
    : new Date(0).toISOString();
}

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;

function contentOf(m: WaMessage): { content: Content; extra?: Record<string, unknown> } | undefined {
  switch (m.type) {
    case 'text':
      return m.text?.body ? { content: { type: 'text', text: m.text.body } } : undefined;
    case 'image':
    case 'audio':
    case 'voice':
    case 'video':
    case 'document':
    case 'sticker': {
      const type = m.type === 'voice' ? 'audio' : (MEDIA_TYPES.find((t) => t === m.type) ?? 'document');
      const media = m.type === 'voice' ? (m.voice ?? m.audio) : m[type];
      if (!media) return undefined;
      return {
        content: {
          type,
          media: {
            url: '',
            mimeType: media.mime_type,
            state: 'pending',
            providerMediaId: media.id,
            ...(media.filename ? { fileName: media.filename } : {}),
            ...(media.caption ? { caption: media.caption } : {}),
          },
        },
        ...(media.voice || m.type === 'voice'
          ? { extra: { voice: true } }
          : media.animated
            ? { extra: { animated: true } }
            : {}),
      };
    }
    case 'location': {
      const l = m.location;
      if (!l || Math.abs(l.latitude) > 90 || Math.abs(l.longitude) > 180) return undefined;
      return {
        content: {
          type: 'location',
          location: {
            latitude: l.latitude,
            longitude: l.longitude,
            ...(l.name ? { name: l.name } : {}),
            ...(l.address ? { address: l.address } : {}),
          },
        },
        ...(l.url ? { extra: { url: l.url } } : {}),
      };
    }
    case 'contacts': {
      const contacts = (m.contacts ?? []).map((c) => ({
        name: c.name?.formatted_name ?? [c.name?.first_name, c.name?.last_name].filter(Boolean).join(' '),
        phones: (c.phones ?? []).map((p) => p.phone ?? p.wa_id).filter((p): p is string => Boolean(p)),
        emails: (c.emails ?? []).map((e) => e.email).filter((e): e is string => Boolean(e)),
      }));
      return contacts.length > 0 ? { content: { type: 'contact', contacts } } : undefined;
    }
    case 'interactive': {
      const i = m.interactive;
      if (i?.type === 'button_reply' && i.button_reply)
        return { content: { type: 'interactive', interactive: { kind: 'button_reply', reply: i.button_reply } } };
      if (i?.type === 'list_reply' && i.list_reply) {
        const { id, title, description } = i.list_reply;
        return {
          content: { type: 'interactive', interactive: { kind: 'list_reply', reply: { id, title } } },
          ...(description ? { extra: { description } } : {}),
        };
      }
      return undefined; // nfm_reply (Flows) and others: not modelled
    }
    case 'button': {
      // a tap on a template quick-reply button
      const b = m.button;
      if (!b?.text) return undefined;
      return {
        content: {
          type: 'interactive',
          interactive: { kind: 'button_reply', reply: { id: b.payload || b.text, title: b.text } },
        },
        extra: { templateButton: true },
      };
    }
    case 'reaction':
      return m.reaction
        ? {
            content: {
              type: 'reaction',
              reaction: { emoji: m.reaction.emoji ?? '', targetProviderMessageId: m.reaction.message_id },
            },
          }
        : undefined;
    default:
      return undefined; // unsupported, unknown, system, order, request_welcome, edit, revoke…
  }
}

/** profile names by wa_id, and the only name when just one contact is listed (a `from` that differs from its wa_id) */
export function whatsappNames(contacts: z.infer<typeof waContactsSchema>): {
  names: Map<string, string>;
  onlyName: string | undefined;
} {
  const list = contacts ?? [];
  const names = new Map<string, string>();
  for (const c of list) if (c.wa_id && c.profile?.name) names.set(c.wa_id, c.profile.name);
  return { names, onlyName: list.length === 1 ? list[0]?.profile?.name : undefined };
}

/** one message object → a message event to our number `to`; undefined for what we do not model */
export function whatsappMessageEvent(
  raw: unknown,
  to: string,
  names: { names: Map<string, string>; onlyName: string | undefined },
): InboundMessageEvent | undefined {
  const parsed = waMessageSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const m = parsed.data;
  const mapped = contentOf(m);
  if (!mapped) return undefined;
  const name = names.names.get(m.from) ?? names.onlyName;
  const metadata: Record<string, unknown> = { ...mapped.extra };
  if (m.context?.id) metadata.replyToProviderMessageId = m.context.id;
  if (m.context?.forwarded || m.context?.frequently_forwarded) metadata.forwarded = true;
  if (m.referral) metadata.referral = m.referral;
  return {
    kind: 'message',
    providerMessageId: m.id,
    from: { address: m.from, ...(name ? { name } : {}) },
    to,
    content: mapped.content,
    timestamp: whatsappTime(m.timestamp),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

/** one status object → a status event (sent, delivered, read, failed); played, deleted… are not modelled */
export function whatsappStatusEvent(raw: unknown): InboundStatusEvent | undefined {
  const parsed = waStatusSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const s: WaStatus = parsed.data;
  if (s.status !== 'sent' && s.status !== 'delivered' && s.status !== 'read' && s.status !== 'failed') return undefined;
  const event: InboundStatusEvent = {
    kind: 'status',
    providerMessageId: s.id,
    status: s.status,
    timestamp: whatsappTime(s.timestamp),
  };
  if (s.status === 'failed') {
    const e = s.errors?.[0];
    event.detail = e
      ? { code: codeForWhatsAppError(e.code), message: whatsappErrorMessage(e) }
      : { code: 'REJECTED', message: 'WhatsApp reported the message as failed without a reason' };
  }
  return event;
}

// ---- outbound bodies -------------------------------------------------------------------------------------------

type TemplateContent = Extract<Content, { type: 'template' }>['template'];
type ContentOfType<T extends Content['type']> = Extract<Content, { type: T }>;

const isNumeric = (k: string) => /^\d+$/.test(k);

/** "1","2"… positional (in numeric order) or a name (`parameter_name`, named templates) → a text parameter */
function textParams(entries: Array<[string, string]>): Array<{ type: 'text'; text: string; parameter_name?: string }> {
  const sorted = [...entries].sort(([a], [b]) =>
    isNumeric(a) && isNumeric(b) ? Number(a) - Number(b) : isNumeric(a) ? -1 : isNumeric(b) ? 1 : a.localeCompare(b),
  );
  return sorted.map(([k, v]) =>
    isNumeric(k) ? { type: 'text' as const, text: v } : { type: 'text' as const, parameter_name: k, text: v },
  );
}

/**
 * Template components from `variables` (the names templateVariables lists): "1","2"… or named → body;
 * "header.1"/"header.<name>" → text header; "header.image|video|document" → media header (https link or media
 * id); "header.location" → "lat,long"; "button.<i>.1" → URL button suffix; "button.<i>.payload" → quick-reply
 * payload; "button.<i>.code" → COPY_CODE coupon.
 */
export function templateComponents(variables: Record<string, string>): unknown[] {
  const body: Array<[string, string]> = [];
  const headerText: Array<[string, string]> = [];
  let headerOther: Record<string, unknown> | undefined;
  const buttons = new Map<number, { sub_type: string; parameters: unknown[] }>();
  for (const [key, value] of Object.entries(variables)) {
    const button = /^button\.(\d+)\.(.+)$/.exec(key);
    if (button) {
      const index = Number(button[1]);
      const part = button[2] as string;
      const param =
        part === 'payload'
          ? { sub_type: 'quick_reply', p: { type: 'payload', payload: value } }
          : part === 'code'
            ? { sub_type: 'copy_code', p: { type: 'coupon_code', coupon_code: value } }
            : { sub_type: 'url', p: { type: 'text', text: value } };
      buttons.set(index, {
        sub_type: param.sub_type,
        parameters: [...(buttons.get(index)?.parameters ?? []), param.p],
      });
      continue;
    }
    const header = /^header\.(.+)$/.exec(key);
    if (header) {
      const part = header[1] as string;
      if (part === 'image' || part === 'video' || part === 'document') {
        headerOther = { type: part, [part]: /^https?:\/\//i.test(value) ? { link: value } : { id: value } };
      } else if (part === 'location') {
        const [latitude, longitude, name, address] = value.split(',').map((s) => s.trim());
        headerOther = {
          type: 'location',
          location: {
            latitude: Number(latitude),
            longitude: Number(longitude),
            ...(name ? { name } : {}),
            ...(address ? { address } : {}),
          },
        };
      } else headerText.push([part, value]);
      continue;
    }
    body.push([key, value]);
  }
  const components: unknown[] = [];
  if (headerOther) components.push({ type: 'header', parameters: [headerOther] });
  else if (headerText.length > 0) components.push({ type: 'header', parameters: textParams(headerText) });
  if (body.length > 0) components.push({ type: 'body', parameters: textParams(body) });
  for (const [index, b] of [...buttons.entries()].sort(([a], [c]) => a - c))
    components.push({ type: 'button', sub_type: b.sub_type, index: String(index), parameters: b.parameters });
  return components;
}

/**
 * `template: {…}` of a send. The Coreapp also wants the WABA's template `namespace`
 * (https://developers.facebook.com/docs/whatsapp/on-premises/reference/messages#template-object), with the
 * language as `{policy: "deterministic", code}`; the Cloud API needs neither.
 */
export function whatsappTemplateBody(t: TemplateContent, namespace?: string): Record<string, unknown> {
  const components = templateComponents(t.variables);
  return {
    ...(namespace ? { namespace } : {}),
    name: t.name,
    language: namespace ? { policy: 'deterministic', code: t.language } : { code: t.language },
    ...(components.length > 0 ? { components } : {}),
  };
}

/** `type` and its body for the content types both APIs send alike (media aside: those need an uploaded id) */
export const whatsappBodies = {
  text: (content: ContentOfType<'text'>) => ({
    type: 'text',
    text: { body: content.text, preview_url: /https?:\/\//i.test(content.text) },
  }),
  location: (content: ContentOfType<'location'>) => {
    const l = content.location;
    return {
      type: 'location',
      location: {
        latitude: l.latitude,
        longitude: l.longitude,
        ...(l.name ? { name: l.name } : {}),
        ...(l.address ? { address: l.address } : {}),
      },
    };
  },
  contact: (content: ContentOfType<'contact'>) => ({
    type: 'contacts',
    contacts: content.contacts.map((c) => {
      const [first, ...rest] = c.name.trim().split(/\s+/);
      return {
        name: {
          formatted_name: c.name,
          first_name: first || c.name,
          ...(rest.length > 0 ? { last_name: rest.join(' ') } : {}),
        },
        ...(c.phones.length > 0 ? { phones: c.phones.map((phone) => ({ phone })) } : {}),
        ...(c.emails.length > 0 ? { emails: c.emails.map((email) => ({ email })) } : {}),
      };
    }),
  }),
  reaction: (content: ContentOfType<'reaction'>) => ({
    type: 'reaction',
    reaction: { message_id: content.reaction.targetProviderMessageId, emoji: content.reaction.emoji },
  }),
  interactive: (content: ContentOfType<'interactive'>) => {
    const i = content.interactive;
    const buttons = i.buttons ?? [];
    if (!i.text) throw new ChannelError('REJECTED', 'WhatsApp interactive messages need a body text');
    if (buttons.length === 0)
      throw new ChannelError('REJECTED', 'WhatsApp interactive messages need at least one button or row');
    if (i.kind === 'buttons') {
      if (buttons.length > 3) throw new ChannelError('UNSUPPORTED', 'WhatsApp allows at most 3 reply buttons');
      return {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: i.text },
          action: { buttons: buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
        },
      };
    }
    if (i.kind === 'list') {
      if (buttons.length > 10) throw new ChannelError('UNSUPPORTED', 'WhatsApp lists allow at most 10 rows');
      return {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: i.text },
          action: { button: 'Choose', sections: [{ rows: buttons.map((b) => ({ id: b.id, title: b.title })) }] },
        },
      };
    }
    throw new ChannelError('UNSUPPORTED', `a ${i.kind} is what a customer sends, not something we can send`);
  },
  /** a media message by the id the provider gave our upload */
  media: (content: Extract<Content, { media: unknown }>, id: string) => {
    const { media } = content;
    const caption =
      media.caption && (content.type === 'image' || content.type === 'video' || content.type === 'document')
        ? { caption: media.caption }
        : {};
    const filename = content.type === 'document' && media.fileName ? { filename: media.fileName } : {};
    return { type: content.type, [content.type]: { id, ...caption, ...filename } };
  },
};

// ---- templates -------------------------------------------------------------------------------------------------

export const templateComponentSchema = z.object({
  type: z.string(),
  format: z.string().optional(),
  text: z.string().optional(),
  buttons: z.array(z.object({ type: z.string(), text: z.string().optional(), url: z.string().optional() })).optional(),
});
const templateSchema = z.object({
  id: z.coerce.string(),
  name: z.string(),
  language: z.string(),
  status: z.string().default('UNKNOWN'),
  category: z.string().default('UNKNOWN'),
  parameter_format: z.string().optional(),
  components: z.array(z.unknown()).default([]),
});
const templatePageSchema = z.object({
  data: z.array(z.unknown()).default([]),
  paging: z
    .object({ cursors: z.object({ after: z.string().optional() }).optional(), next: z.string().optional() })
    .optional(),
});

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

function placeholders(text: string | undefined): string[] {
  const out: string[] = [];
  for (const m of (text ?? '').matchAll(PLACEHOLDER)) if (!out.includes(m[1] as string)) out.push(m[1] as string);
  return out;
}

/**
 * The variable names a template needs, in order (the keys of `content.template.variables` for send):
 *   body `{{1}}`, `{{2}}` (or named `{{order_id}}`) → "1", "2" ("order_id");
 *   text header `{{1}}` → "header.1"; media header → "header.image" | "header.video" | "header.document" (a https
 *   link or an uploaded media id); location header → "header.location" ("lat,long");
 *   button i: URL with `{{1}}` → "button.i.1" (the url suffix); COPY_CODE → "button.i.code".
 * Quick-reply buttons need nothing; "button.i.payload" may be given to choose the payload sent back.
 */
export function templateVariables(components: unknown[]): string[] {
  const out: string[] = [];
  for (const raw of components) {
    const c = templateComponentSchema.safeParse(raw);
    if (!c.success) continue;
    const type = c.data.type.toUpperCase();
    if (type === 'HEADER') {
      const format = (c.data.format ?? 'TEXT').toUpperCase();
      if (format === 'TEXT') out.push(...placeholders(c.data.text).map((p) => `header.${p}`));
      else out.push(`header.${format.toLowerCase()}`);
    } else if (type === 'BODY') {
      out.push(...placeholders(c.data.text));
    } else if (type === 'BUTTONS') {
      (c.data.buttons ?? []).forEach((b, i) => {
        const kind = b.type.toUpperCase();
        if (kind === 'URL') out.push(...placeholders(b.url).map((p) => `button.${i}.${p}`));
        else if (kind === 'COPY_CODE') out.push(`button.${i}.code`);
      });
    }
  }
  return out;
}

/**
 * GET /{waba-id}/message_templates, every page (https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates);
 * `call` is the channel's own authenticated Graph call (a path relative to its versioned base)
 */
export async function listWhatsAppTemplates(
  call: (path: string) => Promise<unknown>,
  businessAccountId: string,
): Promise<ProviderTemplate[]> {
  const out: ProviderTemplate[] = [];
  const base = `${encodeURIComponent(businessAccountId)}/message_templates?limit=100&fields=id,name,language,status,category,components,parameter_format`;
  let after: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const res = templatePageSchema.safeParse(await call(after ? `${base}&after=${encodeURIComponent(after)}` : base));
    if (!res.success) throw new ChannelError('UNAVAILABLE', 'template list in an unexpected shape');
    for (const raw of res.data.data) {
      const t = templateSchema.safeParse(raw);
      if (!t.success) continue;
      const body = t.data.components
        .map((c) => templateComponentSchema.safeParse(c))
        .find((c) => c.success && c.data.type.toUpperCase() === 'BODY');
      out.push({
        id: t.data.id,
        name: t.data.name,
        language: t.data.language,
        status: t.data.status,
        category: t.data.category,
        components: t.data.components,
        variables: templateVariables(t.data.components),
        body: body?.data?.text ?? '',
      });
    }
    // follow the cursor rather than `paging.next`, so we only ever call our own base url
    const next = res.data.paging?.next ? res.data.paging.cursors?.after : undefined;
    if (!next || next === after) break;
    after = next;
  }
  return out;
}
