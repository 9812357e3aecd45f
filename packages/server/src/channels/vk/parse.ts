/**
 * @module channels/vk/parse — one Callback API request (or one long-poll update: the same object without secret)
 * → normalized events (https://dev.vk.com/en/api/callback/getting-started, https://dev.vk.com/en/api/bots-long-poll/getting-started).
 * Pure and deterministic; never throws.
 */
import type { HttpReply, WebhookOutcome, WebhookRequest } from '../../channel-kit/index.js';
import type { Content, InboundEvent } from '../../model/index.js';
import type { VkConfig } from './config.js';
import {
  callbackSchema,
  messageEventObject,
  messageNewObject,
  messageReadObject,
  consentObject,
  typingObject,
  type VkAttachment,
  type VkMessage,
} from './payloads.js';
import { readCallback } from './verify.js';

/** every accepted request is answered exactly `ok`, or VK counts it as failed and retries (https://dev.vk.com/en/api/callback/getting-started) */
export const VK_OK: HttpReply = { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };

/** conversation_message_id counts per peer: with the peer it names a message for good (https://dev.vk.com/en/reference/objects/message) */
export const vkMessageKey = (peerId: number, cmid: number): string => `${peerId}_${cmid}`;

/** event_id: "if it passed twice or more — you should ignore it" (vk-api-schema callback_base) */
export function vkEventKey(req: WebhookRequest): string | undefined {
  const body = readCallback(req);
  return typeof body?.event_id === 'string' && body.event_id.length > 0 ? body.event_id : undefined;
}

const iso = (seconds: number): string =>
  new Date(Number.isFinite(seconds) && Math.abs(seconds) <= 8.64e12 ? seconds * 1000 : 0).toISOString();

const largest = (sizes: Array<{ url: string; width?: number | undefined; height?: number | undefined }>) =>
  sizes.reduce<(typeof sizes)[number] | undefined>(
    (best, s) => (!best || (s.width ?? 0) * (s.height ?? 0) >= (best.width ?? 0) * (best.height ?? 0) ? s : best),
    undefined,
  );

function pending(
  type: 'image' | 'audio' | 'video' | 'document' | 'sticker',
  providerMediaId: string,
  mimeType: string,
  extra: { fileName?: string | undefined; size?: number | undefined; caption?: string | undefined },
): Content {
  return {
    type,
    media: {
      url: '',
      mimeType,
      providerMediaId,
      state: 'pending',
      ...(extra.fileName ? { fileName: extra.fileName } : {}),
      ...(extra.size !== undefined && extra.size >= 0 ? { size: Math.floor(extra.size) } : {}),
      ...(extra.caption ? { caption: extra.caption } : {}),
    },
  };
}

/** an attachment as content; the file's own URL is the handle fetchMedia downloads */
function attachmentContent(a: VkAttachment, caption: string): Content | undefined {
  if (a.type === 'photo' && a.photo) {
    const size = largest(a.photo.sizes);
    if (size) return pending('image', size.url, 'image/jpeg', { caption });
  }
  if (a.type === 'doc' && a.doc?.url)
    return pending('document', a.doc.url, 'application/octet-stream', {
      fileName: a.doc.title,
      size: a.doc.size,
      caption,
    });
  if (a.type === 'audio_message' && a.audio_message) {
    const url = a.audio_message.link_ogg ?? a.audio_message.link_mp3;
    if (url)
      return pending('audio', url, a.audio_message.link_ogg ? 'audio/ogg' : 'audio/mpeg', {
        caption: a.audio_message.transcript ?? caption,
      });
  }
  if (a.type === 'sticker' && a.sticker) {
    const image = largest(a.sticker.images ?? []);
    if (image) return pending('sticker', image.url, 'image/png', {});
  }
  // videos, wall posts and links are shown as links to vk.com
  if (a.type === 'video' && a.video)
    return {
      type: 'text',
      text: [caption, `https://vk.com/video${a.video.owner_id}_${a.video.id}`].filter(Boolean).join('\n'),
    };
  if (a.type === 'wall' && a.wall)
    return {
      type: 'text',
      text: [caption, `https://vk.com/wall${a.wall.owner_id ?? a.wall.from_id ?? 0}_${a.wall.id}`]
        .filter(Boolean)
        .join('\n'),
    };
  if (a.type === 'link' && a.link) return { type: 'text', text: [caption, a.link.url].filter(Boolean).join('\n') };
  return undefined;
}

function messageContent(m: VkMessage): Content | undefined {
  if (m.payload !== undefined && m.text) {
    // a text button press carries its payload (https://dev.vk.com/en/api/bots/development/keyboard)
    const id = buttonId(m.payload);
    if (id)
      return { type: 'interactive', interactive: { kind: 'button_reply', reply: { id, title: m.text.slice(0, 256) } } };
  }
  const first = m.attachments[0];
  const fromAttachment = first ? attachmentContent(first, m.text) : undefined;
  if (fromAttachment) return fromAttachment;
  if (m.geo)
    return {
      type: 'location',
      location: {
        latitude: m.geo.coordinates.latitude,
        longitude: m.geo.coordinates.longitude,
        ...(m.geo.place?.title ? { name: m.geo.place.title } : {}),
      },
    };
  if (m.text) return { type: 'text', text: m.text };
  return undefined;
}

/** our buttons carry `{"id": "<button id>"}` as payload */
function buttonId(payload: unknown): string | undefined {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const id = value && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= 256 ? id : undefined;
}

/**
 * A VK message carries up to 10 attachments (https://dev.vk.com/en/reference/objects/message#attachments); our
 * messages carry one content each, so the message becomes one stored message per attachment, in order: the first
 * with the text keeps the message's key, the others `<key>#<n>` (stable, so a redelivery or an edit names the
 * same parts), as Meta's several attachments are stored
 */
function messageEvents(m: VkMessage, edit: boolean, config: VkConfig): InboundEvent[] {
  if (m.out === 1 || m.from_id < 0) return []; // our own messages and other communities
  const content = messageContent(m);
  if (!content) return [];
  const metadata: Record<string, unknown> = { peerId: m.peer_id, vkMessageId: m.id };
  if (m.reply_message) metadata.replyTo = m.reply_message;
  if (m.fwd_messages && m.fwd_messages.length > 0) metadata.forwarded = m.fwd_messages;
  const key = vkMessageKey(m.peer_id, m.conversation_message_id);
  const event = (providerMessageId: string, c: Content, extra: Record<string, unknown> = {}): InboundEvent => ({
    kind: 'message',
    providerMessageId,
    from: { address: String(m.from_id) },
    to: String(config.groupId),
    // a group chat (peer ids from 2000000000 on) is its own thread
    ...(m.peer_id >= 2_000_000_000 ? { threadKey: String(m.peer_id) } : {}),
    content: c,
    timestamp: iso(edit ? (m.update_time ?? m.date) : m.date),
    ...(edit ? { edit: true } : {}),
    metadata: { ...metadata, ...extra },
  });
  const events = [event(key, content)];
  // the first attachment is the message's own content (messageContent); a button press has no attachments
  if (content.type !== 'interactive' && m.attachments.length > 1 && attachmentContent(m.attachments[0]!, m.text)) {
    m.attachments.slice(1).forEach((a, i) => {
      const part = attachmentContent(a, '');
      if (part) events.push(event(`${key}#${i + 1}`, part, { partOf: key }));
    });
  }
  return events;
}

export function parseVk(req: WebhookRequest, config: VkConfig): WebhookOutcome {
  const raw = readCallback(req);
  const body = callbackSchema.safeParse(raw);
  if (!body.success) return { kind: 'ignored', reason: 'not a VK callback' };
  const { type, object } = body.data;
  if (type === 'confirmation') {
    if (!config.confirmationCode) return { kind: 'ignored', reason: 'no confirmation code configured' };
    return {
      kind: 'handshake',
      reply: { status: 200, headers: { 'content-type': 'text/plain' }, body: config.confirmationCode },
    };
  }
  const events: InboundEvent[] = [];
  if (type === 'message_new' || type === 'message_edit') {
    // message_new wraps the message (API ≥ 5.103); message_edit is the message itself
    const parsed =
      type === 'message_new' ? messageNewObject.safeParse(object) : messageNewObject.shape.message.safeParse(object);
    const message = parsed.success ? ('message' in parsed.data ? parsed.data.message : parsed.data) : undefined;
    if (message) events.push(...messageEvents(message as VkMessage, type === 'message_edit', config));
  } else if (type === 'message_event') {
    const e = messageEventObject.safeParse(object);
    const id = e.success ? buttonId(e.data.payload) : undefined;
    if (e.success && id)
      events.push({
        kind: 'message',
        providerMessageId: `event_${e.data.event_id}`,
        from: { address: String(e.data.user_id) },
        to: String(config.groupId),
        ...(e.data.peer_id >= 2_000_000_000 ? { threadKey: String(e.data.peer_id) } : {}),
        content: { type: 'interactive', interactive: { kind: 'button_reply', reply: { id, title: id } } },
        timestamp: req.receivedAt ?? new Date(0).toISOString(),
        metadata: { peerId: e.data.peer_id, callbackEventId: e.data.event_id },
      });
  } else if (type === 'message_read') {
    const r = messageReadObject.safeParse(object);
    if (r.success && r.data.conversation_message_id !== undefined)
      events.push({
        kind: 'status',
        providerMessageId: vkMessageKey(r.data.peer_id, r.data.conversation_message_id),
        status: 'read',
        timestamp: req.receivedAt ?? new Date(0).toISOString(),
      });
  } else if (type === 'message_allow' || type === 'message_deny') {
    // the user allowed or refused the community's messages (https://dev.vk.com/en/api/community-events/json-schema)
    const c = consentObject.safeParse(object);
    if (c.success && c.data.user_id > 0)
      events.push({
        kind: 'consent',
        from: { address: String(c.data.user_id) },
        consent: type === 'message_allow' ? 'opt_in' : 'opt_out',
        timestamp: req.receivedAt ?? new Date(0).toISOString(),
      });
  } else if (type === 'message_typing_state') {
    const t = typingObject.safeParse(object);
    if (t.success && t.data.state === 'typing')
      events.push({
        kind: 'typing',
        from: { address: String(t.data.from_id) },
        timestamp: req.receivedAt ?? new Date(0).toISOString(),
      });
  }
  return events.length > 0
    ? { kind: 'events', events, reply: VK_OK }
    : { kind: 'ignored', reason: `no event we model (${type.slice(0, 40)})`, reply: VK_OK };
}
