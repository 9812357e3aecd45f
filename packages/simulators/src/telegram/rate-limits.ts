// Telegram flood control: ~1 msg/s per chat (short bursts tolerated), ~30 msg/s per bot, 20 msg/min per group
// (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this — the real limits are dynamic, so every number here is configurable).
import { KeyedBuckets } from '../rate/token-bucket.js';
import { tgErrors } from './errors.js';
import type { TgChat } from './types.js';

export interface TelegramRateLimits {
  /** Sustained messages per second into one chat. Default 1. */
  perChatPerSecond: number;
  /** Burst allowed into one chat before 429. Default 3. */
  perChatBurst: number;
  /** Messages per second across all chats of one bot. Default 30. */
  perBotPerSecond: number;
  /** Messages per minute into one group/supergroup/channel. Default 20. */
  perGroupPerMinute: number;
}

export const DEFAULT_TELEGRAM_RATE_LIMITS: TelegramRateLimits = {
  perChatPerSecond: 1,
  perChatBurst: 3,
  perBotPerSecond: 30,
  perGroupPerMinute: 20,
};

export class TelegramFloodControl {
  private readonly perChat = new KeyedBuckets({ capacity: 1, refillPerSecond: 1 });
  private readonly perBot = new KeyedBuckets({ capacity: 1, refillPerSecond: 1 });
  private readonly perGroup = new KeyedBuckets({ capacity: 1, refillPerSecond: 1 });

  constructor(private limits: TelegramRateLimits | null) {}

  configure(limits: TelegramRateLimits | null): void {
    this.limits = limits;
  }

  get current(): TelegramRateLimits | null {
    return this.limits;
  }

  /** Charges one outgoing message; throws the real 429 (`retry after N`, N in whole seconds, ≥ 1) when over. */
  charge(botId: number, chat: TgChat, now: number): void {
    const l = this.limits;
    if (!l) return;
    const checks: Array<() => { ok: true } | { ok: false; retryAfterMs: number }> = [
      () => this.perBot.take(String(botId), now, { capacity: l.perBotPerSecond, refillPerSecond: l.perBotPerSecond }),
      () =>
        chat.type === 'private'
          ? this.perChat.take(`${botId}/${chat.id}`, now, {
              capacity: l.perChatBurst,
              refillPerSecond: l.perChatPerSecond,
            })
          : this.perGroup.take(`${botId}/${chat.id}`, now, {
              capacity: l.perGroupPerMinute,
              refillPerSecond: l.perGroupPerMinute / 60,
            }),
    ];
    for (const check of checks) {
      const r = check();
      if (!r.ok) throw tgErrors.tooManyRequests(Math.max(1, Math.ceil(r.retryAfterMs / 1000)));
    }
  }

  reset(): void {
    this.perChat.clear();
    this.perBot.clear();
    this.perGroup.clear();
  }
}
