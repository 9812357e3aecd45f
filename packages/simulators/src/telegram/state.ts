// In-memory Telegram world: bots, users, chats, per-chat message ids, files and each bot's pending update queue
// (https://core.telegram.org/bots/api#available-methods, https://core.telegram.org/bots/api#update, https://core.telegram.org/bots/api#getting-updates).
import { createHash, randomInt } from 'node:crypto';
import type { SimClock } from '../clock.js';
import { randomAlnum, randomBase64Url, randomDigits } from '../random-ids.js';
import { tgErrors } from './errors.js';
import type { TgBotUser, TgChat, TgMessage, TgUpdate, TgUpdateKind, TgUser } from './types.js';

export type FileKind = 'photo' | 'document' | 'voice' | 'audio' | 'video' | 'animation' | 'sticker';

export interface FileRecord {
  fileId: string;
  fileUniqueId: string;
  botId: number;
  kind: FileKind;
  data: Buffer;
  filePath: string;
  mimeType?: string | undefined;
  fileName?: string | undefined;
}

export interface StoredMessage {
  message: TgMessage;
  direction: 'inbound' | 'outbound';
  deleted: boolean;
  /** Simulated time the message was stored, ms. */
  at: number;
  /** The Bot API method that produced an outbound message (`sendMessage`, `sendPhoto`, …). */
  method?: string;
}

export interface ChatActionRecord {
  chatId: number;
  action: string;
  at: number;
}

export interface ChatRecord {
  chat: TgChat;
  /** A private chat is usable by the bot once the user wrote to it (or was created with `startedWith`). */
  started: boolean;
  blocked: boolean;
  nextMessageId: number;
  messages: Map<number, StoredMessage>;
  actions: ChatActionRecord[];
}

export interface WebhookConfig {
  url: string;
  secretToken?: string | undefined;
  maxConnections: number;
  ipAddress?: string | undefined;
  hasCustomCertificate: boolean;
}

export interface PendingUpdate {
  update: TgUpdate;
  kind: TgUpdateKind;
  /** Updates of one chat are delivered in order; others in parallel (tdlib WebhookActor queue_id). */
  queueKey: string;
  createdAt: number;
  expiresAt: number;
}

export interface CallbackQueryRecord {
  id: string;
  chatId: number | undefined;
  messageId: number | undefined;
  fromUserId: number;
  data: string | undefined;
  createdAt: number;
  answered: boolean;
}

export interface CallbackAnswerRecord {
  callbackQueryId: string;
  text?: string | undefined;
  showAlert: boolean;
  url?: string | undefined;
  cacheTime?: number | undefined;
  at: number;
}

export interface BotRecord {
  token: string;
  user: TgBotUser;
  webhook: WebhookConfig | null;
  /** null = Telegram's default (everything except chat_member, message_reaction, message_reaction_count). */
  allowedUpdates: string[] | null;
  nextUpdateId: number;
  /** Unconfirmed updates in update_id order (Map keeps insertion order). */
  updates: Map<number, PendingUpdate>;
  lastErrorDate?: number | undefined;
  lastErrorMessage?: string | undefined;
  chats: Map<number, ChatRecord>;
  callbackQueries: Map<string, CallbackQueryRecord>;
  callbackAnswers: CallbackAnswerRecord[];
  nextFileSeq: number;
}

export interface UserRecord {
  user: TgUser;
  deactivated: boolean;
}

export interface GroupRecord {
  chat: TgChat;
  members: Set<number>;
  botIds: Set<number>;
}

export interface CreateBotInput {
  /** `<bot id>:<secret>`; generated when omitted. */
  token?: string;
  username?: string;
  firstName?: string;
  canJoinGroups?: boolean;
  canReadAllGroupMessages?: boolean;
  supportsInlineQueries?: boolean;
}

export interface CreateUserInput {
  id?: number;
  firstName?: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
  isPremium?: boolean;
  /** Bot tokens this user has already started (the bot may message them without an update being generated). */
  startedWith?: string[];
}

export interface CreateGroupInput {
  title: string;
  type?: 'group' | 'supergroup' | 'channel';
  username?: string;
  /** User ids in the group. */
  members?: number[];
  /** Tokens of bots that are members. */
  botTokens?: string[];
}

const DEFAULT_EXCLUDED_UPDATES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const UPDATE_TTL_MS = 86_400_000; // Client.cpp keeps most updates 86400 s

const FILE_DIRS: Record<FileKind, { dir: string; ext: string; prefix: string }> = {
  photo: { dir: 'photos', ext: 'jpg', prefix: 'AgACAgIAAxkBAAI' },
  document: { dir: 'documents', ext: '', prefix: 'BQACAgIAAxkBAAI' },
  voice: { dir: 'voice', ext: 'oga', prefix: 'AwACAgIAAxkBAAI' },
  audio: { dir: 'music', ext: 'mp3', prefix: 'CQACAgIAAxkBAAI' },
  video: { dir: 'videos', ext: 'mp4', prefix: 'BAACAgIAAxkBAAI' },
  animation: { dir: 'animations', ext: 'mp4', prefix: 'CgACAgIAAxkBAAI' },
  sticker: { dir: 'stickers', ext: 'webp', prefix: 'CAACAgIAAxkBAAI' },
};

export class TelegramState {
  readonly bots = new Map<number, BotRecord>();
  readonly users = new Map<number, UserRecord>();
  readonly groups = new Map<number, GroupRecord>();
  readonly files = new Map<string, FileRecord>();
  private readonly filesByPath = new Map<string, FileRecord>();
  private readonly updateListeners = new Set<(bot: BotRecord) => void>();

  constructor(
    readonly clock: SimClock,
    private readonly updateTtlMs: number = UPDATE_TTL_MS,
  ) {}

  onUpdate(listener: (bot: BotRecord) => void): void {
    this.updateListeners.add(listener);
  }

  // ------------------------------------------------------------------------------------------------ bots & users

  createBot(input: CreateBotInput = {}): BotRecord {
    let token = input.token;
    if (token !== undefined && !/^\d+:[\w-]+$/.test(token))
      throw new Error(`bot token must look like <id>:<secret>, got ${token}`);
    token ??= `${randomDigits(10)}:AA${randomBase64Url(25).slice(0, 33)}`;
    const id = Number(token.split(':')[0]);
    if (this.bots.has(id)) throw new Error(`a bot with id ${id} already exists`);
    const username = input.username ?? `sim_${id}_bot`;
    const bot: BotRecord = {
      token,
      user: {
        id,
        is_bot: true,
        first_name: input.firstName ?? 'Switchboard Sim Bot',
        username,
        can_join_groups: input.canJoinGroups ?? true,
        can_read_all_group_messages: input.canReadAllGroupMessages ?? false,
        supports_inline_queries: input.supportsInlineQueries ?? false,
        can_connect_to_business: false,
        has_main_web_app: false,
      },
      webhook: null,
      allowedUpdates: null,
      nextUpdateId: randomInt(10_000_000, 900_000_000),
      updates: new Map(),
      chats: new Map(),
      callbackQueries: new Map(),
      callbackAnswers: [],
      nextFileSeq: 0,
    };
    this.bots.set(id, bot);
    return bot;
  }

  /** The bot for a token, or undefined (→ 401 Unauthorized). */
  botByToken(token: string): BotRecord | undefined {
    const id = Number(token.split(':')[0]);
    const bot = this.bots.get(id);
    return bot && bot.token === token ? bot : undefined;
  }

  requireBot(token: unknown): BotRecord {
    const bot = typeof token === 'string' ? this.botByToken(token) : undefined;
    if (!bot) throw new Error(`unknown bot token ${String(token)}`);
    return bot;
  }

  createUser(input: CreateUserInput = {}): TgUser {
    // ids above 2^31 on purpose: real user ids need 52 bits (a hub storing int32 breaks)
    const id = input.id ?? randomInt(5_000_000_000, 8_000_000_000);
    if (this.users.has(id)) throw new Error(`a user with id ${id} already exists`);
    const user: TgUser = { id, is_bot: false, first_name: input.firstName ?? 'Customer' };
    if (input.lastName) user.last_name = input.lastName;
    if (input.username) user.username = input.username;
    user.language_code = input.languageCode ?? 'en';
    if (input.isPremium) user.is_premium = true;
    this.users.set(id, { user, deactivated: false });
    for (const token of input.startedWith ?? []) this.privateChat(this.requireBot(token), id).started = true;
    return user;
  }

  requireUser(id: unknown): UserRecord {
    const rec = this.users.get(Number(id));
    if (!rec) throw new Error(`unknown user ${String(id)}`);
    return rec;
  }

  createGroup(input: CreateGroupInput): TgChat {
    const type = input.type ?? 'group';
    const id = type === 'group' ? -randomInt(4_000_000_000, 4_900_000_000) : -Number(`100${randomDigits(10)}`);
    const chat: TgChat = { id, type, title: input.title };
    if (input.username) chat.username = input.username;
    const group: GroupRecord = { chat, members: new Set(input.members ?? []), botIds: new Set() };
    for (const m of group.members) this.requireUser(m);
    for (const token of input.botTokens ?? []) group.botIds.add(this.requireBot(token).user.id);
    this.groups.set(id, group);
    return chat;
  }

  // ----------------------------------------------------------------------------------------------------- chats

  privateChat(bot: BotRecord, userId: number): ChatRecord {
    let rec = bot.chats.get(userId);
    if (!rec) {
      const { user } = this.requireUser(userId);
      const chat: TgChat = { id: user.id, type: 'private', first_name: user.first_name };
      if (user.last_name) chat.last_name = user.last_name;
      if (user.username) chat.username = user.username;
      rec = { chat, started: false, blocked: false, nextMessageId: 1, messages: new Map(), actions: [] };
      bot.chats.set(userId, rec);
    }
    return rec;
  }

  groupChat(bot: BotRecord, chatId: number): ChatRecord | undefined {
    const group = this.groups.get(chatId);
    if (!group) return undefined;
    let rec = bot.chats.get(chatId);
    if (!rec) {
      rec = { chat: group.chat, started: true, blocked: false, nextMessageId: 1, messages: new Map(), actions: [] };
      bot.chats.set(chatId, rec);
    }
    return rec;
  }

  /** The chat a customer action happens in: the user's private chat, or a group they belong to. */
  chatForCustomer(bot: BotRecord, userId: number, chatId?: number): ChatRecord {
    if (chatId === undefined || chatId === userId) return this.privateChat(bot, userId);
    const group = this.groups.get(chatId);
    if (!group) throw new Error(`unknown chat ${chatId}`);
    if (!group.members.has(userId)) throw new Error(`user ${userId} is not a member of chat ${chatId}`);
    if (!group.botIds.has(bot.user.id)) throw new Error(`bot ${bot.user.id} is not a member of chat ${chatId}`);
    return this.groupChat(bot, chatId) as ChatRecord;
  }

  /** The chat a bot sends to, applying Telegram's checks (chat not found, blocked, deactivated, not started). */
  chatForBotSend(bot: BotRecord, chatId: number | string): ChatRecord {
    if (typeof chatId === 'string') {
      const name = chatId.slice(1).toLowerCase();
      const group = [...this.groups.values()].find((g) => g.chat.username?.toLowerCase() === name);
      if (!group) throw tgErrors.chatNotFound();
      chatId = group.chat.id;
    }
    if (chatId > 0) {
      // a simulated user the bot never talked to exists for Telegram (403 below); an unknown id is "chat not found"
      const user = this.users.get(chatId);
      if (!user) throw tgErrors.chatNotFound();
      const rec = this.privateChat(bot, chatId);
      if (user.deactivated) throw tgErrors.userDeactivated();
      if (rec.blocked) throw tgErrors.blockedByUser();
      if (!rec.started) throw tgErrors.cantInitiate();
      return rec;
    }
    const group = this.groups.get(chatId);
    if (!group) throw tgErrors.chatNotFound();
    if (!group.botIds.has(bot.user.id))
      throw tgErrors.notGroupMember(group.chat.type === 'private' ? 'group' : (group.chat.type as 'group'));
    return this.groupChat(bot, chatId) as ChatRecord;
  }

  /** A chat the bot already knows (for edits/deletes), without send permission checks. */
  knownChat(bot: BotRecord, chatId: number | string): ChatRecord {
    if (typeof chatId === 'string') {
      const name = chatId.slice(1).toLowerCase();
      const group = [...this.groups.values()].find((g) => g.chat.username?.toLowerCase() === name);
      if (!group) throw tgErrors.chatNotFound();
      chatId = group.chat.id;
    }
    const rec = bot.chats.get(chatId) ?? (chatId < 0 ? this.groupChat(bot, chatId) : undefined);
    if (!rec) throw tgErrors.chatNotFound();
    return rec;
  }

  addMessage(
    chat: ChatRecord,
    fields: Omit<TgMessage, 'message_id' | 'chat' | 'date'>,
    direction: StoredMessage['direction'],
    method?: string,
  ): TgMessage {
    // key order as Telegram sends it: message_id, from, chat, date, …
    const ordered: TgMessage = {
      message_id: chat.nextMessageId++,
      ...(fields.from ? { from: fields.from } : {}),
      chat: chat.chat,
      date: this.clock.unix(),
      ...fields,
    };
    const stored: StoredMessage = { message: ordered, direction, deleted: false, at: this.clock.now() };
    if (method) stored.method = method;
    chat.messages.set(ordered.message_id, stored);
    return ordered;
  }

  // ----------------------------------------------------------------------------------------------------- files

  addFile(
    bot: BotRecord,
    kind: FileKind,
    data: Buffer,
    meta: { mimeType?: string | undefined; fileName?: string | undefined },
  ): FileRecord {
    const spec = FILE_DIRS[kind];
    const seq = bot.nextFileSeq++;
    const ext = spec.ext || extensionOf(meta.fileName) || 'bin';
    const filePath = `${spec.dir}/file_${seq}.${ext}`;
    const rec: FileRecord = {
      fileId: `${spec.prefix}${randomBase64Url(45)}`,
      fileUniqueId: `AQAD${createHash('sha256').update(data).update(String(bot.user.id)).digest('base64url').slice(0, 12)}`,
      botId: bot.user.id,
      kind,
      data,
      filePath,
      mimeType: meta.mimeType,
      fileName: meta.fileName,
    };
    this.files.set(rec.fileId, rec);
    this.filesByPath.set(`${bot.user.id}/${filePath}`, rec);
    return rec;
  }

  /** A derived file (e.g. a smaller photo size) sharing the original's bytes but with its own ids. */
  addDerivedFile(original: FileRecord, bot: BotRecord, suffix: string): FileRecord {
    const rec: FileRecord = {
      ...original,
      fileId: `${FILE_DIRS[original.kind].prefix}${randomBase64Url(45)}`,
      fileUniqueId: `AQAD${randomAlnum(8)}${suffix}`,
      filePath: original.filePath.replace(/(\.\w+)?$/, `_${suffix}$1`),
    };
    this.files.set(rec.fileId, rec);
    this.filesByPath.set(`${bot.user.id}/${rec.filePath}`, rec);
    return rec;
  }

  fileByPath(bot: BotRecord, path: string): FileRecord | undefined {
    return this.filesByPath.get(`${bot.user.id}/${path}`);
  }

  // --------------------------------------------------------------------------------------------------- updates

  isAllowed(bot: BotRecord, kind: TgUpdateKind): boolean {
    if (bot.allowedUpdates === null || bot.allowedUpdates.length === 0) return !DEFAULT_EXCLUDED_UPDATES.has(kind);
    return bot.allowedUpdates.includes(kind);
  }

  /** Queues an update (dropped like Telegram does when not in allowed_updates). Returns it, or undefined if filtered. */
  pushUpdate<K extends TgUpdateKind>(
    bot: BotRecord,
    kind: K,
    payload: NonNullable<TgUpdate[K]>,
    queueKey: string,
  ): TgUpdate | undefined {
    if (!this.isAllowed(bot, kind)) return undefined;
    const update = { update_id: bot.nextUpdateId++, [kind]: payload } as TgUpdate;
    const now = this.clock.now();
    bot.updates.set(update.update_id, { update, kind, queueKey, createdAt: now, expiresAt: now + this.updateTtlMs });
    for (const l of this.updateListeners) l(bot);
    return update;
  }

  /** Removes expired updates (they live 24 h). */
  expireUpdates(bot: BotRecord): void {
    const now = this.clock.now();
    for (const [id, u] of bot.updates) if (u.expiresAt < now) bot.updates.delete(id);
  }

  dropPendingUpdates(bot: BotRecord): void {
    bot.updates.clear();
  }
}

function extensionOf(name: string | undefined): string | undefined {
  const m = name ? /\.([A-Za-z0-9]{1,8})$/.exec(name) : null;
  return m?.[1]?.toLowerCase();
}
