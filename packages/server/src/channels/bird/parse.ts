/**
 * @module channels/bird/parse — a verified Bird webhook → normalized events. `<platform>.inbound` carries a message
 * from a customer (text, image, file, location, or a postback: a reply button or list row chosen),
 * `<platform>.outbound` the message object of one of ours at its new status, `<platform>.interaction` a read
 * (https://docs.bird.com/api/notifications-api/api-reference/webhook-subscriptions, https://docs.bird.com/api/channels-api/message-types).
 * Pure and deterministic; what we do not model is `ignored`, never thrown.
 */
import type { WebhookOutcome, WebhookRequest } from '../../channel-kit/index.js';
import {
  InboundEventSchema,
  type Content,
  type InboundEvent,
  type InboundMessageEvent,
  type InboundStatusEvent,
} from '../../model/index.js';
import type { BirdConfig } from './config.js';
import { codeForBirdFailure } from './api.js';
import {
  birdActionSchema,
  birdBodySchema,
  birdEnvelopeSchema,
  birdInteractionSchema,
  birdMediaItemSchema,
  birdMessageSchema,
  type BirdBody,
  type BirdMessage,
} from './payloads.js';

/** an ISO time as Bird writes it; an unreadable one → the epoch, so a re-parse gives the same result */
function isoTime(value: string | undefined): string {
  const t = value ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? new Date(t).toISOString() : new Date(0).toISOString();
}

function chosen(actions: unknown[] | undefined): { id: string; title: string } | undefined {
  for (const raw of actions ?? []) {
    const a = birdActionSchema.safeParse(raw);
    const pick = a.success ? (a.data.postback ?? a.data.reply) : undefined;
    const title = pick?.text ?? pick?.payload;
    if (pick && title) return { id: pick.payload || title, title };
  }
  return undefined;
}

function mediaContent(
  body: BirdBody,
  kind: 'image' | 'file',
): { content: Content; extra?: Record<string, unknown> } | undefined {
  const holder = kind === 'image' ? body.image : body.file;
  const items = kind === 'image' ? (body.image?.images ?? []) : (body.file?.files ?? []);
  const first = birdMediaItemSchema.safeParse(items[0]);
  if (!holder || !first.success) return undefined;
  const m = first.data;
  const mimeType = m.contentType ?? (kind === 'image' ? 'image/jpeg' : 'application/octet-stream');
  const type: Content['type'] =
    kind === 'image' || mimeType.startsWith('image/')
      ? 'image'
      : mimeType.startsWith('audio/')
        ? 'audio'
        : mimeType.startsWith('video/')
          ? 'video'
          : 'document';
  const caption = holder.text ?? m.altText;
  return {
    content: {
      type,
      media: {
        url: '',
        mimeType,
        state: 'pending',
        // Bird's media URL is fetched with the access key (features.fetchMedia)
        providerMediaId: m.mediaUrl,
        ...(m.filename ? { fileName: m.filename } : {}),
        ...(caption ? { caption } : {}),
      },
    } as Content,
    ...(items.length > 1 ? { extra: { moreMedia: items.length - 1 } } : {}),
  };
}

function contentOf(raw: unknown): { content: Content; extra?: Record<string, unknown> } | undefined {
  const parsed = birdBodySchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const body = parsed.data;
  switch (body.type) {
    case 'text': {
      if (!body.text) return undefined;
      // a tapped reply button arrives as text with the postback it carried (UNCONFIRMED field layout)
      const reply = chosen(body.text.actions);
      if (reply) return { content: { type: 'interactive', interactive: { kind: 'button_reply', reply } } };
      return body.text.text ? { content: { type: 'text', text: body.text.text } } : undefined;
    }
    case 'image':
      return mediaContent(body, 'image');
    case 'file':
      return mediaContent(body, 'file');
    case 'location': {
      const l = body.location;
      if (!l) return undefined;
      const { latitude, longitude } = l.coordinates;
      if (
        !Number.isFinite(latitude) ||
        !Number.isFinite(longitude) ||
        Math.abs(latitude) > 90 ||
        Math.abs(longitude) > 180
      )
        return undefined;
      return {
        content: {
          type: 'location',
          location: {
            latitude,
            longitude,
            ...(l.location?.label ? { name: l.location.label } : {}),
            ...(l.location?.address ? { address: l.location.address } : {}),
          },
        },
      };
    }
    case 'list': {
      const reply = chosen(body.list?.actions);
      return reply ? { content: { type: 'interactive', interactive: { kind: 'list_reply', reply } } } : undefined;
    }
    default:
      return undefined; // carousel, section, html, authentication… not modelled
  }
}

function inboundMessage(m: BirdMessage, config: BirdConfig): InboundMessageEvent | undefined {
  const contact = m.sender?.contact;
  const address = contact?.identifierValue;
  if (!address) return undefined;
  const mapped = contentOf(m.body);
  if (!mapped) return undefined;
  const name = contact.annotations?.name;
  const metadata: Record<string, unknown> = { ...mapped.extra };
  if (m.replyTo?.id) metadata.replyToProviderMessageId = m.replyTo.id;
  return {
    kind: 'message',
    providerMessageId: m.id,
    from: { address, ...(name ? { name } : {}) },
    to: m.receiver?.connector?.identifierValue ?? m.channelId ?? config.channelId,
    content: mapped.content,
    timestamp: isoTime(m.createdAt),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

/** Bird's outbound statuses (https://docs.bird.com/api/channels-api/message-status-and-interactions) → ours */
const STATUS: Record<string, InboundStatusEvent['status']> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  sending_failed: 'failed',
  delivery_failed: 'failed',
  skipped: 'failed',
};

function outboundStatus(m: BirdMessage): InboundStatusEvent | undefined {
  const status = m.status ? STATUS[m.status] : undefined;
  if (!status) return undefined; // accepted, processing, scheduled: nothing the customer saw yet
  const event: InboundStatusEvent = {
    kind: 'status',
    providerMessageId: m.id,
    status,
    timestamp: isoTime(m.lastStatusAt ?? m.updatedAt),
  };
  if (status === 'failed') {
    const description = m.failure?.description || m.reason || `Bird reported the message as ${m.status}`;
    event.detail = { code: codeForBirdFailure(m.failure?.code, m.status), message: description };
  }
  return event;
}

/** interactions that mean the customer saw the message */
const READ_INTERACTIONS = new Set(['read', 'opened']);

export function parseBird(req: WebhookRequest, config: BirdConfig): WebhookOutcome {
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'body is not JSON' };
  }
  const envelope = birdEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { kind: 'ignored', reason: 'not a Bird webhook envelope' };
  const { service, event, payload } = envelope.data;
  if (service !== 'channels') return { kind: 'ignored', reason: `service ${service} is not modelled` };
  const kind = event.slice(event.lastIndexOf('.') + 1);
  let out: InboundEvent | undefined;
  if (kind === 'inbound' || kind === 'outbound') {
    const m = birdMessageSchema.safeParse(payload);
    if (!m.success) return { kind: 'ignored', reason: `${event} without a message object` };
    if (m.data.channelId && m.data.channelId !== config.channelId)
      return { kind: 'ignored', reason: `a message of another channel (${m.data.channelId})` };
    out = kind === 'inbound' ? inboundMessage(m.data, config) : outboundStatus(m.data);
  } else if (kind === 'interaction') {
    const i = birdInteractionSchema.safeParse(payload);
    if (i.success && READ_INTERACTIONS.has(i.data.type))
      out = {
        kind: 'status',
        providerMessageId: i.data.messageId,
        status: 'read',
        timestamp: isoTime(i.data.createdAt),
      };
  }
  if (out && InboundEventSchema.safeParse(out).success) return { kind: 'events', events: [out] };
  return { kind: 'ignored', reason: `${event}: nothing we model` };
}
