// Validates the body of POST /{phone-number-id}/messages per message type — envelope (#100), per-type required
// values (131008) and limits such as ≤ 3 reply buttons and ≤ 10 list rows (131009) (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages).
import { GraphError, graphErrors } from './graph-errors.js';
import type { PhoneRecord, WhatsAppState } from './state.js';

export const MESSAGE_TYPES = [
  'audio',
  'contacts',
  'document',
  'image',
  'interactive',
  'location',
  'reaction',
  'sticker',
  'template',
  'text',
  'video',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];
const MEDIA_TYPES = new Set(['audio', 'document', 'image', 'sticker', 'video']);
const MAX_TEXT = 4096;

export interface ValidatedMessage {
  type: MessageType;
  /** Media given by `link`, to be fetched after acceptance. */
  mediaLink?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function validateMessageBody(state: WhatsAppState, phone: PhoneRecord, body: Obj): ValidatedMessage {
  const type = (str(body.type) ?? 'text') as MessageType;
  if (!MESSAGE_TYPES.includes(type)) {
    throw graphErrors.paramMessage(
      `Param type must be one of {${MESSAGE_TYPES.map((t) => t.toUpperCase()).join(', ')}} - got "${String(body.type)}".`,
    );
  }
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    throw graphErrors.paramMessage(
      `Param recipient_type must be one of {INDIVIDUAL} - got "${String(body.recipient_type)}".`,
    );
  }
  if (body.context !== undefined && (!isObj(body.context) || typeof body.context.message_id !== 'string')) {
    throw graphErrors.required("context['message_id']");
  }
  const content = body[type];
  if (content === undefined) throw graphErrors.required(type);
  if (type === 'template') return { type }; // checked against the stored template in templates.ts
  if (type === 'contacts') {
    if (!Array.isArray(content) || content.length === 0) throw graphErrors.required('contacts');
    content.forEach((c, i) => {
      if (!isObj(c) || !isObj(c.name) || typeof c.name.formatted_name !== 'string' || c.name.formatted_name === '') {
        throw graphErrors.required(`contacts[${i}]['name']['formatted_name']`);
      }
    });
    return { type };
  }
  if (!isObj(content)) throw graphErrors.paramMessage(`Param ${type} must be a JSON object.`);
  switch (type) {
    case 'text': {
      const text = str(content.body);
      if (text === undefined || text === '') throw graphErrors.required("text['body']");
      if (text.length > MAX_TEXT)
        throw graphErrors.paramMessage(`Param text['body'] must be at most ${MAX_TEXT} characters long.`);
      return { type };
    }
    case 'location': {
      for (const k of ['latitude', 'longitude']) {
        if (content[k] === undefined) throw graphErrors.required(`location['${k}']`);
        if (!Number.isFinite(Number(content[k]))) throw graphErrors.notValid(`Param location['${k}'] must be a number`);
      }
      return { type };
    }
    case 'reaction': {
      if (typeof content.message_id !== 'string' || content.message_id === '')
        throw graphErrors.required("reaction['message_id']");
      if (content.emoji === undefined) throw graphErrors.required("reaction['emoji']");
      return { type };
    }
    case 'interactive':
      validateInteractive(content);
      return { type };
    default:
      return validateMedia(state, phone, type, content);
  }
}

function validateMedia(state: WhatsAppState, phone: PhoneRecord, type: MessageType, content: Obj): ValidatedMessage {
  if (!MEDIA_TYPES.has(type)) throw graphErrors.invalid(`Unsupported type ${type}`);
  const allowed = new Set(['id', 'link', 'caption', 'filename', 'provider', 'voice']);
  if (type === 'audio' || type === 'sticker') allowed.delete('caption');
  if (type !== 'document') allowed.delete('filename');
  if (type !== 'audio') allowed.delete('voice');
  for (const key of Object.keys(content)) {
    if (!allowed.has(key)) throw graphErrors.paramMessage(`Unexpected key "${key}" on param "${type}".`);
  }
  const id = str(content.id);
  const link = str(content.link);
  if (!id && !link) throw new GraphError({ code: 131008, details: `Param ${type} must have either 'id' or 'link'` });
  if (id && link)
    throw new GraphError({ code: 131009, details: `Param ${type} must have either 'id' or 'link', not both` });
  if (id) {
    const media = state.media.get(id);
    if (!media || media.deleted || media.phoneNumberId !== phone.id) {
      throw graphErrors.invalid(`Param ${type}['id'] is not a valid whatsapp business account media attachment ID`);
    }
    return { type };
  }
  if (!/^https?:\/\//i.test(link ?? ''))
    throw new GraphError({ code: 131009, details: `Param ${type}['link'] is not a valid URL` });
  return { type, mediaLink: link as string };
}

function validateInteractive(content: Obj): void {
  const kind = str(content.type);
  const kinds = [
    'button',
    'list',
    'cta_url',
    'product',
    'product_list',
    'flow',
    'location_request_message',
    'call_permission_request',
  ];
  if (!kind) throw graphErrors.required("interactive['type']");
  if (!kinds.includes(kind))
    throw graphErrors.paramMessage(
      `Param interactive['type'] must be one of {${kinds.map((k) => k.toUpperCase()).join(', ')}} - got "${kind}".`,
    );
  const body = content.body;
  if (kind !== 'product' && (!isObj(body) || typeof body.text !== 'string' || body.text === ''))
    throw new GraphError({ code: 131008, details: "Parameter 'body' is required for interactive type " + kind });
  if (isObj(body) && typeof body.text === 'string' && body.text.length > 1024)
    throw graphErrors.notValid('Interactive body text length is invalid. Maximum length: 1024');
  const action = content.action;
  if (!isObj(action)) throw graphErrors.required("interactive['action']");
  if (kind === 'button') {
    const buttons = action.buttons;
    if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3)
      throw graphErrors.notValid('Buttons count is invalid. Min: 1, Max: 3');
    const ids = new Set<string>();
    const titles = new Set<string>();
    for (const b of buttons) {
      const reply = isObj(b) && isObj(b.reply) ? b.reply : undefined;
      const id = str(reply?.id);
      const title = str(reply?.title);
      if (!isObj(b) || b.type !== 'reply' || !id || !title)
        throw new GraphError({ code: 131008, details: "Button must have type 'reply' with reply id and title" });
      if (title.length > 20) throw graphErrors.notValid('Button title length is invalid. Maximum length: 20');
      if (id.length > 256) throw graphErrors.notValid('Button id length is invalid. Maximum length: 256');
      if (ids.has(id) || titles.has(title)) throw graphErrors.notValid('Buttons must have unique ids and titles');
      ids.add(id);
      titles.add(title);
    }
    return;
  }
  if (kind === 'list') {
    const button = str(action.button);
    if (!button) throw new GraphError({ code: 131008, details: "Parameter 'button' is required for list messages" });
    if (button.length > 20) throw graphErrors.notValid('Button title length is invalid. Maximum length: 20');
    const sections = action.sections;
    if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10)
      throw graphErrors.notValid('Sections count is invalid. Min: 1, Max: 10');
    let rows = 0;
    const rowIds = new Set<string>();
    for (const s of sections) {
      if (!isObj(s) || !Array.isArray(s.rows) || s.rows.length === 0)
        throw new GraphError({ code: 131008, details: 'Each section must have rows' });
      if (sections.length > 1 && !str(s.title))
        throw new GraphError({
          code: 131008,
          details: 'Section title is required when there is more than one section',
        });
      if ((str(s.title) ?? '').length > 24)
        throw graphErrors.notValid('Section title length is invalid. Maximum length: 24');
      for (const r of s.rows as unknown[]) {
        rows++;
        const id = isObj(r) ? str(r.id) : undefined;
        const title = isObj(r) ? str(r.title) : undefined;
        if (!id || !title) throw new GraphError({ code: 131008, details: 'Each row must have an id and a title' });
        if (id.length > 200) throw graphErrors.notValid('Row id length is invalid. Maximum length: 200');
        if (title.length > 24) throw graphErrors.notValid('Row title length is invalid. Maximum length: 24');
        if ((str((r as Obj).description) ?? '').length > 72)
          throw graphErrors.notValid('Row description length is invalid. Maximum length: 72');
        if (rowIds.has(id)) throw graphErrors.notValid('Row ids must be unique');
        rowIds.add(id);
      }
    }
    if (rows > 10) throw graphErrors.notValid('Total row count exceed max allowed count: 10');
    return;
  }
  if (kind === 'cta_url') {
    const p = isObj(action.parameters) ? action.parameters : undefined;
    if (!str(p?.display_text) || !str(p?.url))
      throw new GraphError({ code: 131008, details: 'cta_url requires action.parameters display_text and url' });
  }
}
