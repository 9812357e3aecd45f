// The Telegram Bot API simulator: routes `/bot<token>/<method>` and `/file/bot<token>/<path>` like api.telegram.org
// (https://core.telegram.org/bots/api#making-requests), plus the `/_control/*` API; wires state, flood control, webhooks and long polling.
import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { SimClock } from '../clock.js';
import { bytesArg, CONTROL_PREFIX, serveControl, type ControlOperation } from '../control/control-router.js';
import { FaultBook } from '../faults/fault-book.js';
import { listen } from '../http/listen.js';
import { MultipartError } from '../http/multipart.js';
import { BodyTooLargeError } from '../http/read-body.js';
import { respondJson, respondRaw } from '../http/respond.js';
import { TimerSet } from '../timer-set.js';
import {
  TelegramCustomers,
  type CustomerMessageResult,
  type CustomerTarget,
  type SendMediaInput,
  type SendTextInput,
} from './customer.js';
import { BotApiError, tgErrors } from './errors.js';
import { LongPolls } from './long-poll.js';
import { Described, type MethodContext, type TelegramRuntime, type TelegramSettings } from './method-context.js';
import { botMethods } from './methods.js';
import { BotParams, readBotParams } from './params.js';
import { DEFAULT_TELEGRAM_RATE_LIMITS, TelegramFloodControl, type TelegramRateLimits } from './rate-limits.js';
import {
  TelegramState,
  type BotRecord,
  type CallbackAnswerRecord,
  type ChatActionRecord,
  type CreateBotInput,
  type CreateGroupInput,
  type CreateUserInput,
} from './state.js';
import type { TgBotUser, TgCallbackQuery, TgChat, TgMessage, TgUpdate, TgUser, TgWebhookInfo } from './types.js';
import { TelegramWebhooks, type TelegramWebhookAttempt } from './webhook-delivery.js';

export interface TelegramSimulatorOptions {
  /** 0 (default) = a random free port. */
  port?: number;
  /** Loopback only; default 127.0.0.1. */
  host?: string;
  /** Bots created at start. Default: one bot, exposed as `defaultBot`. Pass `[]` for none. */
  bots?: CreateBotInput[];
  /** Flood control (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this); `false` disables it. Defaults: 1 msg/s per chat (burst 3), 30/s per bot, 20/min per group. */
  rateLimits?: Partial<TelegramRateLimits> | false;
  /** Multiplies webhook retry delays (1 = Telegram's real 0 s, 2 s, 4 s … capped at 60–120 s). Tests use ~0.001. */
  webhookRetryScale?: number;
  /** How long a webhook receiver may take to answer, ms. Default 60 000. */
  webhookTimeoutMs?: number;
  /** Lifetime of a pending update, ms. Default 24 h (updates are then dropped). */
  updateTtlMs?: number;
  /** How long a callback query stays answerable, ms. Default 15 000. */
  callbackQueryTtlMs?: number;
  /** Enforce HTTPS + ports 80/88/443/8443 in setWebhook like Telegram does. Default false (local receivers are http). */
  strictWebhookUrl?: boolean;
  /** Fetch http(s) InputFile URLs (default true). */
  fetchUrls?: boolean;
  /** Cap of getUpdates `timeout`, seconds. Default 50. */
  longPollMaxTimeoutSeconds?: number;
}

export interface TelegramBotInfo {
  token: string;
  user: TgBotUser;
}

/** The error a faulted call answers with: Telegram's envelope fields. */
export interface TelegramFaultError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface TelegramFaultInput {
  /** Bot API method name (case-insensitive) or `*`. */
  method: string;
  /** Only calls made with this bot token. */
  token?: string;
  /** Number of calls affected (default 1; 0 = until clearFaults). */
  times?: number;
  /** Delay before answering, ms (alone, or before the error). */
  latencyMs?: number;
  /** Answer with this error instead (HTTP status = error_code). */
  error?: TelegramFaultError;
  /** Shortcut for the flood-control 429 "Too Many Requests: retry after N". */
  retryAfter?: number;
  /** Destroy the connection without answering (a network failure). */
  dropConnection?: boolean;
}

export interface TelegramStoredMessage {
  chatId: number;
  direction: 'inbound' | 'outbound';
  /** Bot API method that sent an outbound message. */
  method?: string;
  deleted: boolean;
  message: TgMessage;
}

export interface TelegramApiCall {
  at: number;
  botId: number | undefined;
  method: string;
  httpMethod: string;
  params: Record<string, unknown>;
  status: number;
  ok: boolean;
  description?: string;
}

export interface TelegramSimulator {
  /** Base URL to use as the connector's `apiBaseUrl` (requests go to `${url}/bot<token>/<method>`). */
  readonly url: string;
  /** The bot created at start when `bots` wasn't given. */
  readonly defaultBot: TelegramBotInfo | undefined;
  close(): Promise<void>;

  createBot(input?: CreateBotInput): TelegramBotInfo;
  createUser(input?: CreateUserInput): TgUser;
  createGroup(input: CreateGroupInput): TgChat;
  deactivateUser(input: { userId: number }): void;
  blockBot(input: { token: string; userId: number }): TgUpdate | undefined;
  unblockBot(input: { token: string; userId: number }): TgUpdate | undefined;

  sendText(input: SendTextInput): CustomerMessageResult;
  sendMedia(input: SendMediaInput): CustomerMessageResult;
  sendLocation(input: CustomerTarget & { latitude: number; longitude: number }): CustomerMessageResult;
  sendContact(
    input: CustomerTarget & {
      phoneNumber: string;
      firstName: string;
      lastName?: string;
      userId?: number;
      vcard?: string;
    },
  ): CustomerMessageResult;
  editText(input: CustomerTarget & { messageId: number; text: string }): CustomerMessageResult;
  pressButton(input: CustomerTarget & { messageId: number; data: string }): {
    callbackQuery: TgCallbackQuery;
    update: TgUpdate | undefined;
  };

  messages(input: { token: string; chatId?: number; direction?: 'inbound' | 'outbound' }): TelegramStoredMessage[];
  sentMessages(input: { token: string; chatId?: number }): TelegramStoredMessage[];
  chatActions(input: { token: string; chatId?: number }): ChatActionRecord[];
  callbackAnswers(input: { token: string }): CallbackAnswerRecord[];
  pendingUpdates(input: { token: string }): TgUpdate[];
  webhookInfo(input: { token: string }): TgWebhookInfo & { secret_token?: string };
  webhookAttempts(input?: { token?: string; updateId?: number }): TelegramWebhookAttempt[];
  apiCalls(input?: { token?: string; method?: string }): TelegramApiCall[];

  injectFault(input: TelegramFaultInput): { id: number };
  clearFaults(): void;
  setRateLimits(input: { limits: Partial<TelegramRateLimits> | false }): void;
  advanceClock(input: { ms: number }): void;
  /** Resolves once no webhook delivery is pending or in flight; rejects after `timeoutMs` (default 5000). */
  idle(input?: { timeoutMs?: number }): Promise<void>;
}

const MAX_CALL_LOG = 10_000;
const TOKEN_SHAPE = /^\d+:[\w-]+$/;

export async function startTelegramSimulator(opts: TelegramSimulatorOptions = {}): Promise<TelegramSimulator> {
  const clock = new SimClock();
  const timers = new TimerSet();
  const abort = new AbortController();
  const agent = new Agent({ keepAlive: true, maxSockets: 100 });
  const state = new TelegramState(clock, opts.updateTtlMs);
  const limits = (l: Partial<TelegramRateLimits> | false | undefined) =>
    l === false ? null : { ...DEFAULT_TELEGRAM_RATE_LIMITS, ...l };
  const flood = new TelegramFloodControl(limits(opts.rateLimits));
  const polls = new LongPolls(timers);
  const settings: TelegramSettings = {
    strictWebhookUrl: opts.strictWebhookUrl ?? false,
    fetchUrls: opts.fetchUrls ?? true,
    callbackQueryTtlMs: opts.callbackQueryTtlMs ?? 15_000,
    longPollMaxTimeoutSeconds: opts.longPollMaxTimeoutSeconds ?? 50,
  };
  const faults = new FaultBook<
    TelegramFaultError,
    { retryAfter?: number | undefined; dropConnection?: boolean | undefined }
  >();
  const calls: TelegramApiCall[] = [];
  const customers = new TelegramCustomers(state);

  const webhooks = new TelegramWebhooks({
    state,
    clock,
    timers,
    agent,
    signal: abort.signal,
    options: { retryScale: opts.webhookRetryScale ?? 1, timeoutMs: opts.webhookTimeoutMs ?? 60_000 },
    executeReply: async (bot, method, params) => {
      await invoke(bot, method, BotParams.fromObject(params));
    },
  });
  const rt: TelegramRuntime = { state, clock, timers, flood, webhooks, polls, agent, signal: abort.signal, settings };
  state.onUpdate((bot) => {
    polls.notify(bot.user.id);
    webhooks.kick(bot);
  });

  /** Runs one Bot API method; throws BotApiError. */
  async function invoke(
    bot: BotRecord,
    method: string,
    params: BotParams,
  ): Promise<{ result: unknown; description?: string }> {
    const impl = botMethods[method.toLowerCase()];
    if (!impl) throw tgErrors.methodNotFound();
    const ctx: MethodContext = { rt, bot, params, method };
    const out = await impl(ctx);
    return out instanceof Described ? { result: out.result, description: out.description } : { result: out };
  }

  function logCall(c: TelegramApiCall): void {
    calls.push(c);
    if (calls.length > MAX_CALL_LOG) calls.splice(0, calls.length - MAX_CALL_LOG);
  }

  async function serveApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    token: string,
    method: string,
  ): Promise<void> {
    const call: TelegramApiCall = {
      at: clock.now(),
      botId: undefined,
      method,
      httpMethod: req.method ?? 'GET',
      params: {},
      status: 200,
      ok: true,
    };
    const fail = (err: BotApiError) => {
      call.status = err.errorCode;
      call.ok = false;
      call.description = err.description;
      respondJson(res, err.errorCode, err.toBody(), API_HEADERS);
    };
    try {
      if (!TOKEN_SHAPE.test(token)) throw tgErrors.notFound();
      const bot = state.botByToken(token);
      if (!bot) throw tgErrors.unauthorized();
      call.botId = bot.user.id;
      if (!botMethods[method.toLowerCase()]) throw tgErrors.methodNotFound();
      const params = await readBotParams(req, url);
      call.params = params.summary();
      const fault = faults.take(method, String(bot.user.id));
      if (fault) {
        if (fault.latencyMs) await timers.sleep(fault.latencyMs);
        if (fault.dropConnection) {
          call.status = 0;
          call.ok = false;
          call.description = 'connection dropped (fault)';
          res.destroy();
          return;
        }
        if (fault.error) throw new BotApiError(fault.error.error_code, fault.error.description, fault.error.parameters);
        if (fault.retryAfter !== undefined) throw tgErrors.tooManyRequests(fault.retryAfter);
      }
      const { result, description } = await invoke(bot, method, params);
      respondJson(res, 200, { ok: true, result, ...(description ? { description } : {}) }, API_HEADERS);
    } catch (err) {
      if (err instanceof BotApiError) fail(err);
      else if (err instanceof MultipartError) fail(new BotApiError(400, `Bad Request: ${err.message}`));
      else if (err instanceof BodyTooLargeError) fail(new BotApiError(413, 'Request Entity Too Large'));
      else throw err;
    } finally {
      logCall(call);
    }
  }

  function serveFile(res: ServerResponse, token: string, path: string): void {
    const bot = TOKEN_SHAPE.test(token) ? state.botByToken(token) : undefined;
    if (!bot) {
      respondJson(res, 401, tgErrors.unauthorized().toBody(), API_HEADERS);
      return;
    }
    const file = state.fileByPath(bot, decodeURIComponent(path));
    if (!file) {
      respondJson(res, 404, tgErrors.notFound().toBody(), API_HEADERS);
      return;
    }
    respondRaw(res, 200, file.data, { 'content-type': file.mimeType ?? 'application/octet-stream' });
  }

  const handle: TelegramSimulator = {
    url: '',
    defaultBot: undefined,
    close: async () => {
      abort.abort();
      timers.clear();
      polls.closeAll();
      webhooks.stopAll();
      agent.destroy();
      await server.close();
    },

    createBot: (input) => botInfo(state.createBot(input ?? {})),
    createUser: (input) => state.createUser(input ?? {}),
    createGroup: (input) => state.createGroup(input),
    deactivateUser: ({ userId }) => {
      state.requireUser(userId).deactivated = true;
    },
    blockBot: ({ token, userId }) => customers.setBlockedByUser({ token, userId, blocked: true }),
    unblockBot: ({ token, userId }) => customers.setBlockedByUser({ token, userId, blocked: false }),

    sendText: (input) => customers.sendText(input),
    sendMedia: (input) => customers.sendMedia({ ...input, bytes: bytesArg(input) }),
    sendLocation: (input) => customers.sendLocation(input),
    sendContact: (input) => customers.sendContact(input),
    editText: (input) => customers.editText(input),
    pressButton: (input) => customers.pressButton(input),

    messages: ({ token, chatId, direction }) => {
      const bot = state.requireBot(token);
      const out: TelegramStoredMessage[] = [];
      for (const chat of bot.chats.values()) {
        if (chatId !== undefined && chat.chat.id !== Number(chatId)) continue;
        for (const m of chat.messages.values()) {
          if (direction && m.direction !== direction) continue;
          const view: TelegramStoredMessage = {
            chatId: chat.chat.id,
            direction: m.direction,
            deleted: m.deleted,
            message: m.message,
          };
          if (m.method) view.method = m.method;
          out.push(view);
        }
      }
      return out.sort((a, b) => a.message.date - b.message.date || a.message.message_id - b.message.message_id);
    },
    sentMessages: ({ token, chatId }) =>
      handle.messages({ token, direction: 'outbound', ...(chatId !== undefined ? { chatId } : {}) }),
    chatActions: ({ token, chatId }) => {
      const bot = state.requireBot(token);
      return [...bot.chats.values()]
        .flatMap((c) => c.actions)
        .filter((a) => chatId === undefined || a.chatId === Number(chatId));
    },
    callbackAnswers: ({ token }) => [...state.requireBot(token).callbackAnswers],
    pendingUpdates: ({ token }) => {
      const bot = state.requireBot(token);
      state.expireUpdates(bot);
      return [...bot.updates.values()].map((u) => u.update);
    },
    webhookInfo: ({ token }) => {
      const bot = state.requireBot(token);
      const info = botMethods.getwebhookinfo?.({
        rt,
        bot,
        params: new BotParams(new Map()),
        method: 'getWebhookInfo',
      }) as TgWebhookInfo;
      return bot.webhook?.secretToken ? { ...info, secret_token: bot.webhook.secretToken } : info;
    },
    webhookAttempts: (input = {}) => {
      const botId = input.token ? state.requireBot(input.token).user.id : undefined;
      return webhooks.attempts.filter(
        (a) =>
          (botId === undefined || a.botId === botId) &&
          (input.updateId === undefined || a.updateId === Number(input.updateId)),
      );
    },
    apiCalls: (input = {}) => {
      const botId = input.token ? state.requireBot(input.token).user.id : undefined;
      const method = input.method?.toLowerCase();
      return calls.filter(
        (c) =>
          (botId === undefined || c.botId === botId) && (method === undefined || c.method.toLowerCase() === method),
      );
    },

    injectFault: (input) => {
      if (!input.method) throw new Error('injectFault needs a method');
      const scope = input.token ? String(state.requireBot(input.token).user.id) : undefined;
      return {
        id: faults.add({
          op: input.method,
          scope,
          times: input.times,
          latencyMs: input.latencyMs,
          error: input.error,
          retryAfter: input.retryAfter,
          dropConnection: input.dropConnection,
        }).id,
      };
    },
    clearFaults: () => faults.clear(),
    setRateLimits: ({ limits: l }) => {
      flood.configure(limits(l));
      flood.reset();
    },
    advanceClock: ({ ms }) => clock.advance(Number(ms)),
    idle: async (input = {}) => {
      const deadline = Date.now() + (input.timeoutMs ?? 5000);
      while (!webhooks.isIdle()) {
        if (Date.now() > deadline) throw new Error('telegram simulator: webhook deliveries still pending');
        if (!(await timers.sleep(5))) return;
      }
    },
  };

  const controlOps: Record<string, ControlOperation> = {};
  for (const [name, fn] of Object.entries(handle)) {
    if (typeof fn === 'function' && name !== 'close') controlOps[name] = fn as ControlOperation;
  }
  controlOps.defaultBot = () => handle.defaultBot ?? null;

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname;
    if (path.startsWith(CONTROL_PREFIX)) return serveControl(req, res, url, controlOps);
    const api = /^\/bot([^/]*)\/([^/]*)\/?$/.exec(path);
    if (api) return serveApi(req, res, url, decodeURIComponent(api[1] ?? ''), api[2] ?? '');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(path);
    if (file) return serveFile(res, decodeURIComponent(file[1] ?? ''), file[2] ?? '');
    respondJson(res, 404, tgErrors.notFound().toBody(), API_HEADERS);
  }, opts);

  const bots = opts.bots ?? [{}];
  const created = bots.map((b) => botInfo(state.createBot(b)));
  Object.assign(handle, { url: server.url, defaultBot: opts.bots === undefined ? created[0] : undefined });
  return handle;
}

const API_HEADERS = {
  server: 'nginx/1.18.0',
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Content-Length,Content-Type,Date,Server,Connection',
};

function botInfo(bot: BotRecord): TelegramBotInfo {
  return { token: bot.token, user: { ...bot.user } };
}
