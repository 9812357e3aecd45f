/**
 * @module channels/telegram/parse — one webhook Update → normalized events (https://core.telegram.org/bots/api#setwebhook, https://core.telegram.org/bots/api#update, https://core.telegram.org/bots/api#getting-updates dedup keys).
 * Pure and deterministic; never throws. A callback query is answered in the webhook reply (https://core.telegram.org/bots/api#setwebhook).
 */
import type { WebhookOutcome, WebhookRequest } from '../../channel-kit/index.js';
import type { Content, InboundMessageEvent } from '../../model/index.js';
import type { TelegramConfig } from './config.js';
import { updateSchema, type TgCallbackQuery, type TgChat, type TgMessage, type TgUser } from './payloads.js';

function readJson(req: WebhookRequest): unknown {
  try {
    return JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** update_id drops re-deliveries before they are stored twice (https://core.telegram.org/bots/api#getting-updates) */
export function telegramEventKey(req: WebhookRequest): string | undefined {
  const body = readJson(req) as { update_id?: unknown } | undefined;
  return typeof body?.update_id === 'number' && Number.isInteger(body.update_id) ? String(body.update_id) : undefined;
}

/** message_id is unique only inside its chat (https://core.telegram.org/bots/api#update): the key is chat id + message id */
export const providerMessageId = (chatId: number, messageId: number): string => `${chatId}:${messageId}`;

const isoFromUnix = (seconds: number): string =>
  new Date(Number.isFinite(seconds) && Math.abs(seconds) <= 8.64e12 ? seconds * 1000 : 0).toISOString();
const isGroup = (chat: TgChat): boolean => chat.type === 'group' || chat.type === 'supergroup';

function displayName(user: {
  first_name?: string | undefined;
  last_name?: string | undefined;
  username?: string | undefined;
  title?: string | undefined;
}): string | undefined {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim() || user.title || user.username;
  return name || undefined;
}

/** the customer behind a message: the user, or the chat a message was sent on behalf of (anonymous group admins) */
function sender(m: TgMessage): { address: string; name?: string } | undefined {
  const who = m.from ?? m.sender_chat;
  if (!who) return undefined;
  const name = displayName(who);
  return { address: String(who.id), ...(name ? { name } : {}) };
}

function media(
  type: 'image' | 'audio' | 'video' | 'document' | 'sticker',
  file: { file_id: string; file_size?: number | undefined; file_name?: string | undefined },
  mimeType: string,
  caption: string | undefined,
): Content {
  return {
    type,
    media: {
      url: '',
      mimeType,
      providerMediaId: file.file_id,
      state: 'pending',
      ...(file.file_name ? { fileName: file.file_name } : {}),
      ...(file.file_size !== undefined ? { size: file.file_size } : {}),
      ...(caption ? { caption } : {}),
    },
  };
}

/** the content of a customer message, or undefined for kinds we do not model (service messages, polls, dice…) */
export function messageContent(m: TgMessage): Content | undefined {
  const caption = m.caption;
  if (m.text !== undefined && m.text.length > 0) return { type: 'text', text: m.text };
  if (m.photo && m.photo.length > 0) {
    // sizes come smallest first; pick the largest by pixels (then bytes), the last on ties
    const largest = m.photo.reduce((best, p) => {
      const area = (p.width ?? 0) * (p.height ?? 0);
      const bestArea = (best.width ?? 0) * (best.height ?? 0);
      return area > bestArea || (area === bestArea && (p.file_size ?? 0) >= (best.file_size ?? 0)) ? p : best;
    });
    return media('image', largest, 'image/jpeg', caption);
  }
  // an animation message also carries a `document` twin: read the animation first
  if (m.animation) return media('video', m.animation, m.animation.mime_type ?? 'video/mp4', caption);
  if (m.video) return media('video', m.video, m.video.mime_type ?? 'video/mp4', caption);
  if (m.video_note) return media('video', m.video_note, m.video_note.mime_type ?? 'video/mp4', caption);
  if (m.voice) return media('audio', m.voice, m.voice.mime_type ?? 'audio/ogg', caption);
  if (m.audio) return media('audio', m.audio, m.audio.mime_type ?? 'audio/mpeg', caption);
  if (m.document) return media('document', m.document, m.document.mime_type ?? 'application/octet-stream', caption);
  if (m.sticker) {
    const mimeType = m.sticker.is_animated
      ? 'application/x-tgsticker'
      : m.sticker.is_video
        ? 'video/webm'
        : 'image/webp';
    return media('sticker', m.sticker, mimeType, m.sticker.emoji);
  }
  if (m.venue && Math.abs(m.venue.location.latitude) <= 90 && Math.abs(m.venue.location.longitude) <= 180) {
    return {
      type: 'location',
      location: {
        latitude: m.venue.location.latitude,
        longitude: m.venue.location.longitude,
        name: m.venue.title,
        address: m.venue.address,
      },
    };
  }
  if (m.location && Math.abs(m.location.latitude) <= 90 && Math.abs(m.location.longitude) <= 180)
    return { type: 'location', location: { latitude: m.location.latitude, longitude: m.location.longitude } };
  if (m.contact) {
    const c = m.contact;
    return {
      type: 'contact',
      contacts: [
        { name: [c.first_name, c.last_name].filter(Boolean).join(' ').trim(), phones: [c.phone_number], emails: [] },
      ],
    };
  }
  return undefined;
}

function metadata(m: TgMessage, updateId: number, from?: TgUser): Record<string, unknown> {
  return {
    telegram: {
      updateId,
      chatType: m.chat.type,
      ...(m.chat.title ? { chatTitle: m.chat.title } : {}),
      ...(from?.username ? { username: from.username } : {}),
      ...(from?.language_code ? { languageCode: from.language_code } : {}),
      ...(m.message_thread_id !== undefined ? { messageThreadId: m.message_thread_id } : {}),
      ...(m.reply_to_message
        ? { replyToProviderMessageId: providerMessageId(m.chat.id, m.reply_to_message.message_id) }
        : {}),
    },
  };
}

function messageEvent(
  m: TgMessage,
  updateId: number,
  config: TelegramConfig,
  edit: boolean,
): InboundMessageEvent | string {
  if (m.chat.type === 'channel') return 'channel posts are not conversations';
  const from = sender(m);
  if (!from) return 'message without a sender';
  const content = messageContent(m);
  if (!content) return 'message kind not modelled (service message, poll, dice, game…)';
  return {
    kind: 'message',
    providerMessageId: providerMessageId(m.chat.id, m.message_id),
    from,
    ...(config.botUsername ? { to: config.botUsername } : {}),
    ...(isGroup(m.chat) ? { threadKey: String(m.chat.id) } : {}),
    content,
    timestamp: isoFromUnix(edit ? (m.edit_date ?? m.date) : m.date),
    ...(edit ? { edit: true } : {}),
    metadata: metadata(m, updateId, m.from),
  };
}

/** the title of the pressed button, read from the message's inline keyboard */
function buttonTitle(q: TgCallbackQuery, data: string): string {
  const button = q.message?.reply_markup?.inline_keyboard.flat().find((b) => b.callback_data === data);
  return (button?.text || data).slice(0, 256);
}

function callbackEvent(
  q: TgCallbackQuery,
  updateId: number,
  config: TelegramConfig,
  receivedAt: string | undefined,
): InboundMessageEvent | string {
  if (q.data === undefined || q.data === '') return 'callback query without data (game or inline message)';
  const chat = q.message?.chat;
  const name = displayName(q.from);
  const text = q.message?.text ?? q.message?.caption;
  return {
    kind: 'message',
    // callback_query.id is the dedup key of a press (https://core.telegram.org/bots/api#getting-updates)
    providerMessageId: `callback:${q.id}`,
    from: { address: String(q.from.id), ...(name ? { name } : {}) },
    ...(config.botUsername ? { to: config.botUsername } : {}),
    ...(chat && isGroup(chat) ? { threadKey: String(chat.id) } : {}),
    content: {
      type: 'interactive',
      interactive: {
        kind: 'button_reply',
        reply: { id: q.data.slice(0, 256), title: buttonTitle(q, q.data) },
        ...(text ? { text } : {}),
      },
    },
    // a callback query carries no date: the time the hub received it (stored with the raw event), else the
    // date of the message the button belongs to
    timestamp: receivedAt ?? isoFromUnix(q.message && q.message.date > 0 ? (q.message.edit_date ?? q.message.date) : 0),
    metadata: {
      telegram: {
        updateId,
        ...(chat ? { chatType: chat.type } : {}),
        ...(q.message && chat ? { buttonMessageProviderId: providerMessageId(chat.id, q.message.message_id) } : {}),
        ...(q.from.username ? { username: q.from.username } : {}),
      },
    },
  };
}

export function parseTelegram(req: WebhookRequest, config: TelegramConfig): WebhookOutcome {
  const body = readJson(req);
  if (body === undefined) return { kind: 'ignored', reason: 'body is not JSON' };
  const parsed = updateSchema.safeParse(body);
  if (!parsed.success)
    return {
      kind: 'ignored',
      reason:
        `not a Telegram update we model: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim(),
    };
  const u = parsed.data;
  let event: InboundMessageEvent | string;
  if (u.message) event = messageEvent(u.message, u.update_id, config, false);
  else if (u.edited_message) event = messageEvent(u.edited_message, u.update_id, config, true);
  else if (u.callback_query) {
    event = callbackEvent(u.callback_query, u.update_id, config, req.receivedAt);
    if (typeof event !== 'string') {
      // Telegram runs the method given in the webhook answer (https://core.telegram.org/bots/api#setwebhook): the button stops spinning
      const reply = { method: 'answerCallbackQuery', callback_query_id: u.callback_query.id };
      return {
        kind: 'events',
        events: [event],
        reply: { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(reply) },
      };
    }
  } else {
    const kind = Object.keys(body as Record<string, unknown>).find((k) => k !== 'update_id') ?? 'empty';
    return { kind: 'ignored', reason: `update kind ${kind} is not handled` };
  }
  return typeof event === 'string' ? { kind: 'ignored', reason: event } : { kind: 'events', events: [event] };
}
