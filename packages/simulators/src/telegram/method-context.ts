// What every Bot API method implementation receives: the bot, its parameters and the simulator's services.
import type { Agent } from 'node:http';
import type { SimClock } from '../clock.js';
import type { TimerSet } from '../timer-set.js';
import type { LongPolls } from './long-poll.js';
import type { BotParams } from './params.js';
import type { TelegramFloodControl } from './rate-limits.js';
import type { BotRecord, TelegramState } from './state.js';
import type { TelegramWebhooks } from './webhook-delivery.js';

export interface TelegramRuntime {
  state: TelegramState;
  clock: SimClock;
  timers: TimerSet;
  flood: TelegramFloodControl;
  webhooks: TelegramWebhooks;
  polls: LongPolls;
  agent: Agent;
  signal: AbortSignal;
  settings: TelegramSettings;
}

export interface TelegramSettings {
  /** Enforce Telegram's webhook URL rules (HTTPS; ports 443, 80, 88, 8443). Off by default so local receivers work. */
  strictWebhookUrl: boolean;
  /** Fetch `http(s)://` InputFile URLs like Telegram does (otherwise they fail with "failed to get HTTP URL content"). */
  fetchUrls: boolean;
  /** How long a callback query can still be answered, ms. */
  callbackQueryTtlMs: number;
  /** Upper bound of getUpdates `timeout`, seconds (Telegram: 50). */
  longPollMaxTimeoutSeconds: number;
}

export interface MethodContext {
  rt: TelegramRuntime;
  bot: BotRecord;
  params: BotParams;
  /** The method name as the caller spelled it. */
  method: string;
}

/** A successful result that also carries Telegram's `description` (setWebhook / deleteWebhook do this). */
export class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

export type BotMethod = (ctx: MethodContext) => unknown;
