// What simulated Telegram users do: write, send media/location/contact, edit, press inline buttons, block the bot.
// Each action becomes an Update in the bot's queue (https://core.telegram.org/bots/api#update).
import { randomInt } from 'node:crypto';
import { storeUpload, mediaFields } from './input-files.js';
import { detectEntities } from './parse-mode.js';
import type { BotRecord, ChatRecord, FileKind, TelegramState } from './state.js';
import type { TgCallbackQuery, TgChatMemberUpdated, TgMessage, TgMessageEntity, TgUpdate } from './types.js';

export interface CustomerTarget {
  /** The bot the user talks to. */
  token: string;
  /** The user's id (see createUser). */
  from: number;
  /** A group chat id; omitted = the private chat with the bot. */
  chatId?: number;
}

export interface CustomerMessageResult {
  message: TgMessage;
  /** The queued update; undefined when the bot doesn't get it (allowed_updates, group privacy mode). */
  update: TgUpdate | undefined;
}

export interface SendTextInput extends CustomerTarget {
  text: string;
  /** Explicit entities; default: Telegram's automatic ones (bot_command, url, mention, hashtag, email). */
  entities?: TgMessageEntity[];
  /** message_id (in the same chat) this message replies to. */
  replyToMessageId?: number;
}

export interface SendMediaInput extends CustomerTarget {
  kind: FileKind;
  data?: Buffer | Uint8Array | string;
  dataBase64?: string;
  fileName?: string;
  mimeType?: string;
  caption?: string;
  duration?: number;
  width?: number;
  height?: number;
  replyToMessageId?: number;
}

export class TelegramCustomers {
  constructor(private readonly state: TelegramState) {}

  private chat(t: CustomerTarget): { bot: BotRecord; chat: ChatRecord } {
    const bot = this.state.requireBot(t.token);
    const user = this.state.requireUser(t.from);
    if (user.deactivated) throw new Error(`user ${t.from} is deactivated`);
    const chat = this.state.chatForCustomer(bot, Number(t.from), t.chatId === undefined ? undefined : Number(t.chatId));
    if (chat.chat.type === 'private') {
      chat.started = true;
      if (chat.blocked) this.setBlocked(bot, chat, false);
    }
    return { bot, chat };
  }

  private post(
    bot: BotRecord,
    chat: ChatRecord,
    fields: Omit<TgMessage, 'message_id' | 'chat' | 'date'>,
    replyTo?: number,
  ): CustomerMessageResult {
    if (replyTo !== undefined) {
      const target = chat.messages.get(Number(replyTo));
      if (!target) throw new Error(`no message ${replyTo} in chat ${chat.chat.id}`);
      const { reply_to_message: _n, ...quoted } = target.message;
      fields = { ...fields, reply_to_message: quoted };
    }
    const message = this.state.addMessage(chat, fields, 'inbound');
    if (!this.botSees(bot, chat, message)) return { message, update: undefined };
    return { message, update: this.state.pushUpdate(bot, 'message', message, String(chat.chat.id)) };
  }

  /** Group privacy mode: without can_read_all_group_messages a bot sees commands, mentions and replies to itself. */
  private botSees(bot: BotRecord, chat: ChatRecord, m: TgMessage): boolean {
    if (chat.chat.type === 'private' || bot.user.can_read_all_group_messages) return true;
    const text = m.text ?? m.caption ?? '';
    if (text.startsWith('/')) return true;
    if (bot.user.username && text.toLowerCase().includes(`@${bot.user.username.toLowerCase()}`)) return true;
    return m.reply_to_message?.from?.id === bot.user.id;
  }

  sendText(input: SendTextInput): CustomerMessageResult {
    const { bot, chat } = this.chat(input);
    if (!input.text) throw new Error('text is required');
    const user = this.state.requireUser(input.from).user;
    const entities = input.entities ?? detectEntities(input.text);
    return this.post(
      bot,
      chat,
      { from: user, text: input.text, ...(entities.length ? { entities } : {}) },
      input.replyToMessageId,
    );
  }

  sendMedia(input: SendMediaInput & { bytes: Buffer }): CustomerMessageResult {
    const { bot, chat } = this.chat(input);
    const user = this.state.requireUser(input.from).user;
    const file = storeUpload(this.state, bot, input.kind, {
      field: input.kind,
      filename: input.fileName,
      contentType: input.mimeType,
      data: input.bytes,
    });
    const fields = mediaFields(this.state, bot, file, input.kind, {
      duration: input.duration,
      width: input.width,
      height: input.height,
    });
    if (input.caption) {
      fields.caption = input.caption;
      const entities = detectEntities(input.caption);
      if (entities.length) fields.caption_entities = entities;
    }
    return this.post(bot, chat, { from: user, ...fields }, input.replyToMessageId);
  }

  sendLocation(input: CustomerTarget & { latitude: number; longitude: number }): CustomerMessageResult {
    const { bot, chat } = this.chat(input);
    const user = this.state.requireUser(input.from).user;
    return this.post(bot, chat, {
      from: user,
      location: { latitude: Number(input.latitude), longitude: Number(input.longitude) },
    });
  }

  sendContact(
    input: CustomerTarget & {
      phoneNumber: string;
      firstName: string;
      lastName?: string;
      userId?: number;
      vcard?: string;
    },
  ): CustomerMessageResult {
    const { bot, chat } = this.chat(input);
    const user = this.state.requireUser(input.from).user;
    const contact: NonNullable<TgMessage['contact']> = {
      phone_number: String(input.phoneNumber),
      first_name: input.firstName,
    };
    if (input.lastName) contact.last_name = input.lastName;
    if (input.userId !== undefined) contact.user_id = Number(input.userId);
    if (input.vcard) contact.vcard = input.vcard;
    return this.post(bot, chat, { from: user, contact });
  }

  /** The user edits one of their earlier text messages → `edited_message` with the same message_id + edit_date. */
  editText(input: CustomerTarget & { messageId: number; text: string }): CustomerMessageResult {
    const { bot, chat } = this.chat(input);
    const stored = chat.messages.get(Number(input.messageId));
    if (!stored || stored.direction !== 'inbound' || stored.message.from?.id !== Number(input.from)) {
      throw new Error(`user ${input.from} has no message ${input.messageId} in chat ${chat.chat.id}`);
    }
    if (stored.message.text === undefined) throw new Error('only text messages can be edited by this simulator');
    const entities = detectEntities(input.text);
    const edited: TgMessage = { ...stored.message, text: input.text, edit_date: this.state.clock.unix() };
    if (entities.length) edited.entities = entities;
    else delete edited.entities;
    stored.message = edited;
    const update = this.botSees(bot, chat, edited)
      ? this.state.pushUpdate(bot, 'edited_message', edited, String(chat.chat.id))
      : undefined;
    return { message: edited, update };
  }

  /** The user taps an inline button of a bot message → `callback_query` (answer it with answerCallbackQuery). */
  pressButton(input: CustomerTarget & { messageId: number; data: string }): {
    callbackQuery: TgCallbackQuery;
    update: TgUpdate | undefined;
  } {
    const { bot, chat } = this.chat(input);
    const stored = chat.messages.get(Number(input.messageId));
    if (!stored || stored.deleted || stored.direction !== 'outbound')
      throw new Error(`no bot message ${input.messageId} in chat ${chat.chat.id}`);
    const buttons = stored.message.reply_markup?.inline_keyboard.flat() ?? [];
    if (!buttons.some((b) => b.callback_data === input.data)) {
      throw new Error(
        `message ${input.messageId} has no inline button with callback_data ${JSON.stringify(input.data)}`,
      );
    }
    const user = this.state.requireUser(input.from).user;
    const callbackQuery: TgCallbackQuery = {
      id: String(BigInt(randomInt(1, 2 ** 46)) * 100_000n + BigInt(randomInt(0, 100_000))),
      from: user,
      message: stored.message,
      chat_instance: chatInstance(bot.user.id, chat.chat.id),
      data: input.data,
    };
    bot.callbackQueries.set(callbackQuery.id, {
      id: callbackQuery.id,
      chatId: chat.chat.id,
      messageId: stored.message.message_id,
      fromUserId: user.id,
      data: input.data,
      createdAt: this.state.clock.now(),
      answered: false,
    });
    const update = this.state.pushUpdate(bot, 'callback_query', callbackQuery, String(chat.chat.id));
    return { callbackQuery, update };
  }

  /** The user blocks (or unblocks) the bot: sends fail with 403 and the bot gets `my_chat_member`. */
  setBlockedByUser(input: { token: string; userId: number; blocked: boolean }): TgUpdate | undefined {
    const bot = this.state.requireBot(input.token);
    const chat = this.state.privateChat(bot, Number(input.userId));
    if (chat.blocked === input.blocked) return undefined;
    return this.setBlocked(bot, chat, input.blocked);
  }

  private setBlocked(bot: BotRecord, chat: ChatRecord, blocked: boolean): TgUpdate | undefined {
    chat.blocked = blocked;
    const user = this.state.requireUser(chat.chat.id).user;
    const date = this.state.clock.unix();
    const payload: TgChatMemberUpdated = {
      chat: chat.chat,
      from: user,
      date,
      old_chat_member: blocked
        ? { user: bot.user, status: 'member' }
        : { user: bot.user, status: 'kicked', until_date: 0 },
      new_chat_member: blocked
        ? { user: bot.user, status: 'kicked', until_date: 0 }
        : { user: bot.user, status: 'member' },
    };
    return this.state.pushUpdate(bot, 'my_chat_member', payload, String(chat.chat.id));
  }
}

/** A stable opaque per-(bot, chat) string, like Telegram's chat_instance. */
function chatInstance(botId: number, chatId: number): string {
  const mixed = (BigInt(botId) * 1_000_003n + BigInt(chatId)) % 9_000_000_000_000_000_000n;
  return (mixed < 0n ? -mixed : mixed).toString();
}
