/**
 * @module channels/telegram/send — unified content → sendMessage / sendPhoto / … / sendContact, and the typing
 * chat action (https://core.telegram.org/bots/api#available-methods). Files are uploaded by multipart from our media store.
 */
import {
  ChannelError,
  isChannelError,
  type BaseContext,
  type OutboundMessage,
  type SendContext,
  type ContentOf,
  type SendHandler,
  type SendMap,
} from '../../channel-kit/index.js';
import type { Content, ContentType } from '../../model/index.js';
import { callBotApi, type ApiParams } from './api.js';
import type { TelegramConfig } from './config.js';
import { sentMessageSchema } from './payloads.js';
import { providerMessageId } from './parse.js';

type MediaContent = Extract<Content, { media: unknown }>;

/** callback_data is 1–64 bytes (https://core.telegram.org/bots/api#update CallbackQuery.data) */
const MAX_CALLBACK_BYTES = 64;
const MAX_CAPTION = 1024;

/** chat_id: a group conversation's thread key is the group chat id; otherwise the user id, which is the private chat id */
const chatIdOf = (message: OutboundMessage): string => message.threadKey ?? message.to;

/** reply_parameters for a reply to a message of the same chat (ids are `${chat.id}:${message_id}`) */
function replyParameters(message: OutboundMessage, chatId: string): Record<string, unknown> {
  const [chat, id] = message.replyToProviderMessageId?.split(':') ?? [];
  return chat === chatId && id && /^\d+$/.test(id)
    ? { reply_parameters: { message_id: Number(id), allow_sending_without_reply: true } }
    : {};
}

function buttonsParams(content: Extract<Content, { type: 'interactive' }>): Record<string, unknown> {
  const { kind, text, buttons = [] } = content.interactive;
  if (kind !== 'buttons' && kind !== 'list')
    throw new ChannelError('UNSUPPORTED', `Telegram cannot send an interactive ${kind}`);
  if (!text) throw new ChannelError('REJECTED', 'Telegram needs a text above the buttons');
  if (buttons.length === 0) throw new ChannelError('REJECTED', 'no buttons to send');
  const tooLong = buttons.find((b) => Buffer.byteLength(b.id, 'utf8') > MAX_CALLBACK_BYTES);
  if (tooLong)
    throw new ChannelError(
      'REJECTED',
      `button id "${tooLong.id.slice(0, 20)}…" is longer than Telegram's ${MAX_CALLBACK_BYTES} bytes of callback data`,
    );
  // one button per row: titles stay readable on a phone
  return { text, reply_markup: { inline_keyboard: buttons.map((b) => [{ text: b.title, callback_data: b.id }]) } };
}

/** the send method and its file field for a media content; OGG audio goes as a voice note, as customers send them */
function mediaMethod(content: MediaContent, mimeType: string): { method: string; field: string; captioned: boolean } {
  switch (content.type) {
    case 'image':
      return { method: 'sendPhoto', field: 'photo', captioned: true };
    case 'video':
      return { method: 'sendVideo', field: 'video', captioned: true };
    case 'document':
      return { method: 'sendDocument', field: 'document', captioned: true };
    case 'sticker':
      return { method: 'sendSticker', field: 'sticker', captioned: false };
    case 'audio':
      return /^audio\/ogg|opus/i.test(mimeType)
        ? { method: 'sendVoice', field: 'voice', captioned: true }
        : { method: 'sendAudio', field: 'audio', captioned: true };
  }
}

const DEFAULT_NAMES: Record<MediaContent['type'], string> = {
  image: 'image.jpg',
  video: 'video.mp4',
  document: 'file',
  sticker: 'sticker.webp',
  audio: 'audio',
};

async function mediaRequest(
  content: MediaContent,
  chatId: string,
  extra: Record<string, unknown>,
  ctx: SendContext<TelegramConfig>,
): Promise<{ method: string; params: ApiParams }> {
  let file: { bytes: Buffer; mimeType: string; fileName?: string };
  try {
    file = await ctx.media.read(content.media.url);
  } catch (error) {
    if (isChannelError(error)) throw error;
    throw new ChannelError('UNAVAILABLE', 'the stored attachment could not be read');
  }
  const mimeType = file.mimeType || content.media.mimeType;
  const { method, field, captioned } = mediaMethod(content, mimeType);
  const form = new FormData();
  form.set('chat_id', chatId);
  const caption = content.media.caption;
  if (captioned && caption) {
    if (caption.length > MAX_CAPTION)
      throw new ChannelError('REJECTED', `a Telegram caption holds at most ${MAX_CAPTION} characters`);
    form.set('caption', caption);
  }
  for (const [k, v] of Object.entries(extra)) form.set(k, JSON.stringify(v));
  form.set(
    field,
    new Blob([new Uint8Array(file.bytes)], { type: mimeType }),
    file.fileName ?? content.media.fileName ?? DEFAULT_NAMES[content.type],
  );
  return { method, params: form };
}

function contactParams(content: Extract<Content, { type: 'contact' }>): Record<string, unknown> {
  if (content.contacts.length !== 1) throw new ChannelError('UNSUPPORTED', 'Telegram sends one contact per message');
  const c = content.contacts[0] as (typeof content.contacts)[number];
  const phone = c.phones[0];
  if (!phone) throw new ChannelError('REJECTED', 'a Telegram contact needs a phone number');
  const vcard =
    c.emails.length > 0
      ? [
          'BEGIN:VCARD',
          'VERSION:3.0',
          `FN:${c.name}`,
          ...c.phones.map((p) => `TEL:${p}`),
          ...c.emails.map((e) => `EMAIL:${e}`),
          'END:VCARD',
        ].join('\n')
      : undefined;
  return { phone_number: phone, first_name: c.name || phone, ...(vcard ? { vcard } : {}) };
}

/** one Bot API call per message: the request a content type builds, then the call and the receipt */
function via<T extends ContentType>(
  build: (
    message: OutboundMessage & { content: ContentOf<T> },
    chatId: string,
    reply: Record<string, unknown>,
    ctx: SendContext<TelegramConfig>,
  ) => Promise<{ method: string; params: ApiParams }> | { method: string; params: ApiParams },
): SendHandler<TelegramConfig, T> {
  return async (message, ctx) => {
    const chatId = chatIdOf(message);
    const { method, params } = await build(message, chatId, replyParameters(message, chatId), ctx);
    const result = sentMessageSchema.safeParse(await callBotApi(ctx, method, params));
    if (!result.success)
      throw new ChannelError('UNAVAILABLE', `Telegram sent an unreadable answer to ${method}`, { retryable: false });
    return { providerMessageId: providerMessageId(result.data.chat.id, result.data.message_id) };
  };
}

const media = via<MediaContent['type']>(({ content }, chatId, reply, ctx) => mediaRequest(content, chatId, reply, ctx));

/** what a Telegram bot sends, one handler per content type (https://core.telegram.org/bots/api#available-methods) */
export const telegramSend: SendMap<TelegramConfig> = {
  text: via(({ content }, chatId, reply) => ({
    method: 'sendMessage',
    params: { chat_id: chatId, text: content.text, ...reply },
  })),
  interactive: via(({ content }, chatId, reply) => ({
    method: 'sendMessage',
    params: { chat_id: chatId, ...buttonsParams(content), ...reply },
  })),
  image: media,
  audio: media,
  video: media,
  document: media,
  sticker: media,
  location: via(({ content }, chatId, reply) => ({
    method: 'sendLocation',
    params: { chat_id: chatId, latitude: content.location.latitude, longitude: content.location.longitude, ...reply },
  })),
  contact: via(({ content }, chatId, reply) => ({
    method: 'sendContact',
    params: { chat_id: chatId, ...contactParams(content), ...reply },
  })),
};

/** the "typing…" chat action, shown for 5 s or until our next message */
export async function sendTyping(to: string, ctx: BaseContext<TelegramConfig>): Promise<void> {
  await callBotApi(ctx, 'sendChatAction', { chat_id: to, action: 'typing' });
}
