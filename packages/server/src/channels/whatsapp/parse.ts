/**
 * @module channels/whatsapp/parse — a verified Cloud API webhook → normalized events (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests, https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components,
 * https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples#message-status-updates). Pure and deterministic. Every entry, change, message and status of a batch is read; types and fields we
 * do not model are skipped, never thrown.
 */
import { metaHandshake, type WebhookOutcome, type WebhookRequest } from '../../channel-kit/index.js';
import type { Content, InboundEvent, InboundMessageEvent, InboundStatusEvent } from '../../model/index.js';
import { InboundEventSchema } from '../../model/index.js';
import { codeForGraphError, graphMessage } from './api.js';
import type { WhatsAppConfig } from './config.js';
import {
  waEnvelopeSchema,
  waMessageSchema,
  waMessagesValueSchema,
  waStatusSchema,
  type WaMessage,
  type WaStatus,
} from './payloads.js';

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;

/** GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… → 200 with the raw challenge, else 403 (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests); shared by every Meta channel */
function handshake(req: WebhookRequest, config: WhatsAppConfig): WebhookOutcome {
  return metaHandshake(req, config.verifyToken);
}

/** unix seconds (a string on the wire) → ISO; an unreadable value → the epoch, so a re-parse gives the same result */
function isoTime(value: string | number): string {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 && seconds <= 8.64e12
    ? new Date(seconds * 1000).toISOString()
    : new Date(0).toISOString();
}

function contentOf(m: WaMessage): { content: Content; extra?: Record<string, unknown> } | undefined {
  switch (m.type) {
    case 'text':
      return m.text?.body ? { content: { type: 'text', text: m.text.body } } : undefined;
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker': {
      const type = MEDIA_TYPES.find((t) => t === m.type) ?? 'document';
      const media = m[type];
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
        ...(media.voice ? { extra: { voice: true } } : media.animated ? { extra: { animated: true } } : {}),
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

function messageEvent(
  raw: unknown,
  phoneNumberId: string,
  names: Map<string, string>,
  onlyName: string | undefined,
): InboundMessageEvent | undefined {
  const parsed = waMessageSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const m = parsed.data;
  const mapped = contentOf(m);
  if (!mapped) return undefined;
  const name = names.get(m.from) ?? onlyName;
  const metadata: Record<string, unknown> = { ...mapped.extra };
  if (m.context?.id) metadata.replyToProviderMessageId = m.context.id;
  if (m.context?.forwarded || m.context?.frequently_forwarded) metadata.forwarded = true;
  if (m.referral) metadata.referral = m.referral;
  return {
    kind: 'message',
    providerMessageId: m.id,
    from: { address: m.from, ...(name ? { name } : {}) },
    to: phoneNumberId,
    content: mapped.content,
    timestamp: isoTime(m.timestamp),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

function statusEvent(raw: unknown): InboundStatusEvent | undefined {
  const parsed = waStatusSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const s: WaStatus = parsed.data;
  if (s.status !== 'sent' && s.status !== 'delivered' && s.status !== 'read' && s.status !== 'failed') return undefined; // played, deleted, …
  const event: InboundStatusEvent = {
    kind: 'status',
    providerMessageId: s.id,
    status: s.status,
    timestamp: isoTime(s.timestamp),
  };
  if (s.status === 'failed') {
    const e = s.errors?.[0];
    event.detail = e
      ? { code: codeForGraphError(e.code), message: graphMessage(e) }
      : { code: 'REJECTED', message: 'WhatsApp reported the message as failed without a reason' };
  }
  return event;
}

export function parseWhatsApp(req: WebhookRequest, config: WhatsAppConfig): WebhookOutcome {
  if (req.method === 'GET') return handshake(req, config);
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'body is not JSON' };
  }
  const envelope = waEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { kind: 'ignored', reason: 'not a whatsapp_business_account webhook' };
  const events: InboundEvent[] = [];
  const skipped = new Set<string>();
  for (const entry of envelope.data.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') {
        skipped.add(change.field);
        continue;
      }
      const value = waMessagesValueSchema.safeParse(change.value);
      if (!value.success) continue;
      const { metadata, contacts = [], messages = [], statuses = [] } = value.data;
      const names = new Map<string, string>();
      for (const c of contacts) if (c.wa_id && c.profile?.name) names.set(c.wa_id, c.profile.name);
      // a sender whose `from` differs from its `wa_id` (number aliases) still gets the name when only one contact is listed
      const onlyName = contacts.length === 1 ? contacts[0]?.profile?.name : undefined;
      for (const raw of messages) {
        const e = messageEvent(raw, metadata.phone_number_id, names, onlyName);
        if (e && InboundEventSchema.safeParse(e).success) events.push(e);
      }
      for (const raw of statuses) {
        const e = statusEvent(raw);
        if (e && InboundEventSchema.safeParse(e).success) events.push(e);
      }
    }
  }
  if (events.length > 0) return { kind: 'events', events };
  return {
    kind: 'ignored',
    reason:
      skipped.size > 0
        ? `no messages or statuses (fields: ${[...skipped].sort().join(', ')})`
        : 'no message or status we model',
  };
}
