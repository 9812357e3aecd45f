// Pushes each bot's pending updates to its webhook the way tdlib's WebhookActor does (https://core.telegram.org/bots/api#setwebhook):
// one Update per POST, in order per chat, parallel across chats up to max_connections, retried on non-2xx.
import { randomInt } from 'node:crypto';
import type { Agent } from 'node:http';
import type { SimClock } from '../clock.js';
import { OutboundError, sendOutbound, type OutboundResponse } from '../http/outbound-request.js';
import type { TimerSet } from '../timer-set.js';
import type { BotRecord, PendingUpdate, TelegramState, WebhookConfig } from './state.js';

export interface TelegramWebhookAttempt {
  botId: number;
  updateId: number;
  /** Chat the update belongs to (its ordering queue). */
  queueKey: string;
  /** 1 for the first try of this update. */
  attempt: number;
  url: string;
  /** Simulated time of the attempt, ms since epoch. */
  at: number;
  durationMs: number;
  status?: number;
  error?: string;
  outcome: 'delivered' | 'retry' | 'dropped';
  /** Real (scaled) milliseconds until the next try, for `retry`. */
  retryInMs?: number;
  /** A Bot API method the receiver asked for in its 2xx reply body (executed like Telegram does). */
  replyMethod?: string;
  replyError?: string;
  headers: Record<string, string>;
  body: string;
}

export interface TelegramWebhookOptions {
  /** Multiplies every retry delay; 1 = Telegram's real seconds (tests use e.g. 0.001). */
  retryScale: number;
  /** How long a receiver may take to answer, ms. */
  timeoutMs: number;
}

/** tdlib WebhookActor.h: WEBHOOK_MAX_RESEND_TIMEOUT = 60 s (cap randomised in 60–120 s), 410 for 23 h closes it. */
const MAX_RESEND_TIMEOUT_S = 60;
const MAX_RETRY_AFTER_S = 3600;
const DROP_410_AFTER_MS = 23 * 3600 * 1000;
const MAX_ATTEMPT_LOG = 10_000;
/** Methods a webhook reply may not call (WebhookActor::handle). */
const REPLY_FORBIDDEN = new Set(['deletewebhook', 'setwebhook', 'close', 'logout']);

interface DeliveryState {
  delayS: number;
  failCount: number;
  wakeupAt: number;
  inFlight: boolean;
}

export type ReplyExecutor = (bot: BotRecord, method: string, params: Record<string, unknown>) => Promise<void>;

interface Deps {
  state: TelegramState;
  clock: SimClock;
  timers: TimerSet;
  agent: Agent;
  signal: AbortSignal;
  options: TelegramWebhookOptions;
  record(attempt: TelegramWebhookAttempt): void;
  executeReply: ReplyExecutor;
}

class BotWebhookDelivery {
  private readonly perUpdate = new Map<number, DeliveryState>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private inFlight = 0;
  private stopped = false;
  private first410At: number | undefined;
  private pumpQueued = false;

  constructor(
    private readonly bot: BotRecord,
    private readonly config: WebhookConfig,
    private readonly deps: Deps,
  ) {}

  get busy(): boolean {
    return this.inFlight > 0;
  }

  kick(): void {
    if (this.stopped || this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  stop(): void {
    this.stopped = true;
    this.deps.timers.cancel(this.timer);
    this.timer = undefined;
  }

  private pump(): void {
    if (this.stopped || this.bot.webhook !== this.config) return;
    this.deps.state.expireUpdates(this.bot);
    const now = Date.now();
    let nextWake = Infinity;
    const seenQueues = new Set<string>();
    for (const pu of this.bot.updates.values()) {
      if (seenQueues.has(pu.queueKey)) continue; // later updates of a chat wait for its head
      seenQueues.add(pu.queueKey);
      let st = this.perUpdate.get(pu.update.update_id);
      if (!st) {
        st = { delayS: 1, failCount: 0, wakeupAt: 0, inFlight: false };
        this.perUpdate.set(pu.update.update_id, st);
      }
      if (st.inFlight) continue;
      if (st.wakeupAt > now) {
        nextWake = Math.min(nextWake, st.wakeupAt);
        continue;
      }
      if (this.inFlight >= this.config.maxConnections) break;
      void this.send(pu, st);
    }
    if (nextWake < Infinity && (nextWake < this.timerAt || !this.timer)) {
      this.deps.timers.cancel(this.timer);
      this.timerAt = nextWake;
      this.timer = this.deps.timers.after(nextWake - now, () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      });
    }
  }

  private async send(pu: PendingUpdate, st: DeliveryState): Promise<void> {
    st.inFlight = true;
    this.inFlight++;
    const { update_id: updateId, ...rest } = pu.update;
    // WebhookActor's JsonUpdate writes update_id, then a literal ",\n", then the update object's fields
    const body = `{"update_id":${updateId},\n${JSON.stringify(rest).slice(1)}`;
    const target = new URL(this.config.url);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      connection: 'keep-alive',
      'accept-encoding': 'gzip, deflate',
    };
    if (target.username || target.password) {
      headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}`;
      target.username = '';
      target.password = '';
    }
    if (this.config.secretToken) headers['x-telegram-bot-api-secret-token'] = this.config.secretToken;
    const startedReal = Date.now();
    const at = this.deps.clock.now();
    let res: OutboundResponse | undefined;
    let error: string | undefined;
    try {
      res = await sendOutbound({
        url: target.toString(),
        method: 'POST',
        headers,
        body: Buffer.from(body),
        timeoutMs: this.deps.options.timeoutMs,
        signal: this.deps.signal,
        agent: this.deps.agent,
      });
    } catch (err) {
      if (err instanceof OutboundError && err.kind === 'aborted') return; // simulator closing
      error = err instanceof Error ? err.message : String(err);
    }
    this.inFlight--;
    st.inFlight = false;
    const attempt: TelegramWebhookAttempt = {
      botId: this.bot.user.id,
      updateId,
      queueKey: pu.queueKey,
      attempt: st.failCount + 1,
      url: this.config.url,
      at,
      durationMs: Date.now() - startedReal,
      outcome: 'delivered',
      headers,
      body,
    };
    if (res) attempt.status = res.status;
    if (res && res.status >= 200 && res.status <= 299) {
      this.bot.updates.delete(updateId);
      this.perUpdate.delete(updateId);
      this.first410At = undefined;
      this.deps.record(attempt);
      await this.runReply(res, attempt);
      this.kick();
      return;
    }
    const message = res
      ? `Wrong response from the webhook: ${res.status} ${res.statusText}`
      : (error ?? 'Webhook connection closed');
    attempt.error = message;
    if (!this.stopped && this.bot.webhook === this.config) {
      this.bot.lastErrorDate = this.deps.clock.unix();
      this.bot.lastErrorMessage = message;
    }
    if (res?.status === 410) {
      this.first410At ??= at;
      if (at - this.first410At > DROP_410_AFTER_MS && this.bot.webhook === this.config) {
        this.bot.webhook = null; // "Close webhook because of HTTP 410 errors"
        this.stop();
      }
    } else {
      this.first410At = undefined;
    }
    // WebhookActor::on_update_error
    const retryAfter = Math.min(Math.max(parseRetryAfter(res), 0), MAX_RETRY_AFTER_S);
    let nextDelay = st.delayS;
    let effective = retryAfter;
    if (retryAfter === 0 && st.failCount > 0) {
      const cap = randomInt(MAX_RESEND_TIMEOUT_S, MAX_RESEND_TIMEOUT_S * 2 + 1);
      nextDelay = Math.min(cap, nextDelay * 2);
      effective = nextDelay;
    }
    if (this.deps.clock.now() + effective * 1000 > pu.expiresAt) {
      this.bot.updates.delete(updateId);
      this.perUpdate.delete(updateId);
      attempt.outcome = 'dropped';
    } else {
      st.delayS = nextDelay;
      st.failCount++;
      const waitMs = effective * 1000 * this.deps.options.retryScale;
      st.wakeupAt = Date.now() + waitMs;
      attempt.outcome = 'retry';
      attempt.retryInMs = waitMs;
    }
    this.deps.record(attempt);
    this.kick();
  }

  /** "Webhook reply": a 2xx body with a `method` parameter is executed as a Bot API call (WebhookActor::handle). */
  private async runReply(res: OutboundResponse, attempt: TelegramWebhookAttempt): Promise<void> {
    if (res.body.length === 0) return;
    const type = String(res.headers['content-type'] ?? '').toLowerCase();
    let params: Record<string, unknown> | undefined;
    const text = res.body.toString('utf8');
    if (type.includes('application/x-www-form-urlencoded')) {
      params = Object.fromEntries(new URLSearchParams(text));
    } else {
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
          params = parsed as Record<string, unknown>;
      } catch {
        return;
      }
    }
    const method = typeof params?.method === 'string' ? params.method : '';
    const lower = method.toLowerCase();
    if (!params || !lower || REPLY_FORBIDDEN.has(lower) || lower.startsWith('get')) return;
    attempt.replyMethod = method;
    try {
      await this.deps.executeReply(this.bot, method, params);
    } catch (err) {
      attempt.replyError = err instanceof Error ? err.message : String(err);
    }
  }
}

function parseRetryAfter(res: OutboundResponse | undefined): number {
  const v = res?.headers['retry-after'];
  const n = typeof v === 'string' ? Number.parseInt(v, 10) : NaN;
  return Number.isFinite(n) ? n : 0;
}

/** All bots' webhook deliveries plus the attempt log. */
export class TelegramWebhooks {
  private readonly active = new Map<number, BotWebhookDelivery>();
  readonly attempts: TelegramWebhookAttempt[] = [];

  constructor(private readonly deps: Omit<Deps, 'record'>) {}

  /** (Re)starts delivery for the bot's current webhook config. */
  start(bot: BotRecord): void {
    this.stop(bot);
    if (!bot.webhook) return;
    const d = new BotWebhookDelivery(bot, bot.webhook, { ...this.deps, record: (a) => this.record(a) });
    this.active.set(bot.user.id, d);
    d.kick();
  }

  stop(bot: BotRecord): void {
    this.active.get(bot.user.id)?.stop();
    this.active.delete(bot.user.id);
  }

  kick(bot: BotRecord): void {
    this.active.get(bot.user.id)?.kick();
  }

  stopAll(): void {
    for (const d of this.active.values()) d.stop();
    this.active.clear();
  }

  /** True when every bot with a webhook has nothing pending and nothing in flight. */
  isIdle(): boolean {
    for (const [botId, d] of this.active) {
      const bot = this.deps.state.bots.get(botId);
      if (d.busy || (bot && bot.webhook && bot.updates.size > 0)) return false;
    }
    return true;
  }

  private record(a: TelegramWebhookAttempt): void {
    this.attempts.push(a);
    if (this.attempts.length > MAX_ATTEMPT_LOG) this.attempts.splice(0, this.attempts.length - MAX_ATTEMPT_LOG);
  }
}
