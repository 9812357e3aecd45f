// Sending, editing and deleting messages, chat actions and callback answers (https://core.telegram.org/bots/api#available-methods; error strings https://core.telegram.org/bots/api#making-requests).
import { isDeepStrictEqual } from 'node:util';
import { BotApiError, tgErrors } from './errors.js';
import { mediaFields, resolveInputFile } from './input-files.js';
import type { BotMethod, MethodContext } from './method-context.js';
import { formatText, type FormattedText } from './parse-mode.js';
import type { ChatRecord, FileKind, StoredMessage } from './state.js';
import type { TgInlineKeyboardButton, TgInlineKeyboardMarkup, TgMessage } from './types.js';

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const DELETE_WINDOW_MS = 48 * 3600 * 1000;
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);
const BUTTON_ACTIONS = [
  'callback_data',
  'url',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'callback_game',
  'pay',
  'web_app',
  'copy_text',
];

/** Reads `reply_markup`; returns the inline keyboard (the only kind echoed in Message.reply_markup). */
function readReplyMarkup(ctx: MethodContext): TgInlineKeyboardMarkup | undefined {
  const markup = ctx.params.json<unknown>('reply_markup', tgErrors.replyMarkupUnparseable);
  if (markup === undefined) return undefined;
  if (typeof markup !== 'object' || markup === null || Array.isArray(markup)) throw tgErrors.replyMarkupUnparseable();
  const keyboard = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (keyboard === undefined) return undefined; // keyboard / remove_keyboard / force_reply: accepted, not echoed
  if (!Array.isArray(keyboard) || keyboard.some((row) => !Array.isArray(row))) {
    throw new BotApiError(
      400,
      'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
    );
  }
  for (const row of keyboard as unknown[][]) {
    for (const button of row) {
      if (
        typeof button !== 'object' ||
        button === null ||
        typeof (button as TgInlineKeyboardButton).text !== 'string'
      ) {
        throw new BotApiError(
          400,
          'Bad Request: can\'t parse inline keyboard button: Field "text" must be of type String',
        );
      }
      const b = button as TgInlineKeyboardButton;
      if (!BUTTON_ACTIONS.some((k) => b[k] !== undefined)) throw tgErrors.inlineButtonWithoutAction();
      if (b.callback_data !== undefined) {
        const bytes = Buffer.byteLength(String(b.callback_data), 'utf8');
        if (bytes < 1 || bytes > 64) throw tgErrors.buttonDataInvalid();
      }
    }
  }
  const rows = (keyboard as TgInlineKeyboardButton[][]).filter((row) => row.length > 0);
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}

/** `reply_parameters` (or legacy `reply_to_message_id`): the quoted message, or the documented 400. */
function readReplyTo(ctx: MethodContext, chat: ChatRecord): TgMessage | undefined {
  const rp = ctx.params.json<{ message_id?: unknown; allow_sending_without_reply?: unknown }>(
    'reply_parameters',
    () => new BotApiError(400, "Bad Request: can't parse reply parameters JSON object"),
  );
  const id = rp ? Number(rp.message_id) : ctx.params.int('reply_to_message_id');
  if (id === undefined || !Number.isFinite(id) || id === 0) return undefined;
  const allowMissing = rp ? rp.allow_sending_without_reply === true : ctx.params.bool('allow_sending_without_reply');
  const target = chat.messages.get(id);
  if (!target || target.deleted) {
    if (allowMissing) return undefined;
    throw tgErrors.replyNotFound();
  }
  const { reply_to_message: _nested, ...quoted } = target.message;
  return quoted;
}

function readCaption(ctx: MethodContext): FormattedText | undefined {
  const caption = ctx.params.str('caption');
  if (caption === undefined || caption === '') return undefined;
  const f = formatText(
    caption,
    ctx.params.str('parse_mode'),
    ctx.params.json('caption_entities', () => tgErrors.cantParseEntities('bad caption_entities')),
  );
  if (f.text.length > MAX_CAPTION) throw tgErrors.captionTooLong();
  return f.text === '' ? undefined : f;
}

/** Common tail of every send: chat checks, flood control, reply, markup, store. */
function deliver(ctx: MethodContext, chat: ChatRecord, fields: Partial<TgMessage>): TgMessage {
  const replyTo = readReplyTo(ctx, chat);
  const markup = readReplyMarkup(ctx);
  ctx.rt.flood.charge(ctx.bot.user.id, chat.chat, ctx.rt.clock.now());
  const message: Omit<TgMessage, 'message_id' | 'chat' | 'date'> = { from: ctx.bot.user };
  if (replyTo) message.reply_to_message = replyTo;
  Object.assign(message, fields);
  if (markup) message.reply_markup = markup;
  if (ctx.params.bool('protect_content')) message.has_protected_content = true;
  return ctx.rt.state.addMessage(chat, message, 'outbound', ctx.method);
}

function targetChat(ctx: MethodContext): ChatRecord {
  return ctx.rt.state.chatForBotSend(ctx.bot, ctx.params.chatId());
}

const sendMessage: BotMethod = (ctx) => {
  const chatId = ctx.params.chatId();
  const f = formatText(
    ctx.params.str('text') ?? '',
    ctx.params.str('parse_mode'),
    ctx.params.json('entities', () => tgErrors.cantParseEntities('bad entities')),
  );
  if (f.text === '') throw tgErrors.textEmpty();
  if (f.text.length > MAX_TEXT) throw tgErrors.textTooLong();
  const chat = ctx.rt.state.chatForBotSend(ctx.bot, chatId);
  const fields: Partial<TgMessage> = { text: f.text };
  if (f.entities.length > 0) fields.entities = f.entities;
  const preview = ctx.params.json<Record<string, unknown>>(
    'link_preview_options',
    () => new BotApiError(400, "Bad Request: can't parse link preview options JSON object"),
  );
  if (preview && Object.keys(preview).length > 0) fields.link_preview_options = preview;
  return deliver(ctx, chat, fields);
};

function sendFile(field: string, kind: FileKind, captioned = true): BotMethod {
  return async (ctx) => {
    const chat = targetChat(ctx);
    const caption = captioned ? readCaption(ctx) : undefined;
    const file = await resolveInputFile(ctx, field, kind);
    const fields = mediaFields(ctx.rt.state, ctx.bot, file, kind, {
      duration: ctx.params.int('duration'),
      width: ctx.params.int('width'),
      height: ctx.params.int('height'),
      performer: ctx.params.str('performer'),
      title: ctx.params.str('title'),
      emoji: ctx.params.str('emoji'),
    });
    if (caption) {
      fields.caption = caption.text;
      if (caption.entities.length > 0) fields.caption_entities = caption.entities;
    }
    return deliver(ctx, chat, fields);
  };
}

const sendLocation: BotMethod = (ctx) => {
  const chat = targetChat(ctx);
  const latitude = ctx.params.num('latitude');
  const longitude = ctx.params.num('longitude');
  if (latitude === undefined) throw tgErrors.parameterMissing('latitude');
  if (longitude === undefined) throw tgErrors.parameterMissing('longitude');
  if (Math.abs(latitude) > 90) throw tgErrors.invalidParameter('wrong latitude specified');
  if (Math.abs(longitude) > 180) throw tgErrors.invalidParameter('wrong longitude specified');
  return deliver(ctx, chat, { location: { latitude, longitude } });
};

const sendContact: BotMethod = (ctx) => {
  const chat = targetChat(ctx);
  const phone = ctx.params.str('phone_number');
  const firstName = ctx.params.str('first_name');
  if (!phone) throw tgErrors.parameterMissing('phone_number');
  if (!firstName) throw tgErrors.parameterMissing('first_name');
  const contact: NonNullable<TgMessage['contact']> = { phone_number: phone, first_name: firstName };
  const last = ctx.params.str('last_name');
  if (last) contact.last_name = last;
  const vcard = ctx.params.str('vcard');
  if (vcard) contact.vcard = vcard;
  return deliver(ctx, chat, { contact });
};

const sendChatAction: BotMethod = (ctx) => {
  const chatId = ctx.params.chatId();
  const action = ctx.params.str('action') ?? '';
  if (!CHAT_ACTIONS.has(action)) throw tgErrors.wrongChatAction();
  const chat = ctx.rt.state.chatForBotSend(ctx.bot, chatId);
  chat.actions.push({ chatId: chat.chat.id, action, at: ctx.rt.clock.now() });
  if (chat.actions.length > 1000) chat.actions.splice(0, chat.actions.length - 1000);
  return true;
};

/** The bot's own message addressed by chat_id + message_id (edits). */
function editableMessage(ctx: MethodContext): StoredMessage {
  if (ctx.params.has('inline_message_id')) throw tgErrors.invalidParameter('MESSAGE_ID_INVALID');
  const chat = ctx.rt.state.knownChat(ctx.bot, ctx.params.chatId());
  const id = ctx.params.int('message_id');
  if (id === undefined) throw tgErrors.invalidParameter('message identifier is not specified');
  const stored = chat.messages.get(id);
  if (!stored || stored.deleted) throw tgErrors.messageToEditNotFound();
  if (stored.direction !== 'outbound') throw tgErrors.messageCantBeEdited();
  return stored;
}

function applyEdit(
  ctx: MethodContext,
  stored: StoredMessage,
  changes: Partial<TgMessage>,
  markup: TgInlineKeyboardMarkup | undefined,
): TgMessage {
  const next: TgMessage = { ...stored.message, ...changes };
  for (const [k, v] of Object.entries(changes))
    if (v === undefined) delete (next as unknown as Record<string, unknown>)[k];
  // an edit without reply_markup removes the inline keyboard
  if (markup) next.reply_markup = markup;
  else delete next.reply_markup;
  const before = { ...stored.message };
  delete before.edit_date;
  const after = { ...next };
  delete after.edit_date;
  if (isDeepStrictEqual(before, after)) throw tgErrors.notModified();
  next.edit_date = ctx.rt.clock.unix();
  stored.message = next;
  return next;
}

const editMessageText: BotMethod = (ctx) => {
  const stored = editableMessage(ctx);
  if (stored.message.text === undefined) throw tgErrors.noTextToEdit();
  const f = formatText(
    ctx.params.str('text') ?? '',
    ctx.params.str('parse_mode'),
    ctx.params.json('entities', () => tgErrors.cantParseEntities('bad entities')),
  );
  if (f.text === '') throw tgErrors.textEmpty();
  if (f.text.length > MAX_TEXT) throw tgErrors.textTooLong();
  return applyEdit(
    ctx,
    stored,
    { text: f.text, entities: f.entities.length > 0 ? f.entities : undefined },
    readReplyMarkup(ctx),
  );
};

const editMessageCaption: BotMethod = (ctx) => {
  const stored = editableMessage(ctx);
  if (stored.message.text !== undefined) throw tgErrors.invalidParameter('there is no caption in the message to edit');
  const caption = readCaption(ctx);
  return applyEdit(
    ctx,
    stored,
    { caption: caption?.text, caption_entities: caption && caption.entities.length > 0 ? caption.entities : undefined },
    readReplyMarkup(ctx),
  );
};

const editMessageReplyMarkup: BotMethod = (ctx) => applyEdit(ctx, editableMessage(ctx), {}, readReplyMarkup(ctx));

const deleteMessage: BotMethod = (ctx) => {
  const chat = ctx.rt.state.knownChat(ctx.bot, ctx.params.chatId());
  const id = ctx.params.int('message_id');
  const stored = id === undefined ? undefined : chat.messages.get(id);
  if (!stored || stored.deleted) throw tgErrors.messageToDeleteNotFound();
  if (ctx.rt.clock.now() - stored.at > DELETE_WINDOW_MS) throw tgErrors.messageCantBeDeleted();
  stored.deleted = true;
  return true;
};

const answerCallbackQuery: BotMethod = (ctx) => {
  const id = ctx.params.str('callback_query_id') ?? '';
  const rec = ctx.bot.callbackQueries.get(id);
  const now = ctx.rt.clock.now();
  if (!rec || rec.answered || now - rec.createdAt > ctx.rt.settings.callbackQueryTtlMs)
    throw tgErrors.callbackQueryTooOld();
  rec.answered = true;
  ctx.bot.callbackAnswers.push({
    callbackQueryId: id,
    text: ctx.params.str('text'),
    showAlert: ctx.params.bool('show_alert'),
    url: ctx.params.str('url'),
    cacheTime: ctx.params.int('cache_time'),
    at: now,
  });
  return true;
};

export const messageMethods: Record<string, BotMethod> = {
  sendmessage: sendMessage,
  sendphoto: sendFile('photo', 'photo'),
  senddocument: sendFile('document', 'document'),
  sendvoice: sendFile('voice', 'voice'),
  sendaudio: sendFile('audio', 'audio'),
  sendvideo: sendFile('video', 'video'),
  sendanimation: sendFile('animation', 'animation'),
  sendsticker: sendFile('sticker', 'sticker', false),
  sendlocation: sendLocation,
  sendcontact: sendContact,
  sendchataction: sendChatAction,
  editmessagetext: editMessageText,
  editmessagecaption: editMessageCaption,
  editmessagereplymarkup: editMessageReplyMarkup,
  deletemessage: deleteMessage,
  answercallbackquery: answerCallbackQuery,
};
