/**
 * @module channels/infobip/parse — a verified Infobip webhook → normalized events. One request holds `results[]`:
 * every entry becomes its own event, whichever kind it is — an inbound SMS (MO_JSON_2), a WhatsApp or Viber message
 * (MO_OTT_CONTACT: text, media with Infobip's download URL, a location, a tapped button or list row), a delivery
 * report (status groups PENDING 1, UNDELIVERABLE 2, DELIVERED 3, EXPIRED 4, REJECTED 5,
 * https://www.infobip.com/docs/essentials/api-essentials/response-status-and-error-codes) or a seen report.
 * Pure and deterministic; an entry we do not model is skipped, a request with none is `ignored`, never thrown.
 */
import type { WebhookOutcome, WebhookRequest } from '../../channel-kit/index.js';
import {
  InboundEventSchema,
  type Content,
  type InboundEvent,
  type InboundMessageEvent,
  type InboundStatusEvent,
} from '../../model/index.js';
import { codeForInfobipFailure, describeInfobipFailure } from './api.js';
import type { InfobipConfig } from './config.js';
import {
  infobipMoOttSchema,
  infobipMoSmsSchema,
  infobipOttMessageSchema,
  infobipReportSchema,
  infobipResultsSchema,
  infobipSeenSchema,
  type InfobipOttMessage,
  type InfobipReport,
} from './payloads.js';

/**
 * Infobip writes times as `2019-08-29T10:17:19.000+0000`; an unreadable one → the epoch, so a re-parse gives the
 * same result
 */
export function infobipTime(value: string | undefined): string {
  const t = value ? Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN;
  return Number.isFinite(t) ? new Date(t).toISOString() : new Date(0).toISOString();
}

/** Infobip writes numbers in international form without "+" (41793026727) */
export const phone = (address: string): string => (/^\d{6,15}$/.test(address) ? `+${address}` : address);

/** our message id, put into `callbackData` at send, for a report that lacks the message id */
export function callbackMessageId(callbackData: string | null | undefined): string | undefined {
  if (!callbackData) return undefined;
  try {
    const v = JSON.parse(callbackData) as { messageId?: unknown };
    return typeof v.messageId === 'string' && v.messageId.length > 0 ? v.messageId : undefined;
  } catch {
    return undefined;
  }
}

const MEDIA: Record<string, { type: 'image' | 'audio' | 'video' | 'document' | 'sticker'; mimeType: string }> = {
  IMAGE: { type: 'image', mimeType: 'image/jpeg' },
  DOCUMENT: { type: 'document', mimeType: 'application/octet-stream' },
  FILE: { type: 'document', mimeType: 'application/octet-stream' },
  AUDIO: { type: 'audio', mimeType: 'audio/ogg' },
  VOICE: { type: 'audio', mimeType: 'audio/ogg' },
  VIDEO: { type: 'video', mimeType: 'video/mp4' },
  STICKER: { type: 'sticker', mimeType: 'image/webp' },
};

function ottContent(m: InfobipOttMessage): Content | undefined {
  const media = MEDIA[m.type];
  if (media) {
    if (!m.url) return undefined;
    return {
      type: media.type,
      media: {
        url: '',
        mimeType: media.mimeType,
        state: 'pending',
        // Infobip's download URL, fetched with the API key (features.fetchMedia)
        providerMediaId: m.url,
        ...(m.caption ? { caption: m.caption } : {}),
      },
    } as Content;
  }
  switch (m.type) {
    case 'TEXT':
      return m.text ? { type: 'text', text: m.text } : undefined;
    case 'LOCATION': {
      const { latitude, longitude } = m;
      if (
        latitude === undefined ||
        longitude === undefined ||
        !Number.isFinite(latitude) ||
        !Number.isFinite(longitude) ||
        Math.abs(latitude) > 90 ||
        Math.abs(longitude) > 180
      )
        return undefined;
      return {
        type: 'location',
        location: {
          latitude,
          longitude,
          ...(m.name ? { name: m.name } : {}),
          ...(m.address ? { address: m.address } : {}),
        },
      };
    }
    case 'INTERACTIVE_BUTTON_REPLY':
    case 'INTERACTIVE_LIST_REPLY': {
      const title = m.title ?? m.id;
      if (!title) return undefined;
      const kind = m.type === 'INTERACTIVE_LIST_REPLY' ? 'list_reply' : 'button_reply';
      return { type: 'interactive', interactive: { kind, reply: { id: m.id || title, title } } };
    }
    case 'BUTTON': {
      // a template's quick-reply button: the text shown and the payload set in the template
      const title = m.text ?? m.payload;
      if (!title) return undefined;
      return { type: 'interactive', interactive: { kind: 'button_reply', reply: { id: m.payload || title, title } } };
    }
    default:
      return undefined; // CONTACT, ORDER, REACTION, UNSUPPORTED…: not modelled
  }
}

function inboundOtt(raw: unknown, config: InfobipConfig): InboundMessageEvent | undefined {
  const r = infobipMoOttSchema.safeParse(raw);
  if (!r.success) return undefined;
  const m = infobipOttMessageSchema.safeParse(r.data.message);
  if (!m.success) return undefined;
  const content = ottContent(m.data);
  if (!content) return undefined;
  const name = r.data.contact?.name;
  const metadata: Record<string, unknown> = {};
  if (r.data.integrationType) metadata.integrationType = r.data.integrationType;
  if (m.data.context?.id) metadata.replyToProviderMessageId = m.data.context.id;
  if (r.data.pairedMessageId) metadata.pairedMessageId = r.data.pairedMessageId;
  return {
    kind: 'message',
    providerMessageId: r.data.messageId,
    from: { address: phone(r.data.from), ...(name ? { name } : {}) },
    to: r.data.to ? phone(r.data.to) : config.from,
    content,
    timestamp: infobipTime(r.data.receivedAt),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

function inboundSms(raw: unknown, config: InfobipConfig): InboundMessageEvent | undefined {
  const r = infobipMoSmsSchema.safeParse(raw);
  if (!r.success) return undefined;
  const text = r.data.text ?? r.data.cleanText;
  if (!text) return undefined;
  const metadata: Record<string, unknown> = {};
  if (r.data.keyword) metadata.keyword = r.data.keyword;
  if (r.data.smsCount !== undefined && r.data.smsCount > 1) metadata.smsCount = r.data.smsCount;
  return {
    kind: 'message',
    providerMessageId: r.data.messageId,
    from: { address: phone(r.data.from) },
    to: r.data.to ? phone(r.data.to) : config.from,
    content: { type: 'text', text },
    timestamp: infobipTime(r.data.receivedAt),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

/** status groups → ours; PENDING (accepted, en route) is what our `sent` already says */
const GROUP: Record<number, InboundStatusEvent['status']> = {
  1: 'sent',
  2: 'failed',
  3: 'delivered',
  4: 'failed',
  5: 'failed',
};
const GROUP_IDS: Record<string, number> = { PENDING: 1, UNDELIVERABLE: 2, DELIVERED: 3, EXPIRED: 4, REJECTED: 5 };

function report(r: InfobipReport): InboundStatusEvent | undefined {
  const id = r.messageId || callbackMessageId(r.callbackData);
  const group = r.status.groupId ?? (r.status.groupName ? GROUP_IDS[r.status.groupName] : undefined);
  const status = group !== undefined ? GROUP[group] : undefined;
  if (!id || !status) return undefined;
  const event: InboundStatusEvent = {
    kind: 'status',
    providerMessageId: id,
    status,
    timestamp: infobipTime(r.doneAt ?? r.sentAt),
  };
  if (status === 'failed')
    event.detail = {
      code: codeForInfobipFailure(r.status, r.error),
      message: describeInfobipFailure(r.status, r.error),
    };
  return event;
}

function entry(raw: unknown, config: InfobipConfig): InboundEvent | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const o = raw as Record<string, unknown>;
  if ('status' in o) {
    const r = infobipReportSchema.safeParse(raw);
    return r.success ? report(r.data) : undefined;
  }
  if ('seenAt' in o) {
    const s = infobipSeenSchema.safeParse(raw);
    return s.success
      ? { kind: 'status', providerMessageId: s.data.messageId, status: 'read', timestamp: infobipTime(s.data.seenAt) }
      : undefined;
  }
  if ('message' in o) return inboundOtt(raw, config);
  return inboundSms(raw, config);
}

export function parseInfobip(req: WebhookRequest, config: InfobipConfig): WebhookOutcome {
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'body is not JSON' };
  }
  const body = infobipResultsSchema.safeParse(json);
  if (!body.success) return { kind: 'ignored', reason: 'not an Infobip results[] push' };
  const events: InboundEvent[] = [];
  for (const raw of body.data.results) {
    const e = entry(raw, config);
    if (e && InboundEventSchema.safeParse(e).success) events.push(e);
  }
  if (events.length === 0)
    return { kind: 'ignored', reason: `none of ${body.data.results.length} results is something we model` };
  return { kind: 'events', events };
}
